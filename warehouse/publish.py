"""Publish: a checkpointed copy of the warehouse, with views and search, swapped in atomically.

Analysts open the published file read-only while the nightly job works on its own file. The
copy is finished (views, full-text index, checkpoint, closed) under a temporary name in the
published folder and renamed over the old one, so a reader sees the old file or the new one,
never a half state; a reader holding the old file open keeps reading it until it closes.

Publishing costs what changed since the last publish. The published file records a digest of
every table it was made from (schema provnews_publish): when the warehouse has the same digests
nothing is published; when the text that search is built from is unchanged (a night that only
added crawl runs and 304 pages), the last published file is copied and only the changed
tables are refreshed in it, keeping its full-text index; otherwise the warehouse is copied and
search rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import search
from warehouse.browse_edition import write_browse_edition
from warehouse.checks_holding import withhold_rows
from warehouse.connection import connect
from warehouse.search import build_search_index
from warehouse.views import create_views

STATE_SCHEMA = "provnews_publish"
# Digests that are not tables: a change in any of them means search has to be rebuilt.
SCHEMA_DIGEST = "(schema)"
SEARCH_TEXT_DIGEST = "(search text)"
SEARCH_CODE_DIGEST = "(search code)"
REBUILD_DIGESTS = frozenset({SCHEMA_DIGEST, SEARCH_TEXT_DIGEST, SEARCH_CODE_DIGEST})
# What search_documents is made of (warehouse.search): articles' text and whether each is a story.
SEARCH_TEXT = "SELECT article_id, title, lead, body, duplicate_of FROM articles"
# Columns every load rewrites whether anything changed or not; left out, they would make every
# night look changed.
UNDIGESTED_COLUMNS = {"sources": "updated_at"}


@dataclass(frozen=True, slots=True)
class Publication:
    path: Path
    # published: copied with search rebuilt; refreshed: changed tables refreshed in the last
    # published copy, search kept; skipped: nothing changed since the last publish.
    action: str
    tables_changed: tuple[str, ...]


def _write_ahead_log(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _main_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in connection.execute(
            """
            SELECT table_name FROM duckdb_tables()
            WHERE schema_name = 'main' AND database_name = current_database()
            ORDER BY table_name
            """
        ).fetchall()
    ]


def _rows_digest(connection: duckdb.DuckDBPyConnection, query: str) -> str:
    # Count, XOR and sum of row hashes: order-free, and equal rows do not cancel out.
    count, xor, total = connection.execute(
        f"SELECT count(*), bit_xor(row_hash), sum(row_hash) FROM (SELECT hash(rows) AS row_hash FROM ({query}) AS rows)"
    ).fetchone()
    return f"{count}:{xor}:{total}"


def warehouse_digests(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A digest of every main table's rows, of the schema, of the text search is built from and of the search code."""
    digests = {
        table: _rows_digest(
            connection,
            f'SELECT * EXCLUDE ({UNDIGESTED_COLUMNS[table]}) FROM "{table}"'
            if table in UNDIGESTED_COLUMNS
            else f'SELECT * FROM "{table}"',
        )
        for table in _main_tables(connection)
    }
    digests[SCHEMA_DIGEST] = _rows_digest(
        connection,
        """
        SELECT table_name, column_index, column_name, data_type FROM duckdb_columns()
        WHERE schema_name = 'main' AND database_name = current_database()
        """,
    )
    digests[SEARCH_TEXT_DIGEST] = _rows_digest(connection, SEARCH_TEXT)
    digests[SEARCH_CODE_DIGEST] = hashlib.sha256(Path(search.__file__).read_bytes()).hexdigest()
    return digests


def published_digests(published: Path) -> dict[str, str] | None:
    """The digests the published file was made from; None if there is no file or it has none."""
    if not published.exists():
        return None
    try:
        connection = connect(published, read_only=True)
    except duckdb.Error:
        return None
    try:
        return dict(connection.execute(f"SELECT name, digest FROM {STATE_SCHEMA}.digests").fetchall())
    except duckdb.CatalogException:
        return None
    finally:
        connection.close()


