"""Nights published by changed rows give the file a publish from scratch gives; digests match what was copied."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from mirror.content import load_articles
from tests.search_samples import mirror_url, parsed_mirror_article, store_mirror
from tests.support import PROJECT_ROOT
from tests.warehouse_samples import article_id, landing_run, open_warehouse, page
from warehouse.articles import store_articles
from warehouse.connection import connect
from warehouse.load import load_runs
from warehouse.publish import published_digests, publish, spare_path, warehouse_digests

QUERIES = ("hộ nghèo", "ho ngheo", '"nhà ở xã hội"', "Cao Tường Huy", "Quảng Ninh -Covid", "du lịch OR văn hóa")


def table_rows(published: Path) -> dict[str, list[tuple]]:
    """Every row of every table and view analysts read, sorted."""
    connection = connect(published, read_only=True)
    try:
        names = [
            name
            for (name,) in connection.execute(
                """
                SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND table_name NOT LIKE 'search_%'
                UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal
                """
            ).fetchall()
        ]
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}
    finally:
        connection.close()


def search_results(published: Path) -> dict[str, list[tuple]]:
    connection = connect(published, read_only=True)
    try:
        return {query: connection.execute("SELECT * FROM search_articles(?)", [query]).fetchall() for query in QUERIES}
    finally:
        connection.close()


def from_scratch(warehouse: Path, folder: Path) -> Path:
    scratch = folder / "scratch" / "warehouse.duckdb"
    assert publish(warehouse, scratch).action == "published"
    return scratch


def test_nights_published_in_a_row_equal_a_publish_from_scratch(tmp_path: Path) -> None:
    warehouse, landing = tmp_path / "warehouse.duckdb", tmp_path / "landing"
    published = tmp_path / "published" / "warehouse.duckdb"
    articles = load_articles()
    originals = [article for article in articles if article.syndicated_from is None]
    copies = [article for article in articles if article.syndicated_from is not None]
    changed = originals[0]
    nights = [
        # 1: most originals.
        lambda connection: store_mirror(connection, landing, originals[:-6], "night-1"),
        # 2: the other originals and the republished copies.
        lambda connection: store_mirror(connection, landing, originals[-6:] + copies, "night-2"),
        # 3: an article parsed again with a new paragraph and a caption less; another found a copy.
        lambda connection: reparse_with_changes(connection, landing, changed),
        # 4: a night of 304s only.
        lambda connection: load_runs(
            connection, [landing_run(landing, "night-4", [page(mirror_url(changed), body=None, status=304)])]
        ),
    ]
    for night, write in enumerate(nights, start=1):
        connection = open_warehouse(warehouse)
        write(connection)
        connection.close()
        publication = publish(warehouse, published)
        assert publication.action == ("published" if night == 1 else "refreshed"), night
        scratch = from_scratch(warehouse, tmp_path / f"night-{night}")
        assert table_rows(published) == table_rows(scratch), night
        assert search_results(published) == search_results(scratch), night
    assert publish(warehouse, published).action == "skipped"


def reparse_with_changes(connection: duckdb.DuckDBPyConnection, landing: Path, article) -> None:
    fewer_captions = article.captions[1:]
    longer_body = (*article.body, "Đoạn văn mới: xã Đồng Tâm khánh thành nhà văn hóa thôn Khe Lánh.")
    edited = dataclasses.replace(article, body=longer_body, captions=fewer_captions)
    load_runs(connection, [landing_run(landing, "night-3", [page(mirror_url(article))])])
    store_articles(connection, [parsed_mirror_article(edited, "night-3")], [])
    other = [a for a in load_articles() if a.syndicated_from is None and a.key != article.key][-1]
    connection.execute(
        "UPDATE articles SET duplicate_of = ? WHERE article_id = ?",
        [article_id(mirror_url(article)), article_id(mirror_url(other))],
    )


def test_a_reader_holding_the_spare_does_not_stop_publish(tmp_path: Path) -> None:
    warehouse, landing = tmp_path / "warehouse.duckdb", tmp_path / "landing"
    published = tmp_path / "published" / "warehouse.duckdb"
    articles = load_articles()
    for night, part in enumerate((articles[:10], articles[10:20]), start=1):
        connection = open_warehouse(warehouse)
        store_mirror(connection, landing, part, f"night-{night}")
        connection.close()
        publish(warehouse, published)
    # An analyst's session (another process) opened the file that is now the spare, before the last swap.
    held = subprocess.Popen(
        [sys.executable, "-c", HOLDING_READER, str(spare_path(published))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert held.stdout.readline().strip() == "10"
        connection = open_warehouse(warehouse)
        store_mirror(connection, landing, articles[20:30], "night-3")
        connection.close()
        assert publish(warehouse, published).action == "refreshed"
        output, _ = held.communicate("again\n", timeout=60)
    finally:
        held.kill()
    assert output.strip() == "10"
    assert table_rows(published) == table_rows(from_scratch(warehouse, tmp_path))


# Opens a file read-only, prints its article count, waits for a line, prints it again.
HOLDING_READER = r"""
import sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print(connection.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
sys.stdin.readline()
print(connection.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
"""


# Adds articles to the warehouse in runs, each time waiting for the write lock that publish holds.
WAITING_WRITER = r"""
import sys, time
from pathlib import Path
import duckdb
from mirror.content import load_articles
from tests.search_samples import store_mirror
from tests.warehouse_samples import open_warehouse
warehouse, landing = Path(sys.argv[1]), Path(sys.argv[2])
articles = load_articles()
for night in range(4):
    while True:
        try:
            connection = open_warehouse(warehouse)
            break
        except duckdb.IOException:
            time.sleep(0.005)
    store_mirror(connection, landing, articles[night * 10:(night + 1) * 10], f"writer-{night}")
    connection.close()
    time.sleep(0.05)
"""


def test_publish_copies_what_it_digested_while_a_writer_waits(tmp_path: Path) -> None:
    warehouse, landing = tmp_path / "warehouse.duckdb", tmp_path / "landing"
    published = tmp_path / "published" / "warehouse.duckdb"
    connection = open_warehouse(warehouse)
    store_mirror(connection, landing, load_articles()[40:], "first")
    connection.close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WAITING_WRITER, str(warehouse), str(landing)], cwd=PROJECT_ROOT, stderr=subprocess.PIPE
    )
    publications = []
    while writer.poll() is None or not publications:
        try:
            publications.append(publish(warehouse, published))
        except duckdb.IOException:
            time.sleep(0.005)
            continue
        assert_recorded_digests_match_rows(published)
    assert writer.wait(timeout=60) == 0, writer.stderr.read().decode()[-2000:]
    final = publish(warehouse, published)
    assert_recorded_digests_match_rows(published)
    assert final.articles == len(load_articles())
    assert table_rows(published) == table_rows(from_scratch(warehouse, tmp_path))


def assert_recorded_digests_match_rows(published: Path) -> None:
    recorded = published_digests(published)
    connection = connect(published, read_only=True)
    try:
        actual = warehouse_digests(connection)
    finally:
        connection.close()
    assert recorded == actual


@pytest.fixture(scope="module")
def mirror_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mirror")
    warehouse = folder / "warehouse.duckdb"
    connection = open_warehouse(warehouse)
    store_mirror(connection, folder / "landing", load_articles(), "night-1")
    connection.close()
    return from_scratch(warehouse, folder)


@pytest.mark.parametrize("query", QUERIES)
def test_search_of_the_published_file_needs_no_python(mirror_published: Path, query: str) -> None:
    # The DuckDB shell analysts use has only SQL: the macros must stand on their own.
    plain = duckdb.connect(str(mirror_published), read_only=True)
    try:
        assert plain.execute("SELECT count(*) FROM search_articles(?)", [query]).fetchone()[0] > 0
    finally:
        plain.close()
