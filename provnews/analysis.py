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

# `provnews status` fits a 100-column terminal: a few columns, times in one named zone, long
# text cut. The full rows are in v_run_health and task_failures.
STATUS_WIDTH = 100
STATUS_TIMEZONE = "Asia/Ho_Chi_Minh"

RUN_HEALTH = """
SELECT left(site, 24) AS site,
       status,
       strftime(timezone($zone, started_at), '%Y-%m-%d %H:%M') AS started,
       duration_seconds AS seconds,
       pages_fetched AS fetched,
       pages_failed AS failed,
       articles_new AS new,
       parse_failures AS unparsed,
       loaded
FROM v_run_health LIMIT 12
"""

TASK_FAILURES = """
SELECT strftime(timezone($zone, failed_at), '%m-%d %H:%M') AS failed,
       left(task_id, 20) AS task,
       left(CASE WHEN map_index < 0 THEN '' ELSE coalesce(map_label, CAST(map_index AS VARCHAR)) END, 22) AS site,
       try_number AS try,
       left(error, 38) AS error
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
    parameters = {"zone": STATUS_TIMEZONE}
    try:
        print(f"Times in {STATUS_TIMEZONE} (UTC+07:00), as in the Airflow UI.")
        for title, query in [
            ("Last crawl runs (every column: SELECT * FROM v_run_health)", RUN_HEALTH),
            ("Last failed Airflow tasks (every column: SELECT * FROM task_failures)", TASK_FAILURES),
        ]:
            relation = connection.execute(query, parameters)
            columns = [column[0] for column in relation.description]
            print(f"\n{title}")
            print(plain_table(columns, relation.fetchall()))
        print()
        print_held_back(connection)
        relation = connection.execute(TABLE_COUNTS)
        print("\nTables")
        print(plain_table([column[0] for column in relation.description], relation.fetchall()))
    finally:
        connection.close()


def plain_table(columns: list[str], rows: list[tuple], width: int = STATUS_WIDTH) -> str:
    """Rows as aligned plain text no wider than width: numbers right, text left, the last column cut."""
    cells = [["" if value is None else str(value) for value in row] for row in rows]
    widths = [max([len(column)] + [len(row[index]) for row in cells]) for index, column in enumerate(columns)]
    numeric = [all(isinstance(row[index], (int, float)) for row in rows if row[index] is not None) for index in range(len(columns))]

    def line(values: list[str]) -> str:
        text = "  ".join(
            value.rjust(widths[index]) if numeric[index] else value.ljust(widths[index])
            for index, value in enumerate(values)
        ).rstrip()
        return text if len(text) <= width else text[: width - 1] + "…"

    if not rows:
        return line(columns) + "\n(none)"
    return "\n".join([line(columns), line(["-" * size for size in widths]), *(line(row) for row in cells)])


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
