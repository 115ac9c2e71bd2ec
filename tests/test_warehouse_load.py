"""Loading landing runs and site files into the warehouse."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from scrapers.site import parse_site
from warehouse.load import load_runs, sync_sources, unloaded_manifests
from warehouse.schema import migrate
from tests.warehouse_samples import START, landing_run, open_warehouse, page, page_id

URL = "https://baoquangninh.vn/giam-ngheo-3254001.html"


def test_migrating_twice_applies_nothing_the_second_time(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    assert migrate(connection) == []


def test_loading_the_same_run_twice_keeps_the_same_rows(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    manifest = landing_run(tmp_path / "landing", "run-1", [page(URL), page("https://baoquangninh.vn/xa-hoi", kind="listing")])
    first = load_runs(connection, [manifest])
    second = load_runs(connection, [manifest])
    assert (first.runs_loaded, first.pages_loaded, second.runs_skipped) == (1, 2, 1)
    assert connection.execute("SELECT count(*) FROM pages").fetchone()[0] == 2
    assert connection.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 1


def test_reloading_a_run_replaces_its_rows(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    manifest = landing_run(tmp_path / "landing", "run-1", [page(URL)])
    load_runs(connection, [manifest])
    result = load_runs(connection, [manifest], reload=True)
    assert result.runs_loaded == 1
    assert connection.execute("SELECT count(*) FROM pages").fetchone()[0] == 1


def test_page_id_is_the_hash_of_run_and_url(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(URL)])])
    assert connection.execute("SELECT page_id FROM pages").fetchone()[0] == page_id("run-1", URL)


def test_run_without_parquet_still_gets_its_crawl_runs_row(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    manifest = landing_run(tmp_path / "landing", "run-down", None, status="failed")
    load_runs(connection, [manifest])
    row = connection.execute(
        "SELECT status, pages_fetched, landing_file, loaded_at IS NOT NULL FROM crawl_runs"
    ).fetchone()
    assert row == ("failed", 0, None, True)


def test_run_counts_fetched_failed_and_not_modified_pages(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    pages = [
        page(URL),
        page("https://baoquangninh.vn/a-3254002.html", status=500),
        page("https://baoquangninh.vn/b-3254003.html", body=None, status=None, error="timeout"),
        page("https://baoquangninh.vn/c-3254004.html", body=None, status=304),
    ]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", pages)])
    row = connection.execute(
        "SELECT pages_fetched, pages_failed, pages_not_modified FROM crawl_runs"
    ).fetchone()
    assert row == (1, 2, 1)


def test_a_missing_robots_txt_is_no_failed_page(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    pages = [page("https://baoquangninh.vn/robots.txt", body="Not found", status=404, kind="robots"), page(URL)]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", pages)])
    assert connection.execute("SELECT pages_fetched, pages_failed FROM crawl_runs").fetchone() == (1, 0)


def test_articles_new_counts_urls_no_earlier_run_fetched(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    other = "https://baoquangninh.vn/moi-3254009.html"
    later = START + timedelta(days=1)
    second = landing_run(
        tmp_path / "landing", "run-2", [page(URL, fetched_at=later), page(other, fetched_at=later)], started_at=later
    )
    first = landing_run(tmp_path / "landing", "run-1", [page(URL)])
    # Loaded out of order on purpose: the count follows the start times, not the load order.
    load_runs(connection, [second])
    load_runs(connection, [first])
    counts = dict(connection.execute("SELECT run_id, articles_new FROM crawl_runs").fetchall())
    assert counts == {"run-1": 1, "run-2": 1}


def test_unloaded_manifests_lists_only_runs_not_yet_loaded(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    loaded = landing_run(tmp_path / "landing", "run-1", [page(URL)])
    waiting = landing_run(tmp_path / "landing", "run-2", [page(URL)], started_at=START + timedelta(days=1))
    load_runs(connection, [loaded])
    assert unloaded_manifests(connection, tmp_path / "landing") == [waiting]


def test_sync_sources_updates_a_site_in_place(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    document = {
        "name": "baoquangninh",
        "province": "Quảng Ninh",
        "base_url": "https://baoquangninh.vn",
        "discover": {"rss": ["/rss"]},
        "article_url": r"-\d{7}\.html$",
    }
    sync_sources(connection, [parse_site(document)])
    sync_sources(connection, [parse_site({**document, "title": "Báo Quảng Ninh"})])
    assert connection.execute("SELECT site, name, province FROM sources").fetchall() == [
        ("baoquangninh", "Báo Quảng Ninh", "Quảng Ninh")
    ]
