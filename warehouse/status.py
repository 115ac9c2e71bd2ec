"""What `provnews status` shows: the latest runs and the size of every table."""

from __future__ import annotations

import duckdb


def status_rows(connection: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, object]]:
    """The newest crawl runs from v_run_health (views must exist: warehouse.views.create_views)."""
    cursor = connection.execute("SELECT * FROM v_run_health LIMIT ?", [limit])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def warehouse_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per base table of the main schema, by table name."""
    tables = [
        name
        for (name,) in connection.execute(
            """
            SELECT table_name FROM duckdb_tables()
            WHERE schema_name = 'main' AND database_name = current_database() AND NOT temporary
            ORDER BY table_name
            """
        ).fetchall()
    ]
    return {
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
    }
