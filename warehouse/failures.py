"""task_failures: the failed tries of Airflow tasks, written by the DAGs' failure callback."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb

# One line of a traceback-free message is what an operator scans in a table; the full
# traceback stays in the task's log, reachable through log_url.
ERROR_LIMIT = 2000


def record_task_failure(
    connection: duckdb.DuckDBPyConnection,
    *,
    dag_id: str,
    task_id: str,
    run_id: str,
    try_number: int,
    error: str | None,
    log_url: str | None,
    map_index: int = -1,
    map_label: str | None = None,
    failed_at: datetime | None = None,
) -> None:
    """Record one failed try; recording the same try again keeps the first row."""
    one_line = " ".join(error.split())[:ERROR_LIMIT] if error else None
    connection.execute(
        """
        INSERT INTO task_failures
            (dag_id, task_id, map_index, map_label, run_id, try_number, failed_at, error, log_url)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING
        """,
        [
            dag_id,
            task_id,
            map_index,
            map_label,
            run_id,
            try_number,
            failed_at or datetime.now(timezone.utc),
            one_line,
            log_url,
        ],
    )
