"""Publish: the analysts' file brought up to the warehouse by the rows that changed, swapped in atomically.

Analysts open data/published/warehouse.duckdb read-only while the nightly job works on its own
file. Publish keeps two copies: the published file and a spare beside it
(.warehouse.duckdb.spare), the copy that was published before it. A night brings the spare up
to the warehouse by the rows that differ (each table's rows compared by a hash of their
values), re-indexes for search only the articles whose text changed, and renames the spare over
the published file; the file it replaces becomes the next spare (a hard link taken first keeps
it). A reader sees the old file or the new one, never a half state, and one holding the old
file open keeps reading it until it closes. Nothing copies the corpus, and no index is rebuilt
from scratch, except on the first publish or when a migration changed the warehouse's tables.

The copy is exactly what was digested: the warehouse stays open for writing (its lock held, so no
other process can write) from the digests until the changed rows are in the spare, and the digests
recorded in the copy are checked against the rows the copy then holds. Rows the checks held back
(held_back) are then deleted from the copy (warehouse.checks_holding.withhold_rows).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms import search_text
from warehouse import search, views
from warehouse.browse_edition import write_browse_edition
from warehouse.checks_holding import withhold_rows
from warehouse.connection import ROW_GROUP_ROWS, connect
from warehouse.search import SEARCH_TABLES, refresh_search_index

STATE_SCHEMA = "provnews_publish"
SCHEMA_DIGEST = "(schema)"
# What the published file's views and macros are made from: a change republishes unchanged data.
CODE_DIGEST = "(views and search code)"
# Tables whose row hash leaves columns out, and is replaced whole when anything changed. Every
# load rewrites sources.updated_at whether its site file changed or not; counted, it would make
# every night look changed.
UNDIGESTED_COLUMNS = {"sources": ("updated_at",)}
# Columns a row hash reads through a witness instead of their text: an article's body is written
# only by store_articles, which sets parsed_at (now()) and content_sha256 with it. Hashing
# 100,000 bodies on both sides would read the corpus every night.
WITNESSED_COLUMNS = {"articles": ("body",)}
# Tables of a published copy that are not the warehouse's own.
PUBLISHED_ONLY_TABLES = frozenset({*SEARCH_TABLES, "search_index_code"})
WORKING = "warehouse"  # the catalog name warehouse.connection.connect() attaches the working file as
SPARE = "publishing"
PREVIOUS = "previously_published"
# Further editions of the published warehouse for other readers, written from it after each swap
# that changed it: functions of the published file's path and the names publish found changed.
EDITIONS: tuple[Callable[[Path, tuple[str, ...]], object], ...] = (
    lambda published, changed: write_browse_edition(published, changed_tables=changed),
)


@dataclass(frozen=True, slots=True)
class Publication:
    """What one publish did, and what the published file now holds."""

    path: Path
    # published: a full copy of the warehouse (first publish, or the tables' schema changed);
    # refreshed: the spare copy brought up by the changed rows and swapped in;
    # skipped: the published file already holds exactly the warehouse's rows.
    action: str
    tables_changed: tuple[str, ...]
    rows_written: int = 0  # rows inserted into or deleted from the copy
    articles: int = 0
    articles_new: int = 0  # articles the previously published file did not have
    facts: int = 0
    sites: int = 0
    articles_withheld: int = 0  # articles the checks held back, left out of the published file
    search_indexed: int = 0  # articles (re-)indexed for search
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether analysts now read a different file than before."""
        return self.action != "skipped"


def spare_path(published: Path) -> Path:
    """The second copy publish keeps beside the published file."""
    return published.with_name(f".{published.name}.spare")


def _previous_link(published: Path) -> Path:
    return published.with_name(f".{published.name}.previous")


