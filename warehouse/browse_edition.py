"""The browse edition: the published warehouse's analyst tables and views as one SQLite file.

Datasette (`provnews browse`) serves it read-only. It is written beside the published file
(`browse.sqlite`) under a temporary name and renamed, like the published file, so a reader
sees the old edition or the new one. Views become tables; DuckDB's types become SQLite's
(timestamps as text in Vietnam time, lists and structs as JSON text); a `year` column stands
beside every `published_day`. Stories are searchable through an FTS5 index whose
`unicode61 remove_diacritics 2` tokenizer makes "ho ngheo" find "hộ nghèo"; words with đ are
indexed a second time with d, which that tokenizer does not fold.

The Datasette metadata (titles and descriptions from the warehouse's comments, facets, sort
orders, search, canned queries) is stored in the file itself, in the hidden table
`_browse_metadata`, so the edition and its description never disagree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.catalog import CatalogObject, Column, analyst_objects
from warehouse.connection import connect

BROWSE_FILE_NAME = "browse.sqlite"
METADATA_TABLE = "_browse_metadata"
SEARCH_TABLE = "v_articles_fts"
BATCH_ROWS = 2_000
# Datasette facets, where a table has the column; place_name is what the facts carry when
# places are resolved, place the phrase the sentence gives.
FACETS = ("site", "province", "kind", "year", "place_name", "place")
SORT_DESCENDING = ("published_at", "published_day", "started_at", "fetched_at")
# Columns looked up by the article page and by facets.
INDEXED = ("article_id", "story_id", "duplicate_of", "site", "province", "kind", "year")
# Warehouse tables that only crawls change, and the edition's objects made from them alone: when
# publish changed nothing else, only these are written again.
CRAWL_SOURCES = frozenset({"crawl_runs", "pages", "sources", "parse_failures", "task_failures", "parse_queue"})
CRAWL_OBJECTS = frozenset({"crawl_runs", "pages", "sources", "v_run_health"})
# Left out of the edition: the article page shows v_articles' body from articles, and a body
# per row in the stories table only makes the file larger and the table unreadable.
LEFT_OUT = {"v_articles": frozenset({"body"})}
DIACRITIC_D = re.compile(r"\w*[đĐ]\w*")
YEAR_COMMENT = "Year of published_day (added in the browse edition for faceting)."
CANNED_QUERIES_FILE = Path(__file__).with_name("browse_queries.sql")
CANNED_QUERY_HEADER = re.compile(r"^-- name: (?P<name>\w+)\n-- needs: (?P<needs>[\w., ]+)\n(?P<description>(?:-- .*\n)*)", re.M)


@dataclass(frozen=True, slots=True)
class BrowseEdition:
    path: Path
    tables: tuple[str, ...]
    stories_indexed: int
    seconds: float
    action: str  # written, or refreshed (crawl tables only)


def browse_edition_path(published: Path) -> Path:
    """Where the browse edition of a published file lives: beside it."""
    return published.with_name(BROWSE_FILE_NAME)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_type(data_type: str) -> str:
    if data_type in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "BOOLEAN"):
        return "INTEGER"
    if data_type in ("FLOAT", "DOUBLE") or data_type.startswith("DECIMAL"):
        return "REAL"
    return "TEXT"


def _expression(column: Column) -> str:
    """A DuckDB expression giving the column as SQLite stores it."""
    name = _quoted(column.name)
    data_type = column.data_type
    if data_type.endswith("]") or data_type.startswith(("STRUCT", "MAP", "UNION")):
        return f"CAST(to_json({name}) AS VARCHAR)"
    if data_type == "BOOLEAN":
        return f"CAST({name} AS INTEGER)"
    if data_type.startswith("DECIMAL") or data_type in ("HUGEINT", "UBIGINT", "UHUGEINT"):
        return f"CAST({name} AS DOUBLE)"
    if _sqlite_type(data_type) == "TEXT" and data_type != "VARCHAR":
        # Timestamps in the session's zone (Asia/Ho_Chi_Minh), dates as YYYY-MM-DD, JSON as text.
        return f"CAST({name} AS VARCHAR)"
    return name


@dataclass(frozen=True, slots=True)
class _Table:
    source: CatalogObject
    columns: tuple[Column, ...]  # as written, `year` included
    select: str


def _plan(item: CatalogObject) -> _Table:
    columns = [column for column in item.columns if column.name not in LEFT_OUT.get(item.name, ())]
    expressions = [_expression(column) for column in columns]
    names = {column.name for column in columns}
    if "published_day" in names and "year" not in names:
        columns.append(Column("year", "INTEGER", YEAR_COMMENT))
        expressions.append('CAST(year("published_day") AS INTEGER)')
    select = f"SELECT {', '.join(expressions)} FROM {_quoted(item.name)}"
    return _Table(item, tuple(columns), select)


def _batches(connection: duckdb.DuckDBPyConnection, query: str) -> Iterator[list[tuple]]:
    cursor = connection.execute(query)
    while rows := cursor.fetchmany(BATCH_ROWS):
        yield rows


def _copy_table(source: duckdb.DuckDBPyConnection, target: sqlite3.Connection, table: _Table) -> None:
    name = table.source.name
    definition = ", ".join(f"{_quoted(column.name)} {_sqlite_type(column.data_type)}" for column in table.columns)
    target.execute(f"CREATE TABLE {_quoted(name)} ({definition})")
    placeholders = ", ".join("?" for _ in table.columns)
    for rows in _batches(source, table.select):
        target.executemany(f"INSERT INTO {_quoted(name)} VALUES ({placeholders})", rows)
    for column in table.columns:
        if column.name in INDEXED:
            target.execute(
                f"CREATE INDEX {_quoted(f'{name}_{column.name}')} ON {_quoted(name)} ({_quoted(column.name)})"
            )


def _d_folded(texts: tuple[str | None, ...]) -> str:
    """The words with đ or Đ, written with d: what unicode61's diacritics removal leaves unfolded."""
    words = DIACRITIC_D.findall(" ".join(text or "" for text in texts))
    return " ".join(words).replace("đ", "d").replace("Đ", "D")


