"""Failed Airflow tries: the task_failures table and the alerts, with real DuckDB and real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb
import pytest

from provnews.operations.alerts import TaskFailure, post_webhook, send_email
from tests.support import free_port
from warehouse.connection import connect
from warehouse.failures import record_task_failure
from warehouse.schema import migrate

FAILURE = TaskFailure(
    dag_id="provnews_nightly",
    task_id="crawl.crawl_site",
    map_index=2,
    map_label="tuoitrethudo",
    run_id="scheduled__2026-11-22T18:30:00+00:00",
    try_number=1,
    error="CrawlFailed: tuoitrethudo: every start page refused",
    log_url="http://localhost:8080/dags/provnews_nightly/runs/x/tasks/crawl.crawl_site/mapped/2",
)


@pytest.fixture()
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(tmp_path / "warehouse.duckdb")
    migrate(connection)
    yield connection
    connection.close()


def record(connection: duckdb.DuckDBPyConnection, **changes: object) -> None:
    fields = {
        "dag_id": FAILURE.dag_id,
        "task_id": FAILURE.task_id,
        "map_index": FAILURE.map_index,
        "run_id": FAILURE.run_id,
        "try_number": FAILURE.try_number,
        "error": FAILURE.error,
        "log_url": FAILURE.log_url,
        **changes,
    }
    record_task_failure(connection, **fields)


def test_failure_is_recorded_with_its_log_address(warehouse: duckdb.DuckDBPyConnection) -> None:
    record(warehouse, failed_at=datetime(2026, 11, 22, 18, 31, tzinfo=timezone.utc))
    row = warehouse.execute(
        "SELECT task_id, map_index, try_number, error, log_url, failed_at FROM task_failures"
    ).fetchone()
    assert row[:5] == ("crawl.crawl_site", 2, 1, FAILURE.error, FAILURE.log_url)
    assert row[5] == datetime(2026, 11, 22, 18, 31, tzinfo=timezone.utc)


def test_multiline_error_is_kept_on_one_line(warehouse: duckdb.DuckDBPyConnection) -> None:
    record(warehouse, error="ChecksFailed: data-quality checks failed:\n  articles_have_titles (3 rows)")
    error = warehouse.execute("SELECT error FROM task_failures").fetchone()[0]
    assert error == "ChecksFailed: data-quality checks failed: articles_have_titles (3 rows)"


def test_same_try_recorded_twice_is_one_row(warehouse: duckdb.DuckDBPyConnection) -> None:
    record(warehouse)
    record(warehouse, error="a second report of the same try")
    rows = warehouse.execute("SELECT error FROM task_failures").fetchall()
    assert rows == [(FAILURE.error,)]


def test_two_mapped_sites_failing_in_the_same_try_are_two_rows(warehouse: duckdb.DuckDBPyConnection) -> None:
    record(warehouse, map_index=0)
    record(warehouse, map_index=1)
    assert warehouse.execute("SELECT count(*) FROM task_failures").fetchone()[0] == 2


def test_every_task_failures_column_is_commented(warehouse: duckdb.DuckDBPyConnection) -> None:
    missing = warehouse.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'task_failures' AND comment IS NULL"
    ).fetchall()
    table_comment = warehouse.execute(
        "SELECT comment FROM duckdb_tables() WHERE table_name = 'task_failures'"
    ).fetchone()[0]
    assert missing == []
    assert table_comment


class WebhookReceiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        length = int(self.headers["Content-Length"])
        WebhookReceiver.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *arguments: object) -> None:  # noqa: A002
        pass


@pytest.fixture()
def webhook() -> Iterator[str]:
    WebhookReceiver.received = []
    server = HTTPServer(("127.0.0.1", 0), WebhookReceiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/provnews"
    server.shutdown()
    server.server_close()


def test_webhook_receives_the_failure_as_json(webhook: str) -> None:
    assert post_webhook(webhook, FAILURE) is True
    [document] = WebhookReceiver.received
    assert document["task_id"] == "crawl.crawl_site"
    assert document["error"] == FAILURE.error
    # Named by its site, as the UI names the mapped task, not by its index.
    assert "crawl.crawl_site[tuoitrethudo] failed (try 1)" in document["text"]


def test_webhook_that_is_down_returns_false_without_raising() -> None:
    assert post_webhook(f"http://127.0.0.1:{free_port()}/", FAILURE, timeout=2) is False


def test_mail_server_that_is_down_returns_false_without_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROVNEWS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PROVNEWS_SMTP_PORT", str(free_port()))
    assert send_email(["ops@example.org"], FAILURE, timeout=2) is False
