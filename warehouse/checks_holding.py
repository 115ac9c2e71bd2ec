"""Checks hold back rows, not nights: what each failed check keeps out of the published warehouse.

A check that finds bad rows (a future date, a caption in a body, an unparsed fact) holds back
those rows, or that site's new articles, and the rest is published; the held rows stay in
the working warehouse, listed in held_back, and come back at the first publish after a check
no longer finds them. Only a check showing the warehouse itself broken (duplicate keys), or
a check this module does not know, stops publish: then yesterday's published file stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.checks import Check, CheckReport, check_query, load_checks, night_scope

# Check name → (what it holds back, the column of its rows naming it). "site" holds back the
# site's articles first seen today (Vietnam time): a collapse says today's crawl went wrong.
HOLDS: dict[str, tuple[str, str]] = {
    "published_in_future": ("article", "article_id"),
    "caption_in_body": ("article", "article_id"),
    "article_without_body": ("article", "article_id"),
    "fact_value_unparsed": ("fact", "fact_id"),
    "site_volume_collapse": ("site", "site"),
}


@dataclass(frozen=True, slots=True)
class HoldOutcome:
    """What the checks held back (rows per check) and the checks that stop publish."""

    held: dict[str, int]
    stopping: list[str]


def hold_back_rows(
    connection: duckdb.DuckDBPyConnection, report: CheckReport, since: datetime | None = None
) -> HoldOutcome:
    """Rewrite held_back from the report's failed checks; the caller's connection must be writable.

    `since` is the report's (warehouse.checks.run_checks): the night's rows, which include the
    rows held back until now, so a held row stays held while a check still finds it.
    """
    checks = {check.name: check for check in load_checks()}
    held: dict[str, int] = {}
    stopping: list[str] = []
    # The scope is read before held_back is emptied: it names the rows held until now.
    with night_scope(connection, since):
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute("DELETE FROM held_back")
            for result in report.failures:
                if result.name not in HOLDS or result.name not in checks:
                    stopping.append(result.name)
                    continue
                held[result.name] = _hold(connection, checks[result.name], since)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return HoldOutcome(held, stopping)


def _hold(connection: duckdb.DuckDBPyConnection, check: Check, since: datetime | None) -> int:
    kind, column = HOLDS[check.name]
    offending = f"SELECT DISTINCT {column} FROM ({check_query(check, since)})"
    if kind == "article":
        rows = f"SELECT article_id, site FROM articles WHERE article_id IN ({offending})"
    elif kind == "fact":
        rows = (
            "SELECT facts.fact_id, articles.site FROM facts LEFT JOIN articles USING (article_id) "
            f"WHERE facts.fact_id IN ({offending})"
        )
    else:
        rows = (
            "SELECT article_id, site FROM articles "
            f"WHERE site IN ({offending}) "
            "AND CAST(timezone('Asia/Ho_Chi_Minh', first_seen_at) AS DATE) "
            "= CAST(timezone('Asia/Ho_Chi_Minh', now()) AS DATE)"
        )
        kind = "article"
    return connection.execute(
        f"""
        INSERT OR IGNORE INTO held_back (check_name, row_kind, row_id, site, held_at)
        SELECT $check, $kind, row_id, site, now() FROM ({rows}) AS held (row_id, site)
        """,
        {"check": check.name, "kind": kind},
    ).fetchone()[0]


def withhold_rows(copy: duckdb.DuckDBPyConnection) -> int:
    """In a copy being published, delete the rows held_back lists; returns the articles withheld.

    An article goes with everything that names it (captions, facts, duplicate links, index
    rows); a copy that another article was marked a duplicate of no longer hides that one.
    """
    if not copy.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'held_back'").fetchone()[0]:
        return 0
    held_articles = "SELECT row_id FROM held_back WHERE row_kind = 'article'"
    copy.execute("BEGIN TRANSACTION")
    try:
        copy.execute(f"DELETE FROM facts WHERE fact_id IN (SELECT row_id FROM held_back WHERE row_kind = 'fact')")
        naming = copy.execute(
            """
            SELECT table_name, column_name FROM duckdb_columns()
            WHERE schema_name = 'main' AND database_name = current_database()
              AND column_name IN ('article_id', 'other_article_id', 'duplicate_of', 'matched_with')
              AND table_name NOT IN ('articles', 'held_back', 'article_failures')
              AND table_name IN (SELECT table_name FROM duckdb_tables())
            ORDER BY table_name, column_name
            """
        ).fetchall()
        for table, column in naming:
            copy.execute(f'DELETE FROM "{table}" WHERE "{column}" IN ({held_articles})')
        copy.execute(f"UPDATE articles SET duplicate_of = NULL WHERE duplicate_of IN ({held_articles})")
        withheld = copy.execute(f"DELETE FROM articles WHERE article_id IN ({held_articles})").fetchone()[0]
        copy.execute("COMMIT")
    except BaseException:
        copy.execute("ROLLBACK")
        raise
    return withheld


def held_back_summary(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, str]]:
    """(check, row kind, rows, sites) of what the last check held back, for status and the report."""
    if not connection.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'held_back'").fetchone()[0]:
        return []
    return connection.execute(
        """
        SELECT check_name, row_kind, count(*), string_agg(DISTINCT site, ', ' ORDER BY site)
        FROM held_back GROUP BY check_name, row_kind ORDER BY check_name, row_kind
        """
    ).fetchall()