def _write_ahead_log(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_columns(connection: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each main table of the catalog that the warehouse owns, with its (column, type) pairs in order."""
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in connection.execute(
        """
        SELECT table_name, column_name, data_type FROM duckdb_columns()
        WHERE schema_name = 'main' AND database_name = ? AND NOT internal
          AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main')
        ORDER BY table_name, column_index
        """,
        [catalog, catalog],
    ).fetchall():
        if table not in PUBLISHED_ONLY_TABLES:
            columns.setdefault(table, []).append((column, data_type))
    return {table: tuple(pairs) for table, pairs in columns.items()}


def _row_hash(table: str, columns: tuple[tuple[str, str], ...]) -> str:
    left_out = set(UNDIGESTED_COLUMNS.get(table, ())) | set(WITNESSED_COLUMNS.get(table, ()))
    return "hash(" + ", ".join(_quoted(column) for column, _ in columns if column not in left_out) + ")"


def _schema_digest(schema: dict[str, tuple[tuple[str, str], ...]]) -> str:
    return hashlib.sha256(repr(sorted(schema.items())).encode()).hexdigest()


def code_digest() -> str:
    """Digest of the view definitions and the search code a published file is made with."""
    digest = hashlib.sha256()
    search_code = (Path(search.__file__), Path(search.__file__).with_name("search_articles.sql"), Path(search_text.__file__))
    for path in (*views.view_files(), *search_code):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(count: int, xor: int | None, total: int | None) -> str:
    # Count, XOR and sum of row hashes: order-free, and equal rows do not cancel out.
    return f"{count}:{xor}:{total}"


def warehouse_digests(connection: duckdb.DuckDBPyConnection, catalog: str | None = None) -> dict[str, str]:
    """A digest of every warehouse table's rows and of the schema, as publish records them."""
    catalog = catalog or connection.execute("SELECT current_database()").fetchone()[0]
    schema = table_columns(connection, catalog)
    digests = {}
    for table, columns in schema.items():
        count, xor, total = connection.execute(
            f"SELECT count(*), bit_xor(row_hash), sum(row_hash) FROM "
            f"(SELECT {_row_hash(table, columns)} AS row_hash FROM {_quoted(catalog)}.main.{_quoted(table)})"
        ).fetchone()
        digests[table] = _digest(count, xor, total)
    digests[SCHEMA_DIGEST] = _schema_digest(schema)
    digests[CODE_DIGEST] = code_digest()
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


def _hash_working_rows(connection: duckdb.DuckDBPyConnection, schema: dict) -> dict[str, str]:
    """Row hashes of every warehouse table into temporary tables; returns the digests they give."""
    digests = {}
    for table, columns in schema.items():
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {_quoted('working_rows_' + table)} AS "
            f"SELECT rowid AS position, {_row_hash(table, columns)} AS row_hash FROM {WORKING}.main.{_quoted(table)}"
        )
        digests[table] = _digest(
            *connection.execute(
                f"SELECT count(*), bit_xor(row_hash), sum(row_hash) FROM {_quoted('working_rows_' + table)}"
            ).fetchone()
        )
    digests[SCHEMA_DIGEST] = _schema_digest(schema)
    digests[CODE_DIGEST] = code_digest()
    return digests


@dataclass(frozen=True, slots=True)
class _TableSync:
    deleted: int
    inserted: int


def _sync_table(connection: duckdb.DuckDBPyConnection, table: str, columns: tuple, expected: str) -> _TableSync:
    """Make the spare's rows of one table the warehouse's: delete the rows it alone has, insert the missing ones."""
    working_rows = _quoted("working_rows_" + table)
    spare_table = f"{SPARE}.main.{_quoted(table)}"
    working_table = f"{WORKING}.main.{_quoted(table)}"
    if table in UNDIGESTED_COLUMNS:
        deleted = connection.execute(f"DELETE FROM {spare_table}").fetchone()[0]
        inserted = connection.execute(f"INSERT INTO {spare_table} SELECT * FROM {working_table}").fetchone()[0]
        return _TableSync(deleted, inserted)
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE spare_rows AS SELECT rowid AS position, {_row_hash(table, columns)} AS row_hash "
        f"FROM {spare_table}"
    )
    before = connection.execute("SELECT count(*), bit_xor(row_hash), sum(row_hash) FROM spare_rows").fetchone()
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE spare_rows_gone AS SELECT * FROM spare_rows ANTI JOIN {working_rows} USING (row_hash)"
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE working_rows_new AS SELECT * FROM {working_rows} ANTI JOIN spare_rows USING (row_hash)"
    )
    gone = connection.execute("SELECT count(*), bit_xor(row_hash), sum(row_hash) FROM spare_rows_gone").fetchone()
    new = connection.execute("SELECT count(*), bit_xor(row_hash), sum(row_hash) FROM working_rows_new").fetchone()
    deleted = inserted = 0
    if gone[0]:
        deleted = connection.execute(
            f"DELETE FROM {spare_table} WHERE rowid IN (SELECT position FROM spare_rows_gone)"
        ).fetchone()[0]
    if new[0]:
        inserted = connection.execute(
            f"INSERT INTO {spare_table} SELECT * FROM {working_table} WHERE rowid IN (SELECT position FROM working_rows_new)"
        ).fetchone()[0]
    # Count, XOR and sum add up across the change: the copy's digest without reading it again.
    after = _digest(
        before[0] - gone[0] + new[0],
        (before[1] or 0) ^ (gone[1] or 0) ^ (new[1] or 0) if before[0] - gone[0] + new[0] else None,
        (before[2] or 0) - (gone[2] or 0) + (new[2] or 0) if before[0] - gone[0] + new[0] else None,
    )
    if (deleted, inserted) != (gone[0], new[0]) or after != expected:
        # Identical rows repeated a different number of times (a table without a key) hash alike:
        # the copy gets the table whole.
        deleted += connection.execute(f"DELETE FROM {spare_table}").fetchone()[0]
        inserted = connection.execute(f"INSERT INTO {spare_table} SELECT * FROM {working_table}").fetchone()[0]
    return _TableSync(deleted, inserted)


