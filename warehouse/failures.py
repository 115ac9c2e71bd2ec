"""task_failures: the failed tries of Airflow tasks, written by the DAGs' failure callback;
article_failures: the articles a stage after parse could not process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class ArticleFailure:
    article_id: str
    error_class: str  # the exception's class: TypeError, RecursionError, MemoryError, …
    message: str  # one line


def record_article_failures(
    connection: duckdb.DuckDBPyConnection, stage: str, processed: Sequence[str], failures: Sequence[ArticleFailure]
) -> None:
    """Replace the stage's failures of the processed articles with the ones of this pass."""
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute(
            "DELETE FROM article_failures WHERE stage = $stage AND list_contains($processed, article_id)",
            {"stage": stage, "processed": list(processed)},
        )
        if failures:
            connection.executemany(
                "INSERT OR REPLACE INTO article_failures (article_id, stage, error_class, message, failed_at) "
                "VALUES (?, ?, ?, ?, now())",
                [[failure.article_id, stage, failure.error_class, failure.message] for failure in failures],
            )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
