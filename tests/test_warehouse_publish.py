"""Publishing: views and search in the published copy, swapped in atomically under live readers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from tests.warehouse_samples import START, landing_run, open_warehouse, page, page_id, parsed_article
from warehouse.articles import store_articles
from warehouse.connection import connect, load_full_text_search
from warehouse.load import load_runs
from warehouse.publish import publish

# Opens the published file, checks that stories, the story view and the search documents agree,
# closes it, and again, until the stop file appears; prints what it saw as JSON.
READER = r"""
import json, os, sys, duckdb
path, stop = sys.argv[1], sys.argv[2]
seen, errors, reads = set(), [], 0
while not os.path.exists(stop):
    try:
        connection = duckdb.connect(path, read_only=True)
        stories, view, documents = connection.execute(
            "SELECT (SELECT count(*) FROM articles WHERE duplicate_of IS NULL),"
            " (SELECT count(*) FROM v_articles), (SELECT count(*) FROM search_documents)"
        ).fetchone()
        connection.close()
        if not stories == view == documents:
            errors.append(f"stories {stories}, v_articles {view}, search_documents {documents}")
        seen.add(stories)
        reads += 1
    except Exception as error:
        errors.append(repr(error))
print(json.dumps({"seen": sorted(seen), "errors": errors, "reads": reads}))
"""


def add_articles(warehouse: Path, landing: Path, run_id: str, count: int) -> None:
    """Load a run of `count` new article pages and store their articles, then close the warehouse."""
    urls = [f"https://baoquangninh.vn/{run_id}-{number}.html" for number in range(count)]
    connection = open_warehouse(warehouse)
    load_runs(connection, [landing_run(landing, run_id, [page(url) for url in urls])])
    store_articles(connection, [parsed_article(page_id(run_id, url), url) for url in urls], [])
    connection.close()


def test_published_copy_has_views_and_search(tmp_path: Path) -> None:
    add_articles(tmp_path / "warehouse.duckdb", tmp_path / "landing", "run-1", 2)
    published = publish(tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb").path
    reader = connect(published, read_only=True)
    load_full_text_search(reader)
    stories = reader.execute("SELECT count(*) FROM v_articles").fetchone()[0]
    found = reader.execute("SELECT count(*) FROM search_articles('hộ nghèo')").fetchone()[0]
    assert (stories, found) == (2, 2)


def test_publish_leaves_only_the_published_file(tmp_path: Path) -> None:
    add_articles(tmp_path / "warehouse.duckdb", tmp_path / "landing", "run-1", 1)
    publish(tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb")
    # The browse edition (warehouse.browse_edition) is written beside it, also by a rename.
    assert sorted(path.name for path in (tmp_path / "published").iterdir()) == ["browse.sqlite", "warehouse.duckdb"]


def test_readers_see_whole_copies_while_publish_runs_twice(tmp_path: Path) -> None:
    warehouse, landing = tmp_path / "warehouse.duckdb", tmp_path / "landing"
    published, stop = tmp_path / "published" / "warehouse.duckdb", tmp_path / "stop"
    add_articles(warehouse, landing, "run-1", 1)
    publish(warehouse, published)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        for run_id, count in (("run-2", 2), ("run-3", 1)):
            add_articles(warehouse, landing, run_id, count)
            publish(warehouse, published)
        # Give the reader time to open the last copy at least once.
        time.sleep(1.0)
    finally:
        stop.touch()
        output, _ = reader.communicate(timeout=60)
    outcome = json.loads(output)
    assert outcome["errors"] == []
    assert set(outcome["seen"]) <= {1, 3, 4} and 4 in outcome["seen"]


def search_hits(published: Path, query: str) -> int:
    reader = connect(published, read_only=True)
    try:
        load_full_text_search(reader)
        return reader.execute("SELECT count(*) FROM search_articles(?)", [query]).fetchone()[0]
    finally:
        reader.close()


def test_publish_with_nothing_changed_is_skipped_and_leaves_the_file_alone(tmp_path: Path) -> None:
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb"
    add_articles(warehouse, tmp_path / "landing", "run-1", 1)
    assert publish(warehouse, published).action == "published"
    before = published.stat()
    again = publish(warehouse, published)
    assert (again.action, again.tables_changed) == ("skipped", ())
    assert (published.stat().st_ino, published.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_night_of_304s_refreshes_its_runs_in_the_last_copy_and_keeps_search(tmp_path: Path) -> None:
    warehouse, landing = tmp_path / "warehouse.duckdb", tmp_path / "landing"
    published = tmp_path / "published" / "warehouse.duckdb"
    add_articles(warehouse, landing, "run-1", 1)
    publish(warehouse, published)
    night = START + timedelta(days=1)
    connection = open_warehouse(warehouse)
    unchanged = page("https://baoquangninh.vn/run-1-0.html", body=None, status=304, fetched_at=night)
    load_runs(connection, [landing_run(landing, "run-2", [unchanged], started_at=night)])
    connection.close()
    publication = publish(warehouse, published)
    assert publication.action == "refreshed"
    assert {"crawl_runs", "pages", "articles"} <= set(publication.tables_changed)
    reader = connect(published, read_only=True)
    runs, last_seen = reader.execute(
        "SELECT (SELECT count(*) FROM v_run_health), (SELECT max(last_seen_at) FROM articles)"
    ).fetchone()
    reader.close()
    assert (runs, last_seen) == (2, night)
    assert search_hits(published, "hộ nghèo") == 1
    assert publish(warehouse, published).action == "skipped"


def test_new_article_text_publishes_a_new_copy_with_search_rebuilt(tmp_path: Path) -> None:
    warehouse, landing = tmp_path / "warehouse.duckdb", tmp_path / "landing"
    published = tmp_path / "published" / "warehouse.duckdb"
    add_articles(warehouse, landing, "run-1", 1)
    publish(warehouse, published)
    add_articles(warehouse, landing, "run-2", 2)
    publication = publish(warehouse, published)
    assert publication.action == "published"
    assert search_hits(published, "hộ nghèo") == 3
