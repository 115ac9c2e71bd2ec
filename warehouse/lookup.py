"""Reading the rows of a night's articles without reading the corpus around them.

A join or an IN on article_id makes DuckDB scan the whole table for the wide columns (bodies,
captions) it returns, so a night's stage would read every body in the warehouse to get its
thousand. Looked up in two steps instead, the key column alone is scanned (16 characters a row)
and the wide columns are read by row id, which DuckDB turns into a read of just the row groups
that hold those rows: the cost follows the rows asked for, not the table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa


@contextmanager
def registered(connection: duckdb.DuckDBPyConnection, name: str, columns: dict) -> Iterator[None]:
    """The columns as a view named `name` for the duration of the block."""
    # Python lists bound as query parameters are converted value by value, which is slow for
    # thousands of ids; an Arrow table is scanned in place.
    connection.register(name, pa.table(columns))
    try:
        yield
    finally:
        connection.unregister(name)


def row_ids(
    connection: duckdb.DuckDBPyConnection, table: str, key_column: str, keys: Sequence[str]
) -> list[int]:
    """Row ids of the table's rows whose key column is one of the keys (narrow scan of that column)."""
    if not keys:
        return []
    with registered(connection, "lookup_keys", {"key": pa.array(list(keys), pa.string())}):
        return [
            row_id
            for (row_id,) in connection.execute(
                f"SELECT rowid FROM {table} WHERE {key_column} IN (SELECT key FROM lookup_keys) ORDER BY rowid"
            ).fetchall()
        ]


@contextmanager
def rows_of(
    connection: duckdb.DuckDBPyConnection, table: str, key_column: str, keys: Sequence[str], name: str
) -> Iterator[None]:
    """A view `name` of the table's rows whose key column is one of the keys, read by row id."""
    found = row_ids(connection, table, key_column, keys)
    with registered(connection, f"{name}_row_ids", {"row_id": pa.array(found, pa.int64())}):
        connection.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS "
            f"SELECT * FROM {table} WHERE rowid IN (SELECT row_id FROM {name}_row_ids)"
        )
        try:
            yield
        finally:
            connection.execute(f"DROP VIEW IF EXISTS temp.{name}")
