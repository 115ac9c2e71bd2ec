"""What analysts and operators read: `provnews sql`, `provnews status` and the run summary."""

from __future__ import annotations

from pathlib import Path

from warehouse.connection import connect, load_full_text_search, lock_down
from warehouse.schema import check_version

SITE_SUMMARY = """
SELECT s.site,
       s.province,
       count(DISTINCT a.article_id) AS articles,
       count(DISTINCT a.article_id) FILTER (WHERE a.duplicate_of IS NOT NULL) AS duplicates,
       (SELECT count(*) FROM captions c JOIN articles x USING (article_id) WHERE x.site = s.site) AS captions,
       (SELECT count(*) FROM facts f JOIN articles x USING (article_id) WHERE x.site = s.site) AS facts,
       max(a.published_at) AS latest_published
FROM sources s
LEFT JOIN articles a ON a.site = s.site
WHERE EXISTS (SELECT 1 FROM crawl_runs r WHERE r.site = s.site)
GROUP BY s.site, s.province
ORDER BY s.site
"""

RUN_HEALTH = "SELECT * FROM v_run_health LIMIT 12"

TASK_FAILURES = """
SELECT failed_at, dag_id, task_id, map_index, try_number, error
FROM task_failures ORDER BY failed_at DESC LIMIT 10
"""

TABLE_COUNTS = """
SELECT table_name AS "table", estimated_size AS "rows"
FROM duckdb_tables()
WHERE schema_name = 'main'
ORDER BY table_name
"""


def _read_only(path: Path):
    connection = connect(path, read_only=True)
    check_version(connection)
    return connection


def site_summary_table(published: Path) -> str:
    connection = _read_only(published)
    try:
        return str(connection.sql(SITE_SUMMARY))
    finally:
        connection.close()


def print_status(warehouse: Path) -> None:
    """Last runs (newest first), failures and row counts."""
    connection = _read_only(warehouse)
    try:
        print("Last runs")
        print(connection.sql(RUN_HEALTH))
        print("Last failed Airflow tasks")
        print(connection.sql(TASK_FAILURES))
        print_held_back(connection)
        print("Tables")
        print(connection.sql(TABLE_COUNTS))
    finally:
        connection.close()


def print_held_back(connection) -> None:
    """What the last check held back from the published warehouse, and why."""
    from warehouse.checks import load_checks
    from warehouse.checks_holding import held_back_summary

    held = held_back_summary(connection)
    if not held:
        print("Held back from publication: nothing")
        return
    why = {check.name: check.description for check in load_checks()}
    print("Held back from publication")
    for check_name, row_kind, rows, sites in held:
        print(f"  {check_name}: {rows} {row_kind} row(s) of {sites or 'no site'}; {why.get(check_name, '')}")


def run_sql(published: Path, query: str | None) -> int:
    """Answer one query, or run an SQL session (provnews.sql_session), on the published warehouse, read-only.

    Neither can write a file: external access is off and locked once search is loaded.
    """
    if not published.exists():
        raise FileNotFoundError(f"no published warehouse at {published}: run `provnews run` first")
    connection = _read_only(published)
    try:
        load_full_text_search(connection)
        lock_down(connection)
        if query is None:
            from provnews.sql_session import run_session

            return run_session(connection)
        relation = connection.sql(query)
        if relation is not None:
            relation.show(max_width=200, max_rows=200)
    finally:
        connection.close()
    return 0