def _attach(connection: duckdb.DuckDBPyConnection, path: Path, name: str, read_only: bool = False) -> None:
    location = str(path).replace("'", "''")
    options = "READ_ONLY" if read_only else f"ROW_GROUP_SIZE {ROW_GROUP_ROWS}"
    connection.execute(f"ATTACH '{location}' AS {name} ({options})")


def _open_spare(
    connection: duckdb.DuckDBPyConnection, warehouse: Path, published: Path, schema: dict, digests: dict
) -> bool:
    """Attach a writable spare with the warehouse's tables; returns whether it had to be a full copy of the warehouse."""
    spare = spare_path(published)
    previous = published_digests(published)
    # The spare as it is, else a copy of the published file, else of the warehouse: each only if
    # its tables have the warehouse's columns, and the spare only if no reader holds it open.
    for source in ("spare", "published", "warehouse"):
        if source == "published":
            if previous is None or previous.get(SCHEMA_DIGEST) != digests[SCHEMA_DIGEST]:
                continue
            shutil.copyfile(published, spare)
        elif source == "warehouse":
            # Checkpointed, and held open by this connection alone, which only reads it.
            shutil.copyfile(warehouse, spare)
        elif not spare.exists():
            continue
        try:
            _attach(connection, spare, SPARE)
        except duckdb.Error:
            # Held by a reader (a lock error) or unreadable: readers keep their file, the name is freed.
            _forget(spare)
            continue
        if table_columns(connection, SPARE) == schema:
            return source == "warehouse"
        connection.execute(f"DETACH {SPARE}")
        _forget(spare)
    raise RuntimeError(f"could not make a copy of {published.parent} to publish into")


def _forget(path: Path) -> None:
    for leftover in (path, _write_ahead_log(path)):
        leftover.unlink(missing_ok=True)


def _record_digests(connection: duckdb.DuckDBPyConnection, digests: dict[str, str]) -> None:
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SPARE}.{STATE_SCHEMA}")
    connection.execute(
        f"CREATE OR REPLACE TABLE {SPARE}.{STATE_SCHEMA}.digests (name VARCHAR PRIMARY KEY, digest VARCHAR NOT NULL)"
    )
    connection.executemany(f"INSERT INTO {SPARE}.{STATE_SCHEMA}.digests VALUES (?, ?)", sorted(digests.items()))
    connection.execute(
        f"COMMENT ON TABLE {SPARE}.{STATE_SCHEMA}.digests IS 'What this published file was made from: one row "
        "per warehouse table, plus the schema and the view and search code; publish compares them to skip a "
        "night that changed nothing.'"
    )
    connection.execute(
        f"COMMENT ON COLUMN {SPARE}.{STATE_SCHEMA}.digests.name IS 'A warehouse table''s name, or (schema), "
        "or (views and search code).'"
    )
    connection.execute(
        f"COMMENT ON COLUMN {SPARE}.{STATE_SCHEMA}.digests.digest IS 'For a table: rows, XOR and sum of the "
        "rows'' hashes (articles.body through parsed_at and content_sha256, sources without updated_at); "
        "otherwise a SHA-256.'"
    )


