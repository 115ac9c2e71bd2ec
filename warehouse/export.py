"""Export: the published warehouse's analyst tables and views as one Parquet file each.

Each file carries its documentation: the table's comment and every column's comment in the
Parquet key-value metadata (`provnews:comment`, `provnews:column_comments` as a JSON object)
and each column's comment in its Arrow field metadata (`comment`), so pandas (through
pyarrow) and Polars users read the same words as `duckdb_columns()`. JSON columns
(crawl_runs.stats) are written as JSON text, which both read as strings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.catalog import CatalogObject, analyst_objects, main_objects
from warehouse.connection import connect

TABLE_COMMENT_KEY = "provnews:comment"
COLUMN_COMMENTS_KEY = "provnews:column_comments"
FIELD_COMMENT_KEY = "comment"
BATCH_ROWS = 10_000


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select(item: CatalogObject) -> str:
    # DuckDB hands JSON to Arrow as an extension type that pandas reads as text and Polars as
    # bytes; as VARCHAR it is plain UTF-8 text for both.
    columns = ", ".join(
        f"CAST({_quoted(column.name)} AS VARCHAR) AS {_quoted(column.name)}"
        if column.data_type == "JSON"
        else _quoted(column.name)
        for column in item.columns
    )
    return f"SELECT {columns} FROM {_quoted(item.name)}"


def _documented_schema(schema: pa.Schema, item: CatalogObject) -> pa.Schema:
    comments = {column.name: column.comment for column in item.columns if column.comment}
    fields = [
        field.with_metadata({FIELD_COMMENT_KEY: comments[field.name]}) if field.name in comments else field
        for field in schema
    ]
    metadata = {COLUMN_COMMENTS_KEY: json.dumps(comments, ensure_ascii=False)}
    if item.comment:
        metadata[TABLE_COMMENT_KEY] = item.comment
    return pa.schema(fields, metadata=metadata)


def _write(connection: duckdb.DuckDBPyConnection, item: CatalogObject, target: Path) -> None:
    reader = connection.execute(_select(item)).fetch_record_batch(BATCH_ROWS)
    schema = _documented_schema(reader.schema, item)
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))


def export_parquet(published: Path, out_dir: Path, include_all: bool = False) -> list[Path]:
    """Write <name>.parquet per analyst table and view (every main one with include_all); returns the paths."""
    connection = connect(published, read_only=True)
    try:
        items = main_objects(connection) if include_all else analyst_objects(connection)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for item in items:
            target = out_dir / f"{item.name}.parquet"
            # Written under a temporary name so a reader of out_dir never sees half a file.
            temporary = out_dir / f".{item.name}.parquet.tmp-{os.getpid()}"
            try:
                _write(connection, item, temporary)
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
            written.append(target)
        return written
    finally:
        connection.close()