def _record_digests(copy: duckdb.DuckDBPyConnection, digests: dict[str, str]) -> None:
    copy.execute(f"CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA}")
    copy.execute(f"CREATE OR REPLACE TABLE {STATE_SCHEMA}.digests (name VARCHAR PRIMARY KEY, digest VARCHAR NOT NULL)")
    copy.executemany(f"INSERT INTO {STATE_SCHEMA}.digests VALUES (?, ?)", sorted(digests.items()))
    copy.execute(
        f"COMMENT ON TABLE {STATE_SCHEMA}.digests IS 'What this published file was made from: a digest "
        "per warehouse table, of the schema, of the text search is built from and of the search code; "
        "publish compares them to skip or refresh instead of copying again.'"
    )
    copy.execute(
        f"COMMENT ON COLUMN {STATE_SCHEMA}.digests.name IS 'A warehouse table''s name, or (schema), "
        "(search text) or (search code).'"
    )
    copy.execute(
        f"COMMENT ON COLUMN {STATE_SCHEMA}.digests.digest IS 'Rows, XOR and sum of row hashes of what "
        "the name stands for (SHA-256 of the source for (search code)) when this file was published.'"
    )


def _refresh_tables(copy: duckdb.DuckDBPyConnection, warehouse: Path, tables: tuple[str, ...]) -> None:
    """Replace the rows of the changed tables in a copy of the last published file with the warehouse's."""
    location = str(warehouse).replace("'", "''")
    copy.execute(f"ATTACH '{location}' AS working (READ_ONLY)")
    try:
        copy.begin()
        for table in tables:
            copy.execute(f'DELETE FROM main."{table}"')
            copy.execute(f'INSERT INTO main."{table}" SELECT * FROM working.main."{table}"')
        copy.commit()
    finally:
        copy.execute("DETACH working")


def publish(warehouse: Path, published: Path) -> Publication:
    """Bring the published file up to the warehouse atomically; the caller must have closed its write connection."""
    # DuckDB lets one process write a file: this connection fails if the caller still holds one.
    connection = connect(warehouse)
    try:
        connection.execute("CHECKPOINT")
        digests = warehouse_digests(connection)
    finally:
        connection.close()
    previous = published_digests(published)
    if previous == digests:
        return Publication(published, "skipped", ())
    changed = tuple(name for name in digests if previous is None or previous.get(name) != digests[name])
    refresh = (
        previous is not None
        and previous.keys() == digests.keys()
        and not REBUILD_DIGESTS & set(changed)
        # Rows released by the checks must come back: only a full copy holds them.
        and "held_back" not in changed
    )
    published.parent.mkdir(parents=True, exist_ok=True)
    temporary = published.with_name(f".{published.name}.tmp-{os.getpid()}")
    for leftover in (temporary, _write_ahead_log(temporary)):
        leftover.unlink(missing_ok=True)
    try:
        shutil.copyfile(published if refresh else warehouse, temporary)
        copy = connect(temporary)
        try:
            if refresh:
                _refresh_tables(copy, warehouse, changed)
            withhold_rows(copy)
            create_views(copy)
            if not refresh:
                build_search_index(copy)
            _record_digests(copy, digests)
            copy.execute("CHECKPOINT")
        finally:
            copy.close()
        _fsync(temporary)
        # A log left beside the published file would be replayed into the new copy.
        _write_ahead_log(published).unlink(missing_ok=True)
        os.replace(temporary, published)
        _fsync(published.parent)
    except BaseException:
        for leftover in (temporary, _write_ahead_log(temporary)):
            leftover.unlink(missing_ok=True)
        raise
    write_browse_edition(published, changed_tables=changed)
    return Publication(published, "refreshed" if refresh else "published", changed)
