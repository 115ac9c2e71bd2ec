"""Data-quality checks: a clean warehouse passes, each planted bad row makes its check fail."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_samples import open_warehouse
from warehouse.checks import ChecksFailed, check_query, load_checks, require_checks, run_checks
from warehouse.connection import connect


def plant_article(
    connection: duckdb.DuckDBPyConnection,
    article_id: str = "a1",
    url: str = "https://baoquangninh.vn/a-3254001.html",
    body: str = "Huyện Ba Chẽ còn 120 hộ nghèo.",
    published_at: str = "now() - INTERVAL 2 HOUR",
) -> None:
    connection.execute(
        f"""
        INSERT INTO articles (article_id, site, url, page_id, title, lead, body, published_at,
            authors, word_count, content_sha256, extractor, first_seen_at, last_seen_at, parsed_at)
        VALUES (?, 'baoquangninh', ?, 'p1', 'Tiêu đề', 'Sapo', ?, {published_at},
            [], 7, 'x', 'selectors', now(), now(), now())
        """,
        [article_id, url, body],
    )


def plant_fact(connection: duckdb.DuckDBPyConnection, kind: str, **columns: object) -> None:
    names = ", ".join(["fact_id", "article_id", "kind", "text", "sentence", "source",
                       "start_offset", "end_offset", "extractor_version", *columns])
    values = ["f1", "a1", kind, "120 hộ", "Câu.", "body", 0, 6, "1", *columns.values()]
    connection.execute(
        f"INSERT INTO facts ({names}) VALUES ({', '.join('?' * len(values))})", values
    )


def failed_checks(connection: duckdb.DuckDBPyConnection) -> list[str]:
    return [result.name for result in run_checks(connection).failures]


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    plant_article(connection)
    return connection


def test_every_check_file_has_a_description() -> None:
    assert all(check.description for check in load_checks())


def test_clean_warehouse_passes_every_check(warehouse: duckdb.DuckDBPyConnection) -> None:
    report = require_checks(warehouse)
    assert report.passed and len(report.results) == len(load_checks())


def test_article_without_body_fails_its_check(warehouse: duckdb.DuckDBPyConnection) -> None:
    plant_article(warehouse, "a2", "https://baoquangninh.vn/b-3254002.html", body="  ")
    assert failed_checks(warehouse) == ["article_without_body"]


def test_caption_inside_the_body_fails_its_check(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute(
        "INSERT INTO captions VALUES ('a1', 0, 'Huyện Ba Chẽ còn 120 hộ nghèo', NULL, NULL, 1)"
    )
    assert failed_checks(warehouse) == ["caption_in_body"]


def test_short_caption_inside_the_body_is_allowed(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute("INSERT INTO captions VALUES ('a1', 0, 'Ba Chẽ', NULL, NULL, 1)")
    assert failed_checks(warehouse) == []


def test_two_articles_with_one_url_fail_the_duplicate_check(warehouse: duckdb.DuckDBPyConnection) -> None:
    plant_article(warehouse, "a2")
    assert failed_checks(warehouse) == ["duplicate_article_id"]


def test_repeated_article_id_fails_the_duplicate_check(tmp_path: Path) -> None:
    # A copy of articles without its primary key, as a restore from exported Parquet makes.
    connection = connect(tmp_path / "restored.duckdb")
    connection.execute(
        "CREATE TABLE articles AS SELECT * FROM (VALUES ('a1', 'u1'), ('a1', 'u2')) AS t(article_id, url)"
    )
    [check] = [check for check in load_checks() if check.name == "duplicate_article_id"]
    rows = connection.execute(check_query(check)).fetchall()
    assert rows == [("article_id", "a1", 2)]


def test_article_dated_two_days_ahead_fails_its_check(warehouse: duckdb.DuckDBPyConnection) -> None:
    plant_article(warehouse, "a2", "https://baoquangninh.vn/b-3254002.html", published_at="now() + INTERVAL 2 DAY")
    assert failed_checks(warehouse) == ["published_in_future"]


def test_article_dated_later_today_passes(warehouse: duckdb.DuckDBPyConnection) -> None:
    plant_article(warehouse, "a2", "https://baoquangninh.vn/b-3254002.html", published_at="now() + INTERVAL 3 HOUR")
    assert failed_checks(warehouse) == []


@pytest.mark.parametrize(
    "kind, columns",
    [
        ("money", {}),
        ("percent", {"value": float("nan")}),
        ("ratio", {"value": 98.0}),
        ("legal_ref", {"doc_number": ""}),
        ("person", {"role": "Chủ tịch"}),
    ],
)
def test_fact_without_its_parsed_value_fails_its_check(
    warehouse: duckdb.DuckDBPyConnection, kind: str, columns: dict[str, object]
) -> None:
    plant_fact(warehouse, kind, **columns)
    assert failed_checks(warehouse) == ["fact_value_unparsed"]


def test_fact_with_its_parsed_value_passes(warehouse: duckdb.DuckDBPyConnection) -> None:
    plant_fact(warehouse, "ratio", value=98.0, low=98.0, high=98.0, denominator=98.0)
    assert failed_checks(warehouse) == []


def plant_day(connection: duckdb.DuckDBPyConnection, days_ago: int, articles: int) -> None:
    """A run of baoquangninh that many days ago with that many parsed article pages."""
    started = datetime.now().astimezone() - timedelta(days=days_ago)
    run_id = f"run-{days_ago}"
    connection.execute(
        "INSERT INTO crawl_runs (run_id, site, started_at, status) VALUES (?, 'baoquangninh', ?, 'success')",
        [run_id, started],
    )
    connection.execute(
        """
        INSERT INTO pages (page_id, run_id, site, url, page_kind, http_status, fetched_at, landing_file)
        SELECT $run_id || '-' || number, $run_id, 'baoquangninh', 'https://x/' || number, 'article',
               200, $started, 'landing.parquet'
        FROM range($articles) AS numbers(number)
        """,
        {"run_id": run_id, "started": started, "articles": articles},
    )


def test_site_parsing_a_tenth_of_its_median_fails_the_volume_check(warehouse: duckdb.DuckDBPyConnection) -> None:
    for days_ago in (1, 2, 3):
        plant_day(warehouse, days_ago, 50)
    plant_day(warehouse, 0, 5)
    assert failed_checks(warehouse) == ["site_volume_collapse"]


def test_site_with_two_days_of_history_is_not_judged(warehouse: duckdb.DuckDBPyConnection) -> None:
    for days_ago in (1, 2):
        plant_day(warehouse, days_ago, 50)
    plant_day(warehouse, 0, 5)
    assert failed_checks(warehouse) == []


def test_require_checks_raises_with_the_failed_checks_named(warehouse: duckdb.DuckDBPyConnection) -> None:
    plant_article(warehouse, "a2", "https://baoquangninh.vn/b-3254002.html", body="")
    with pytest.raises(ChecksFailed, match="article_without_body") as raised:
        require_checks(warehouse)
    assert raised.value.report.failures[0].examples[0]["article_id"] == "a2"


def test_checks_run_on_a_read_only_connection(tmp_path: Path) -> None:
    open_warehouse(tmp_path / "warehouse.duckdb").close()
    reader = connect(tmp_path / "warehouse.duckdb", read_only=True)
    assert run_checks(reader).passed
