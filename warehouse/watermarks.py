"""Stage watermarks: the parsed_at before which a stage has handled every article.

A stage that works on the night's articles reads `articles WHERE parsed_at >= watermark`: the
articles are appended in the order they are parsed (and a reparsed one widens only its own row
group's range), so DuckDB's zone maps skip every row group of earlier nights. Only a run over
everything pending moves the watermark, to the start of its own transaction: DuckDB lets one
process write the file at a time, so every article parsed later carries a later parsed_at.
"""

from __future__ import annotations

from datetime import datetime

import duckdb


def watermark(connection: duckdb.DuckDBPyConnection, stage: str) -> datetime | None:
    """Articles parsed before this were handled by the stage; None: read them all."""
    row = connection.execute("SELECT through FROM stage_watermarks WHERE stage = ?", [stage]).fetchone()
    return row[0] if row else None


def advance_watermark(connection: duckdb.DuckDBPyConnection, stage: str, through: datetime | None = None) -> None:
    """Record that the stage has handled every article parsed before `through` (default: the current transaction's start)."""
    connection.execute(
        """
        INSERT INTO stage_watermarks (stage, through, updated_at) VALUES ($stage, coalesce($through, now()), now())
        ON CONFLICT (stage) DO UPDATE SET through = excluded.through, updated_at = excluded.updated_at
        """,
        {"stage": stage, "through": through},
    )