def _index_stories(target: sqlite3.Connection) -> int:
    """FTS5 over v_articles' title, lead, body and the story's captions; rowid = v_articles' rowid."""
    # Contentless: the text is in v_articles and articles already; Datasette asks the index for rowids only.
    target.execute(
        f"""
        CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(
            title, lead, body, captions, d_folded, content='', tokenize='unicode61 remove_diacritics 2'
        )
        """
    )
    has_captions = target.execute("SELECT count(*) FROM sqlite_master WHERE name = 'captions'").fetchone()[0]
    captions = (
        "(SELECT group_concat(text, ' ') FROM captions WHERE captions.article_id = v_articles.article_id)"
        if has_captions
        else "''"
    )
    # Read in batches: a corpus's bodies held at once would cost gigabytes of Python strings.
    stories = target.cursor().execute(
        f"""
        SELECT v_articles.rowid, v_articles.title, v_articles.lead, articles.body, coalesce({captions}, '')
        FROM v_articles JOIN articles USING (article_id)
        """
    )
    indexed = 0
    while rows := stories.fetchmany(BATCH_ROWS):
        target.executemany(
            f"INSERT INTO {SEARCH_TABLE} (rowid, title, lead, body, captions, d_folded) VALUES (?, ?, ?, ?, ?, ?)",
            [(rowid, title, lead, body, text, _d_folded((title, lead, body, text)))
             for rowid, title, lead, body, text in rows],
        )
        indexed += len(rows)
    return indexed


