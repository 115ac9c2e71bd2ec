"""Operating provnews: reprocess scopes, the run's redo scope, partial crawls, asset events,
the deadline, alerts naming sites, the report plugin and `provnews status`, without Airflow running.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from warehouse.failures import record_task_failure
from warehouse.schema import migrate
from warehouse.views import create_views


def warehouse_with_a_failed_crawl(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        migrate(connection)
        create_views(connection)
        connection.execute(
            """
            INSERT INTO crawl_runs (run_id, site, started_at, finished_at, status, pages_fetched, pages_failed)
            VALUES ('mirror-tuoitrethudo-20261207T230000Z', 'mirror-tuoitrethudo',
                    TIMESTAMPTZ '2026-12-07 23:00:00+00', TIMESTAMPTZ '2026-12-07 23:05:00+00',
                    'partial', 120, 37)
            """
        )
        record_task_failure(
            connection,
            dag_id="provnews_nightly",
            task_id="crawl.crawl_site",
            map_index=3,
            map_label="mirror-tuoitrethudo",
            run_id="scheduled__2026-12-07T18:30:00+00:00",
            try_number=4,
            error="CrawlFailed: mirror-tuoitrethudo: no page could be fetched: " + "connection refused " * 20,
            log_url=None,
        )


def test_status_fits_100_columns_names_failures_by_site_and_its_timezone(tmp_path: Path) -> None:
    from provnews.analysis import print_status

    warehouse = tmp_path / "warehouse.duckdb"
    warehouse_with_a_failed_crawl(warehouse)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        print_status(warehouse)
    text = output.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 100, text
    assert "columns (" not in text  # DuckDB's "15 columns (6 shown)": nothing cut
    assert "Asia/Ho_Chi_Minh" in text
    # 23:00 UTC on the 7th is 06:00 on the 8th in Vietnam.
    assert "2026-12-08 06:00" in text
    failures = text.split("Last failed Airflow tasks")[1]
    assert "mirror-tuoitrethudo" in failures and "[3]" not in failures


def test_the_day_of_a_landing_folder_is_the_day_in_vietnam(tmp_path: Path) -> None:
    from scrapers.landing import run_paths

    # The crawl names the folder from its start in Asia/Ho_Chi_Minh (scrapers.crawl.run_crawls).
    started = datetime(2026, 12, 7, 23, 0, tzinfo=timezone.utc)
    from zoneinfo import ZoneInfo

    day = f"{started.astimezone(ZoneInfo('Asia/Ho_Chi_Minh')):%Y-%m-%d}"
    landing, _ = run_paths(tmp_path, "mirror-x", "mirror-x-20261207T230000Z", day)
    assert landing.parent.name == "2026-12-08"
    source = (Path(__file__).parent.parent / "scrapers" / "crawl.py").read_text(encoding="utf-8")
    assert "astimezone(ZoneInfo(settings.TIMEZONE))" in source


@pytest.mark.parametrize(
    ("conf", "words"),
    [
        ({"sites": ["no-such-site"]}, "Unknown site no-such-site"),
        ({"from_date": "2026-12-08", "to_date": "2026-12-01"}, "comes after the last day"),
        ({"stages": ["parse", "crawl"]}, "unknown stage crawl"),
        ({"from_date": "8/12/2026"}, "YYYY-MM-DD"),
    ],
)
def test_reprocess_trigger_refuses_a_scope_that_means_nothing_in_a_sentence(conf: dict, words: str) -> None:
    from provnews.operations.plugin import reprocess_refusal

    refusal = reprocess_refusal(conf)
    assert refusal is not None and words in refusal
    assert "Failed validating" not in refusal and "{" not in refusal


def test_reprocess_trigger_accepts_a_good_scope() -> None:
    from provnews.operations.plugin import reprocess_refusal

    assert reprocess_refusal({"sites": ["mirror-baoquangninh"], "from_date": "2026-12-01", "to_date": "2026-12-01"}) is None
    assert reprocess_refusal({"sites": [], "from_date": None, "to_date": None, "stages": ["facts"]}) is None


def asgi_post(path: str, body: dict) -> tuple[int, dict, list[bytes]]:
    """POST through the trigger check middleware; returns (status, JSON answer, bodies the app received)."""
    from provnews.operations.plugin import ReprocessTriggerCheck

    received: list[bytes] = []
    sent: list[dict] = []

    async def app(scope, receive, send) -> None:
        message = await receive()
        received.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> dict:
        return {"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path}
    asyncio.run(ReprocessTriggerCheck(app)(scope, receive, send))
    return sent[0]["status"], json.loads(sent[1]["body"] or b"{}"), received


def test_trigger_check_answers_400_with_the_sentence_and_lets_good_triggers_through() -> None:
    status, answer, received = asgi_post(
        "/api/v2/dags/provnews_reprocess/dagRuns", {"logical_date": None, "conf": {"sites": ["no-such-site"]}}
    )
    assert status == 400 and answer["detail"].startswith("Unknown site no-such-site")
    assert received == []
    good = {"logical_date": None, "conf": {"sites": ["mirror-baoquangninh"]}}
    status, _, received = asgi_post("/api/v2/dags/provnews_reprocess/dagRuns", good)
    assert status == 200 and json.loads(received[0]) == good
    status, _, _ = asgi_post("/api/v2/dags/provnews_nightly/dagRuns", {"conf": {"sites": ["no-such-site"]}})
    assert status == 200


def test_plugin_shows_the_report_on_every_run() -> None:
    from provnews.operations.plugin import ProvnewsPlugin

    (view,) = ProvnewsPlugin.external_views
    assert view["destination"] == "dag_run"
    assert view["href"] == "provnews/reports/{DAG_ID}/{RUN_ID}" and not view["href"].startswith("/")
    assert {app["url_prefix"] for app in ProvnewsPlugin.fastapi_apps} == {"/provnews"}


def test_plugin_is_registered_as_an_airflow_plugin_entry_point() -> None:
    from importlib.metadata import entry_points

    (entry,) = [entry for entry in entry_points(group="airflow.plugins") if entry.name == "provnews"]
    assert entry.value == "provnews.operations.plugin:ProvnewsPlugin"


def test_a_run_report_has_a_safe_file_name_per_run(tmp_path: Path) -> None:
    from provnews.stages import run_report_path

    first = run_report_path("provnews_nightly/scheduled__2026-12-07T18:30:00+00:00")
    second = run_report_path("provnews_nightly/scheduled__2026-12-07T18_30_00_00_00")
    assert first != second
    assert first.parent.name == "provnews_nightly" and ":" not in first.name and "/" not in first.name


def test_deadline_falls_at_the_configured_local_time() -> None:
    from provnews.operations.tasks import deadline_after_start

    assert deadline_after_start("30 1 * * *", "07:00") == timedelta(hours=5, minutes=30)
    assert deadline_after_start("30 1 * * *", "01:00") == timedelta(hours=23, minutes=30)


def test_partial_crawls_are_named_with_the_share_of_pages_lost() -> None:
    from provnews.operations.tasks import crawl_run_ids, incomplete_crawls

    outcomes = [
        {"site": "mirror-a", "run_id": "mirror-a-1", "status": "success", "pages_fetched": 50, "pages_failed": 0},
        {
            "site": "mirror-b",
            "run_id": "mirror-b-1",
            "status": "partial",
            "pages_fetched": 75,
            "pages_failed": 25,
            "finish_reason": "closespider_timeout",
        },
        None,
    ]
    (sentence,) = incomplete_crawls(outcomes)
    assert sentence.startswith("mirror-b: 25 of 100 pages failed (25% lost)")
    assert "closespider_timeout" in sentence
    assert crawl_run_ids(outcomes) == ["mirror-a-1", "mirror-b-1"]


class FakeOutlets(dict):
    def __missing__(self, asset: object) -> object:
        self[asset] = type("Event", (), {"extra": {}})()
        return self[asset]


def test_publish_that_changed_nothing_is_skipped_and_sends_no_asset_event() -> None:
    from airflow.sdk.exceptions import AirflowSkipException

    from provnews.operations.tasks import announce_publication, published_assets

    context = {"task": type("Task", (), {"outlets": published_assets()})(), "outlet_events": FakeOutlets()}
    with pytest.raises(AirflowSkipException, match="nothing changed"):
        announce_publication({"skipped": "/data/published/warehouse.duckdb", "changed": False}, context)
    assert context["outlet_events"] == {}


def test_publish_that_changed_the_tables_carries_counts_in_its_asset_events() -> None:
    from provnews.operations.tasks import announce_publication, published_assets

    context = {"task": type("Task", (), {"outlets": published_assets()})(), "outlet_events": FakeOutlets()}
    result = {"published": "/p", "changed": True, "articles_new": 12, "facts": 340, "sites": 3}
    announce_publication(result, context)
    extras = [event.extra for event in context["outlet_events"].values()]
    assert len(extras) == len(published_assets())
    assert all(extra["articles_new"] == 12 and extra["facts"] == 340 and extra["sites"] == 3 for extra in extras)
    assert all(extra["action"] == "published" for extra in extras)


def test_a_failed_run_alert_names_its_failed_crawls_by_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from provnews import settings
    from provnews.operations import alerts

    warehouse = tmp_path / "warehouse.duckdb"
    warehouse_with_a_failed_crawl(warehouse)
    monkeypatch.setattr(settings, "WAREHOUSE", warehouse)
    sent: list[alerts.RunAlert] = []
    monkeypatch.setattr(alerts, "send_alert", sent.append)
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "https://airflow.example.vn")
    dag = type("Dag", (), {"dag_id": "provnews_nightly"})()
    alerts.on_run_failure({"dag": dag, "run_id": "scheduled__2026-12-07T18:30:00+00:00", "reason": "task_failure"})
    (alert,) = sent
    assert "crawl.crawl_site[mirror-tuoitrethudo]" in alert.summary()
    assert alert.log_url == (
        "https://airflow.example.vn/dags/provnews_nightly/runs/scheduled__2026-12-07T18%3A30%3A00%2B00%3A00"
    )


def test_a_missed_deadline_sends_one_alert(monkeypatch: pytest.MonkeyPatch) -> None:
    from provnews.operations import alerts

    sent: list[alerts.RunAlert] = []
    monkeypatch.setattr(alerts, "send_alert", sent.append)
    context = {
        "dag_run": {"dag_id": "provnews_nightly", "dag_run_id": "scheduled__x", "state": "running"},
        "deadline": {"deadline_time": "2026-12-08T00:00:00+00:00"},
    }
    asyncio.run(alerts.on_deadline_missed(context=context))
    (alert,) = sent
    assert alert.kind == "deadline_missed" and "not finished by its deadline" in alert.summary()


def test_readme_configuration_table_lists_every_variable_provnews_reads() -> None:
    import re

    root = Path(__file__).parent.parent
    sources = [
        path
        for folder in ("provnews", "scrapers", "transforms", "warehouse", "mirror", "dags", "bench", "ops")
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".sh"}
    ]
    read = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"environ(?:\.get)?[\[(]\s*\"(PROVNEWS_[A-Z_]+)\"", text))
        read |= set(re.findall(r"\$\{(PROVNEWS_[A-Z_]+):-", text))
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Configuration.**")[1].split("**Outgrowing one machine.**")[0]
    internal = {"PROVNEWS_START_MIRROR"}  # set by ops/airflow-standalone.sh for its own session
    assert read - internal and sorted(read - internal - set(re.findall(r"PROVNEWS_[A-Z_]+", table))) == []


def dag_run(run_type: str, hours_late: float) -> object:
    import pendulum

    logical_date = pendulum.now("UTC") - timedelta(hours=hours_late)
    return type("DagRun", (), {"run_type": run_type, "logical_date": logical_date})()


def nightly_module() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("nightly", Path(__file__).parent.parent / "dags" / "provnews_nightly.py")
    nightly = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(nightly)
    return nightly


def test_a_cleared_task_redoes_the_crawl_runs_of_its_dag_run() -> None:
    nightly = nightly_module()
    outcomes = [{"run_id": "mirror-a-1", "status": "success"}, {"run_id": "mirror-b-1", "status": "partial"}]

    def instance(try_number: int) -> dict:
        pulls: list[str] = []
        ti = type("TI", (), {"try_number": try_number, "xcom_pull": lambda self, task_ids: pulls.append(task_ids) or outcomes})()
        return {"ti": ti}

    assert nightly.redo_runs(instance(1)) is None  # a first try works on what is pending
    assert nightly.redo_runs(instance(2)) == ["mirror-a-1", "mirror-b-1"]


def test_a_scheduled_run_created_hours_late_by_an_unpause_is_skipped() -> None:
    due = nightly_module().night_is_due.function
    assert due(dag_run=dag_run("scheduled", 0.1)) is True
    assert due(dag_run=dag_run("scheduled", 7)) is False
    assert due(dag_run=dag_run("manual", 30)) is True
