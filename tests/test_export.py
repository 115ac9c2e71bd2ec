"""Parquet export as pandas and Polars users read it: analysts' objects only, comments kept, JSON as text."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas
import polars
import pyarrow.parquet as pq
import pytest

from tests.test_warehouse_views import warehouse  # noqa: F401  (the fixture)
from warehouse.export import COLUMN_COMMENTS_KEY, TABLE_COMMENT_KEY, export_parquet
from warehouse.publish import publish

INTERNAL = {"dedup_bands", "dedup_index", "duplicate_pairs", "caption_keys", "parse_queue", "parse_failures",
            "fact_extractions", "search_documents", "schema_migrations", "task_failures"}


@pytest.fixture
def published(tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> Path:  # noqa: F811
    warehouse.execute(
        """UPDATE crawl_runs SET stats = '{"downloader/request_count": 3, "finish_reason": "finished"}'"""
    )
    warehouse.close()
    return publish(tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb").path


def test_export_writes_the_analysts_objects_and_leaves_internal_tables_out(published: Path, tmp_path: Path) -> None:
    names = {path.stem for path in export_parquet(published, tmp_path / "export")}
    assert {"articles", "captions", "facts", "sources", "crawl_runs", "v_articles", "v_facts"} <= names
    assert not names & INTERNAL
    assert sorted(path.stem for path in (tmp_path / "export").iterdir()) == sorted(names)


def test_export_all_writes_internal_tables_too(published: Path, tmp_path: Path) -> None:
    names = {path.stem for path in export_parquet(published, tmp_path / "export", include_all=True)}
    assert {"dedup_bands", "parse_queue", "search_documents", "v_articles"} <= names


def test_pandas_reads_types_and_comments(published: Path, tmp_path: Path) -> None:
    export_parquet(published, tmp_path / "export")
    runs = pandas.read_parquet(tmp_path / "export" / "crawl_runs.parquet")
    assert json.loads(runs["stats"].iloc[0])["downloader/request_count"] == 3
    assert pandas.api.types.is_string_dtype(runs["stats"])
    assert isinstance(runs["started_at"].dtype, pandas.DatetimeTZDtype)
    facts = pandas.read_parquet(tmp_path / "export" / "v_facts.parquet")
    assert facts["value"].dtype == "float64" and facts["value"].tolist() == [120.0]
    schema = pq.read_schema(tmp_path / "export" / "v_facts.parquet")
    assert schema.field("kind").metadata[b"comment"].decode().startswith("money, percent")
    assert schema.metadata[TABLE_COMMENT_KEY.encode()].decode().startswith("One row per fact")


def test_polars_reads_types_and_comments(published: Path, tmp_path: Path) -> None:
    export_parquet(published, tmp_path / "export")
    runs = polars.read_parquet(tmp_path / "export" / "crawl_runs.parquet")
    assert runs.schema["stats"] == polars.String
    assert json.loads(runs["stats"][0])["finish_reason"] == "finished"
    assert runs.schema["started_at"] == polars.Datetime("us", "Asia/Ho_Chi_Minh")
    articles = polars.read_parquet(tmp_path / "export" / "v_articles.parquet")
    assert articles.schema["authors"] == polars.List(polars.String)
    metadata = polars.read_parquet_metadata(tmp_path / "export" / "articles.parquet")
    comments = json.loads(metadata[COLUMN_COMMENTS_KEY])
    with duckdb.connect(str(published), read_only=True) as reader:
        expected = dict(reader.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'articles' AND schema_name = 'main'"
        ).fetchall())
    assert comments == expected
    assert metadata[TABLE_COMMENT_KEY].startswith("One row per distinct article URL")