def _canned_queries(available: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """The canned queries of browse_queries.sql whose tables and columns this edition has."""
    text = CANNED_QUERIES_FILE.read_text(encoding="utf-8")
    headers = list(CANNED_QUERY_HEADER.finditer(text))
    queries = {}
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        sql = text[header.end():end].strip().rstrip(";")
        needs = [need.strip() for need in header["needs"].split(",")]
        if all(
            "." in need and need.split(".")[1] in available.get(need.split(".")[0], set())
            for need in needs
        ):
            lines = [line.removeprefix("-- ") for line in header["description"].splitlines()]
            queries[header["name"]] = {
                "title": lines[0] if lines else header["name"],
                "description": " ".join(lines[1:]),
                "sql": sql,
            }
    return queries


def _metadata(tables: list[_Table]) -> dict:
    described = {}
    for table in tables:
        names = [column.name for column in table.columns]
        settings: dict = {
            "title": table.source.name,
            "description": table.source.comment or "",
            "columns": {column.name: column.comment for column in table.columns if column.comment},
            "facets": [facet for facet in FACETS if facet in names],
        }
        sort = next((column for column in SORT_DESCENDING if column in names), None)
        if sort:
            settings["sort_desc"] = sort
        if "title" in names:
            settings["label_column"] = "title"
        described[table.source.name] = settings
    if "v_articles" in described:
        described["v_articles"] |= {"fts_table": SEARCH_TABLE, "fts_pk": "rowid"}
    described[SEARCH_TABLE] = {"hidden": True}
    described[METADATA_TABLE] = {"hidden": True}
    available = {table.source.name: {column.name for column in table.columns} for table in tables}
    return {
        "title": "provnews: provincial news, browse edition",
        "description": (
            "The published warehouse, read-only: stories, facts, captions and crawls of Vietnam's "
            "provincial papers and portals. Search stories with or without accents; open an "
            "article to see its facts in place."
        ),
        "databases": {
            "browse": {
                "tables": described,
                "queries": _canned_queries(available),
            }
        },
    }


def _refreshable(target: Path, changed_tables: Collection[str] | None) -> bool:
    return (
        changed_tables is not None
        and set(changed_tables) <= CRAWL_SOURCES
        and _stored(target, "published") is not None
    )


def _remove_leftovers(target: Path) -> None:
    """Temporary editions of writers that died (killed mid-write) are removed; live writers' are not."""
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):
        try:
            os.kill(int(leftover.name.rsplit("-", 1)[1]), 0)
        except ValueError:
            continue
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except PermissionError:
            continue


def write_browse_edition(
    published: Path, target: Path | None = None, changed_tables: Collection[str] | None = None
) -> BrowseEdition:
    """Write the browse edition of the published file (beside it unless target is given), atomically.

    With changed_tables (the warehouse tables publish found changed) naming crawl tables only,
    the last edition is copied and only its crawl tables are written again: a night that brought
    no new article costs the crawl tables, not the corpus.
    """
    started = time.perf_counter()
    target = target or browse_edition_path(published)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    _remove_leftovers(target)
    refresh = target.exists() and _refreshable(target, changed_tables)
    source = connect(published, read_only=True)
    try:
        tables = [_plan(item) for item in analyst_objects(source)]
        if refresh:
            shutil.copyfile(target, temporary)
        sqlite = sqlite3.connect(temporary)
        try:
            # The file is renamed into place only once complete: no journal needed while writing.
            sqlite.execute("PRAGMA journal_mode = OFF")
            sqlite.execute("PRAGMA synchronous = OFF")
            for table in tables:
                if refresh and table.source.name not in CRAWL_OBJECTS:
                    continue
                sqlite.execute(f"DROP TABLE IF EXISTS {_quoted(table.source.name)}")
                _copy_table(source, sqlite, table)
            names = {table.source.name for table in tables}
            if refresh:
                stories = sqlite.execute("SELECT count(*) FROM v_articles").fetchone()[0] if "v_articles" in names else 0
            else:
                stories = _index_stories(sqlite) if "v_articles" in names else 0
            sqlite.execute(f"CREATE TABLE IF NOT EXISTS {METADATA_TABLE} (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            sqlite.executemany(
                f"INSERT OR REPLACE INTO {METADATA_TABLE} VALUES (?, ?)",
                [("datasette", json.dumps(_metadata(tables), ensure_ascii=False)),
                 ("published", published_stamp(published))],
            )
            sqlite.commit()
        finally:
            sqlite.close()
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return BrowseEdition(
        target, tuple(table.source.name for table in tables), stories, time.perf_counter() - started,
        "refreshed" if refresh else "written",
    )


def published_stamp(published: Path) -> str:
    """Which published file this is: publish renames a new file over the old, so its time and size change."""
    status = published.stat()
    return f"{status.st_mtime_ns}:{status.st_size}"


def _stored(edition: Path, name: str) -> str | None:
    connection = sqlite3.connect(f"file:{edition}?mode=ro", uri=True)
    try:
        row = connection.execute(f"SELECT value FROM {METADATA_TABLE} WHERE name = ?", [name]).fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()
    return row[0] if row else None


def stored_metadata(edition: Path) -> dict:
    """The Datasette metadata written into an edition."""
    return json.loads(_stored(edition, "datasette") or "{}")


def is_current(edition: Path, published: Path) -> bool:
    """Whether the edition was written from the published file as it is now."""
    return edition.exists() and _stored(edition, "published") == published_stamp(published)