def _articles_new(connection: duckdb.DuckDBPyConnection, published: Path) -> int:
    if not published.exists():
        return connection.execute(f"SELECT count(*) FROM {WORKING}.main.articles").fetchone()[0]
    try:
        _attach(connection, published, PREVIOUS, read_only=True)
    except duckdb.Error:
        # This process holds the published file open elsewhere: the count is left out, not the publish.
        return 0
    try:
        return connection.execute(
            f"SELECT count(*) FROM {WORKING}.main.articles "
            f"WHERE article_id NOT IN (SELECT article_id FROM {PREVIOUS}.main.articles)"
        ).fetchone()[0]
    finally:
        connection.execute(f"DETACH {PREVIOUS}")


@dataclass(frozen=True, slots=True)
class _Copy:
    """What the first, locked step of publish found and did."""

    action: str
    tables_changed: tuple[str, ...]
    digests: dict[str, str]
    rows_written: int
    articles_new: int


def _rows(digests: dict[str, str], table: str) -> int:
    return int(digests.get(table, "0:").split(":")[0])


def _copy_changed_rows(warehouse: Path, published: Path) -> _Copy:
    """Under the warehouse's write lock: digest it, and bring the spare's rows up to it unless nothing changed."""
    # DuckDB lets one process write a file: this connection fails if the caller still holds one,
    # and while it is open no other process can write what is being digested and copied.
    connection = connect(warehouse)
    try:
        connection.execute("CHECKPOINT")
        schema = table_columns(connection, WORKING)
        digests = _hash_working_rows(connection, schema)
        previous = published_digests(published)
        if previous == digests:
            return _Copy("skipped", (), digests, 0, 0)
        changed = tuple(name for name in digests if previous is None or previous.get(name) != digests[name])
        articles_new = _articles_new(connection, published)
        full_copy = _open_spare(connection, warehouse, published, schema, digests)
        try:
            synced = {table: _sync_table(connection, table, columns, digests[table]) for table, columns in schema.items()}
            _record_digests(connection, digests)
            connection.execute(f"CHECKPOINT {SPARE}")
        finally:
            connection.execute(f"DETACH {SPARE}")
    finally:
        connection.close()
    return _Copy(
        action="published" if full_copy else "refreshed",
        tables_changed=changed,
        digests=digests,
        rows_written=sum(sync.deleted + sync.inserted for sync in synced.values()),
        articles_new=articles_new,
    )


def _finish_copy(spare: Path) -> tuple[int, int]:
    """Held-back rows out, then search index, views and macros of the spare from its own rows.

    Returns (articles withheld, articles indexed). Rows withheld tonight are rows the next sync
    finds missing and copies again, to withhold them again while a check still holds them: a
    cost of the rows held, and a row released by the checks comes back by itself.
    """
    copy = connect(spare)
    try:
        withheld = withhold_rows(copy)
        indexed = refresh_search_index(copy).indexed
        views.create_views(copy)
        copy.execute("CHECKPOINT")
    finally:
        copy.close()
    return withheld, indexed


def _swap(published: Path) -> None:
    """Rename the spare over the published file; the file it replaces becomes the spare."""
    spare, previous = spare_path(published), _previous_link(published)
    _fsync(spare)
    previous.unlink(missing_ok=True)
    if published.exists():
        os.link(published, previous)
    # A log left beside the published file would be replayed into the new copy.
    _write_ahead_log(published).unlink(missing_ok=True)
    os.replace(spare, published)
    if previous.exists():
        os.replace(previous, spare)
    _fsync(published.parent)


def _recover_swap(published: Path) -> None:
    """Finish a swap a crash interrupted: the link to the file published before becomes the spare."""
    previous = _previous_link(published)
    if previous.exists():
        if spare_path(published).exists():
            previous.unlink()
        else:
            os.replace(previous, spare_path(published))


def publish(warehouse: Path, published: Path) -> Publication:
    """Bring the published file up to the warehouse atomically; the caller must have closed its write connection."""
    started = time.monotonic()
    published.parent.mkdir(parents=True, exist_ok=True)
    _recover_swap(published)
    copied = _copy_changed_rows(warehouse, published)
    withheld = indexed = 0
    if copied.action != "skipped":
        withheld, indexed = _finish_copy(spare_path(published))
        _swap(published)
        for edition in EDITIONS:
            edition(published, copied.tables_changed)
    return Publication(
        path=published,
        action=copied.action,
        tables_changed=copied.tables_changed,
        rows_written=copied.rows_written,
        articles=_rows(copied.digests, "articles"),
        articles_new=copied.articles_new,
        facts=_rows(copied.digests, "facts"),
        sites=_rows(copied.digests, "sources"),
        articles_withheld=withheld,
        search_indexed=indexed,
        seconds=time.monotonic() - started,
    )
