"""Analyst views, status rows, comments on every object, and the Parquet export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from scrapers.site import parse_site
from tests.warehouse_samples import START, article_id, landing_run, open_warehouse, page, page_id, parsed_article
from transforms.records import Caption, Fact
from warehouse.articles import ParseFailure, store_articles
from warehouse.export import export_parquet
from warehouse.facts import store_facts
from warehouse.load import load_runs, sync_sources
from warehouse.publish import publish
from warehouse.status import status_rows, warehouse_counts
from warehouse.views import create_views, view_files

ORIGINAL = "https://baoquangninh.vn/giam-ngheo-3254001.html"
COPY = "https://quangninh.gov.vn/giam-ngheo-45210.html"
BROKEN = "https://baoquangninh.vn/loi-3254002.html"
PHOTO = Caption(text="Cán bộ huyện thăm hộ nghèo ở xã Đạp Thanh.", image_url="/a.jpg", occurrences=2, position=0)
MY_VIEWS = ("v_articles", "v_captions", "v_facts", "v_run_health")
# Tables of migrations 001 and 002 and the published search documents.
MY_TABLES = ("sources", "crawl_runs", "pages", "articles", "captions", "facts", "duplicates",
             "parse_failures", "fact_extractions", "search_documents")


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A story published by the newspaper and copied by the portal, one fact, one parse failure."""
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    site = {"province": "Quảng Ninh", "discover": {"rss": ["/rss"]}, "article_url": "html$"}
    sync_sources(connection, [
        parse_site({**site, "name": "baoquangninh", "base_url": "https://baoquangninh.vn"}),
        parse_site({**site, "name": "quangninh-gov", "base_url": "https://quangninh.gov.vn"}),
    ])
    load_runs(connection, [
        landing_run(tmp_path / "landing", "run-1", [page(ORIGINAL), page(BROKEN)]),
        landing_run(tmp_path / "landing", "run-2", [page(COPY, fetched_at=START + timedelta(hours=1))],
                    site="quangninh-gov", started_at=START + timedelta(hours=1)),
    ])
    store_articles(connection, [
        parsed_article(page_id("run-1", ORIGINAL), ORIGINAL, captions=(PHOTO,)),
        parsed_article(page_id("run-2", COPY), COPY, site="quangninh-gov", captions=(PHOTO,)),
    ], [ParseFailure(page_id("run-1", BROKEN), "no title")])
    connection.execute("UPDATE articles SET duplicate_of = ? WHERE url = ?", [article_id(ORIGINAL), COPY])
    fact = Fact(kind="number", text="120 hộ", sentence="Huyện Ba Chẽ còn 120 hộ nghèo.", source="body",
                start=17, end=23, value=120.0, unit="hộ", paragraph=0)
    store_facts(connection, {article_id(ORIGINAL): [fact]}, "1")
    create_views(connection)
    return connection


@pytest.mark.parametrize("path", view_files(), ids=lambda path: path.stem)
def test_every_view_runs(warehouse: duckdb.DuckDBPyConnection, path: Path) -> None:
    warehouse.execute(f"SELECT * FROM {path.stem}").fetchall()


def test_v_articles_has_one_row_per_story_with_its_copies(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute("SELECT url, copies, sites, province FROM v_articles").fetchall()
    assert rows == [(ORIGINAL, 1, ["baoquangninh", "quangninh-gov"], "Quảng Ninh")]


def test_v_facts_carries_article_site_province_and_day(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = warehouse.execute("SELECT site, province, published_day, text FROM v_facts").fetchone()
    assert row == ("baoquangninh", "Quảng Ninh", START.date(), "120 hộ")


def test_v_captions_counts_articles_sharing_a_caption(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert warehouse.execute("SELECT DISTINCT shared_by FROM v_captions").fetchall() == [(2,)]


def test_v_run_health_lists_newest_run_first_with_its_counts(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "SELECT run_id, pages_fetched, articles_new, parse_failures, duration_seconds, loaded FROM v_run_health"
    ).fetchall()
    assert rows == [("run-2", 1, 1, 0, 300.0, True), ("run-1", 2, 2, 1, 300.0, True)]


def test_status_rows_are_the_latest_runs(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert [row["run_id"] for row in status_rows(warehouse, limit=1)] == ["run-2"]


def test_warehouse_counts_rows_per_table(warehouse: duckdb.DuckDBPyConnection) -> None:
    counts = warehouse_counts(warehouse)
    assert (counts["articles"], counts["pages"], counts["parse_failures"]) == (2, 3, 1)


def test_every_table_view_and_column_of_the_warehouse_is_commented(tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.close()
    published = publish(tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb").path
    reader = duckdb.connect(str(published), read_only=True)
    objects = MY_TABLES + MY_VIEWS
    uncommented = reader.execute(
        """
        SELECT table_name FROM duckdb_tables() WHERE list_contains($objects, table_name) AND comment IS NULL
        UNION ALL
        SELECT view_name FROM duckdb_views() WHERE list_contains($objects, view_name) AND comment IS NULL
        UNION ALL
        SELECT table_name || '.' || column_name FROM duckdb_columns()
        WHERE list_contains($objects, table_name) AND comment IS NULL
        """,
        {"objects": list(objects)},
    ).fetchall()
    described = reader.execute(
        "SELECT count(DISTINCT table_name) FROM duckdb_columns() WHERE list_contains($objects, table_name)",
        {"objects": list(objects)},
    ).fetchone()[0]
    assert (uncommented, described) == ([], len(objects))


def test_export_all_writes_one_parquet_file_per_table_and_view(tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.close()
    published = publish(tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb").path
    written = export_parquet(published, tmp_path / "export", include_all=True)
    names = {path.stem for path in written}
    assert set(MY_TABLES + MY_VIEWS) <= names
    assert pq.read_table(tmp_path / "export" / "v_articles.parquet").num_rows == 1
    assert sorted(path.name for path in (tmp_path / "export").iterdir()) == sorted(path.name for path in written)
