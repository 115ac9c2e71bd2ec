"""Data-quality checks run before publishing: one SQL file per check under warehouse/checks/.

Each file is one SELECT returning the offending rows; its header comment starts with
`-- <name>: <what it means>`. The checks only read, so they run on a read-only connection
or on the stages' connection once their work is committed.

A night checks the rows it brought: the files read night_articles, night_captions and
night_facts, the articles parsed since the given time with their captions and the facts
extracted since then (every row when no time is given), plus invariants cheap over the whole
warehouse (a key column, a timestamp column's zone maps, the last days' runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.lookup import registered
from warehouse.lookup import row_ids as row_ids_of

CHECKS_DIR = Path(__file__).with_name("checks")
EXAMPLE_ROWS = 5


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    passed: bool
    offending_rows: int
    description: str
    examples: list[dict[str, object]] = field(default_factory=list)  # the first offending rows


@dataclass(frozen=True, slots=True)
class CheckReport:
    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [result for result in self.results if not result.passed]

    def summary(self) -> str:
        """One line per check: PASS or FAIL, name, offending rows."""
        return "\n".join(
            f"{'PASS' if result.passed else 'FAIL'} {result.name} ({result.offending_rows} rows)"
            for result in self.results
        )


class ChecksFailed(Exception):
    """At least one data-quality check found offending rows."""

    def __init__(self, report: CheckReport) -> None:
        names = ", ".join(
            f"{result.name} ({result.offending_rows} rows)" for result in report.failures
        )
        super().__init__(f"data-quality checks failed: {names}")
        self.report = report


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    description: str
    sql: str


def load_checks() -> list[Check]:
    """Every check file, by name."""
    return [_read_check(path) for path in sorted(CHECKS_DIR.glob("*.sql"))]


def _read_check(path: Path) -> Check:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line.removeprefix("--").strip())
    description = " ".join(header).removeprefix(f"{path.stem}:").strip()
    return Check(name=path.stem, description=description, sql=text.strip().rstrip(";"))


# The rows a night's checks read, by row id (warehouse.lookup explains why row ids): the ids are
# found from narrow columns, parsed_at being narrowed further by zone maps. Rows held back by an
# earlier night (warehouse.checks_holding) are read again, so that they stay held until a check
# no longer finds them.
_NIGHT_ARTICLES = """
    SELECT rowid, article_id FROM articles WHERE parsed_at >= $since
    UNION
    SELECT rowid, article_id FROM articles
    WHERE article_id IN (SELECT row_id FROM held_back WHERE row_kind = 'article')
"""
_NIGHT_FACTS = """
    SELECT rowid FROM facts
    WHERE article_id IN (SELECT article_id FROM fact_extractions WHERE extracted_at >= $since)
       OR fact_id IN (SELECT row_id FROM held_back WHERE row_kind = 'fact')
"""
_NIGHT_TABLES = {"night_articles": "articles", "night_captions": "captions", "night_facts": "facts"}


def check_query(check: Check, since: datetime | None = None) -> str:
    """The check's SELECT with the night relations it reads defined before it; whole tables without `since`.

    With `since`, the relations read the row ids night_scope registered.
    """
    definitions = []
    for name, table in _NIGHT_TABLES.items():
        if name not in check.sql:
            continue
        rows = f" WHERE rowid IN (SELECT row_id FROM check_{name})" if since is not None else ""
        definitions.append(f"{name} AS (SELECT * FROM {table}{rows})")
    # The newline keeps the file's trailing comment lines from swallowing the parenthesis.
    prefix = f"WITH {', '.join(definitions)} " if definitions else ""
    return f"{prefix}SELECT * FROM (\n{check.sql}\n)"


@contextmanager
def night_scope(connection: duckdb.DuckDBPyConnection, since: datetime | None) -> Iterator[None]:
    """Register the row ids of the night's articles, captions and facts (nothing without `since`)."""
    if since is None:
        yield
        return
    articles = connection.execute(_NIGHT_ARTICLES, {"since": since}).fetchall()
    article_ids = [article_id for _, article_id in articles]
    row_ids = {
        "night_articles": [row_id for row_id, _ in articles],
        "night_captions": row_ids_of(connection, "captions", "article_id", article_ids),
        "night_facts": [row_id for (row_id,) in connection.execute(_NIGHT_FACTS, {"since": since}).fetchall()],
    }
    with ExitStack() as stack:
        for name, ids in row_ids.items():
            stack.enter_context(registered(connection, f"check_{name}", {"row_id": pa.array(ids, pa.int64())}))
        yield


def run_check(connection: duckdb.DuckDBPyConnection, check: Check, since: datetime | None = None) -> CheckResult:
    """Count the check's offending rows (among the night's, within night_scope) and keep the first few as examples."""
    query = check_query(check, since)
    offending = connection.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
    cursor = connection.execute(f"{query} LIMIT {EXAMPLE_ROWS}")
    names = [column[0] for column in cursor.description]
    examples = [dict(zip(names, row)) for row in cursor.fetchall()]
    return CheckResult(check.name, offending == 0, offending, check.description, examples)


def run_checks(connection: duckdb.DuckDBPyConnection, since: datetime | None = None) -> CheckReport:
    """Run every check over the rows stored since `since` (all rows when None); never raises for offending rows."""
    with night_scope(connection, since):
        return CheckReport([run_check(connection, check, since) for check in load_checks()])


def require_checks(connection: duckdb.DuckDBPyConnection, since: datetime | None = None) -> CheckReport:
    """Run every check and raise ChecksFailed when any found offending rows."""
    report = run_checks(connection, since)
    if not report.passed:
        raise ChecksFailed(report)
    return report
