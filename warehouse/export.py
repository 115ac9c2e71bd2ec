"""Export: every table and view of the published warehouse as one Parquet file each."""

from __future__ import annotations

import os
from pathlib import Path

from warehouse.connection import connect


def export_parquet(published: Path, out_dir: Path) -> list[Path]:
    """Write <name>.parquet per main-schema table and view of the published file; returns the paths."""
    connection = connect(published, read_only=True)
    try:
        names = [
            name
            for (name,) in connection.execute(
                """
                SELECT table_name FROM duckdb_tables()
                WHERE schema_name = 'main' AND database_name = current_database()
                UNION ALL
                SELECT view_name FROM duckdb_views()
                WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal
                ORDER BY 1
                """
            ).fetchall()
        ]
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in names:
            target = out_dir / f"{name}.parquet"
            # Written under a temporary name so a reader of out_dir never sees half a file.
            temporary = out_dir / f".{name}.parquet.tmp-{os.getpid()}"
            # Quoted, never pasted: a folder named "x' (FORMAT csv); COPY … --" is a folder name.
            identifier = '"' + name.replace('"', '""') + '"'
            location = "'" + str(temporary).replace("'", "''") + "'"
            connection.execute(f"COPY (SELECT * FROM {identifier}) TO {location} (FORMAT parquet, COMPRESSION zstd)")
            os.replace(temporary, target)
            written.append(target)
        return written
    finally:
        connection.close()
