"""Migrations: applied once each, in order, whatever order they landed in."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.connection import connect
from warehouse.schema import SchemaError, migrate, migrations


def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    connection = connect(tmp_path / "warehouse.duckdb")
    assert migrate(connection) == [migration.name for migration in migrations()]
    assert migrate(connection) == []


def test_a_migration_missing_below_the_highest_applied_is_applied(tmp_path: Path) -> None:
    connection = connect(tmp_path / "warehouse.duckdb")
    migrate(connection)
    dedup = next(migration for migration in migrations() if migration.version == 3)
    for table in ("duplicate_pairs", "caption_keys", "dedup_bands", "dedup_index"):
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    connection.execute("ALTER TABLE duplicates DROP COLUMN matched_with")
    connection.execute("DELETE FROM schema_migrations WHERE version = 3")
    assert migrate(connection) == [dedup.name]


def test_every_table_and_column_carries_a_comment(tmp_path: Path) -> None:
    connection = connect(tmp_path / "warehouse.duckdb")
    migrate(connection)
    bare_tables = connection.execute(
        "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL OR comment = ''"
    ).fetchall()
    bare_columns = connection.execute(
        """
        SELECT c.table_name || '.' || c.column_name FROM duckdb_columns() c
        JOIN duckdb_tables() t USING (table_name)
        WHERE c.comment IS NULL OR c.comment = ''
        """
    ).fetchall()
    assert bare_tables == []
    assert bare_columns == []


def test_a_warehouse_from_a_newer_provnews_is_refused(tmp_path: Path) -> None:
    connection = connect(tmp_path / "warehouse.duckdb")
    migrate(connection)
    connection.execute("INSERT INTO schema_migrations (version, name) VALUES (999, '999_future')")
    with pytest.raises(SchemaError, match="newer"):
        migrate(connection)
