"""Checks hold back rows, not nights: bad rows stay out of the published file, the rest is published."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from provnews.analysis import print_held_back
from tests.support import free_port, provnews_environment, run_provnews
from tests.test_warehouse_checks import plant_article, plant_fact
from tests.warehouse_samples import open_warehouse
from warehouse.checks import run_checks
from warehouse.checks_holding import hold_back_rows
from warehouse.publish import publish


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    connection = open_warehouse(path)
    plant_article(connection)
    # Stored by an older parse: a date in year 10000, and a fact whose value is infinite.
    plant_article(connection, "a2", "https://baoquangninh.vn/b-3254002.html",
                  published_at="TIMESTAMPTZ '9999-12-31 23:59:59-14:00'")
    plant_article(connection, "a3", "https://baoquangninh.vn/c-3254003.html")
    plant_fact(connection, "number", value=float("inf"))
    connection.execute("INSERT INTO captions VALUES ('a2', 0, 'Ảnh của bài viết thứ hai', NULL, NULL, 1)")
    connection.close()
    return path


def check_and_publish(warehouse: Path) -> tuple[object, Path]:
    connection = duckdb.connect(str(warehouse))
    try:
        outcome = hold_back_rows(connection, run_checks(connection))
    finally:
        connection.close()
    published = warehouse.parent / "published" / "warehouse.duckdb"
    publish(warehouse, published)
    return outcome, published


def test_a_future_date_holds_back_its_article_and_the_rest_is_published(warehouse: Path) -> None:
    outcome, published = check_and_publish(warehouse)
    assert outcome.stopping == []
    assert outcome.held == {"published_in_future": 1, "fact_value_unparsed": 1}
    with duckdb.connect(str(published), read_only=True) as connection:
        articles = [row[0] for row in connection.execute("SELECT article_id FROM articles ORDER BY 1").fetchall()]
        captions = connection.execute("SELECT count(*) FROM captions").fetchone()[0]
        facts = connection.execute("SELECT count(*) FROM facts").fetchone()[0]
        held = connection.execute("SELECT check_name, row_kind, row_id FROM held_back ORDER BY 1").fetchall()
    assert articles == ["a1", "a3"]
    assert (captions, facts) == (0, 0)
    assert held == [("fact_value_unparsed", "fact", "f1"), ("published_in_future", "article", "a2")]
    # The working warehouse keeps every row.
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_a_row_no_longer_found_is_published_again(warehouse: Path) -> None:
    check_and_publish(warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE articles SET published_at = now() - INTERVAL 1 HOUR WHERE article_id = 'a2'")
        connection.execute("DELETE FROM facts")
    outcome, published = check_and_publish(warehouse)
    assert outcome.held == {}
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
        assert connection.execute("SELECT count(*) FROM captions").fetchone()[0] == 1


def test_duplicate_keys_stop_publish(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        # Two articles with one URL: the warehouse's own key is broken.
        plant_article(connection, "a4", "https://baoquangninh.vn/a-3254001.html")
        outcome = hold_back_rows(connection, run_checks(connection))
    assert outcome.stopping == ["duplicate_article_id"]


def test_status_names_what_was_held_back_and_why(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check_and_publish(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        print_held_back(connection)
    out = capsys.readouterr().out
    assert "published_in_future: 1 article row(s) of baoquangninh; publication times are in the past" in out
    assert "fact_value_unparsed: 1 fact row(s)" in out


@pytest.mark.slow
def test_check_and_publish_commands_hold_back_and_publish(warehouse: Path) -> None:
    environment = provnews_environment(warehouse.parent, free_port())
    checked = run_provnews(["check"], environment)
    assert checked.returncode == 0, checked.stderr
    assert '"published_in_future": 1' in checked.stdout
    assert run_provnews(["publish"], environment).returncode == 0
    status = run_provnews(["status", "--published"], environment)
    assert status.returncode == 0 and "published_in_future: 1 article row(s)" in status.stdout
    report = run_provnews(["report"], environment)
    assert report.returncode == 0
    assert "Held back by the checks" in (warehouse.parent / "reports" / "latest.html").read_text()


def plant_landed_article(connection: duckdb.DuckDBPyConnection, published_at: str) -> None:
    plant_article(connection, published_at=published_at)
    connection.execute(
        """
        INSERT INTO pages (page_id, run_id, site, url, final_url, page_kind, http_status, fetched_at,
            content_sha256, landing_file)
        VALUES ('p1', 'r1', 'baoquangninh', 'https://baoquangninh.vn/a-3254001.html',
            'https://baoquangninh.vn/a-3254001.html', 'article', 200, now() - INTERVAL 1 HOUR, 'x', 'f.parquet')
        """
    )


def test_a_stored_date_in_year_one_does_not_stop_the_next_crawl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from provnews import settings, stages
    from scrapers.crawl import read_known_pages
    from scrapers.site import load_sites

    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    plant_landed_article(connection, "TIMESTAMPTZ '0001-01-01 00:00:00+14:00'")
    connection.close()
    publish(tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb")
    monkeypatch.setattr(settings, "PUBLISHED_WAREHOUSE", tmp_path / "published" / "warehouse.duckdb")
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
    paths = stages._write_known_pages([load_sites()["baoquangninh"]])
    (known,) = read_known_pages(paths["baoquangninh"]).values()
    # The impossible date counts as none: the page's first fetch stands in for it.
    assert known.published_at is not None and known.published_at.year >= 2026


def test_upgrading_a_warehouse_clears_dates_that_cannot_be_true(tmp_path: Path) -> None:
    from warehouse.schema import migrate

    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    plant_landed_article(connection, "TIMESTAMPTZ '9999-12-31 23:59:59-14:00'")
    # The warehouse as it was before migration 010, holding a date an older parse stored.
    for statement in (
        "ALTER TABLE parse_failures DROP COLUMN error_class", "ALTER TABLE articles DROP COLUMN parse_notes",
        "ALTER TABLE articles DROP COLUMN text_truncated", "DROP TABLE article_failures", "DROP TABLE held_back",
        "DELETE FROM schema_migrations WHERE name = '010_failure_classes'",
    ):
        connection.execute(statement)
    assert migrate(connection) == ["010_failure_classes"]
    published_at, notes = connection.execute("SELECT published_at, parse_notes FROM articles").fetchone()
    assert published_at is None
    assert notes == ["published date 10000-01-01 20:59:59+07 dropped: more than a day after the page was fetched"]
