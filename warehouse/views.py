"""Analyst views: every warehouse/views/*.sql, one view per file, created or replaced in name order."""

from __future__ import annotations

from pathlib import Path

import duckdb

VIEWS_DIR = Path(__file__).with_name("views")


def view_files() -> list[Path]:
    """The view definitions, in the order they are created."""
    return sorted(VIEWS_DIR.glob("*.sql"))


def create_views(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every view (with its comments); returns the view names."""
    for path in view_files():
        connection.execute(path.read_text(encoding="utf-8"))
    return [path.stem for path in view_files()]
