"""Data-quality checks run before publishing: one SQL file per check under warehouse/checks/.

Each file is one SELECT returning the offending rows; its header comment starts with
`-- <name>: <what it means>`. The checks only read, so they run on a read-only connection
or on the stages' connection once their work is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

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


def run_check(connection: duckdb.DuckDBPyConnection, check: Check) -> CheckResult:
    """Count the check's offending rows and keep the first few as examples."""
    # The newline keeps the file's trailing comment lines from swallowing the parenthesis.
    offending = connection.execute(f"SELECT count(*) FROM (\n{check.sql}\n)").fetchone()[0]
    cursor = connection.execute(f"SELECT * FROM (\n{check.sql}\n) LIMIT {EXAMPLE_ROWS}")
    names = [column[0] for column in cursor.description]
    examples = [dict(zip(names, row)) for row in cursor.fetchall()]
    return CheckResult(check.name, offending == 0, offending, check.description, examples)


def run_checks(connection: duckdb.DuckDBPyConnection) -> CheckReport:
    """Run every check; never raises for offending rows."""
    return CheckReport([run_check(connection, check) for check in load_checks()])


def require_checks(connection: duckdb.DuckDBPyConnection) -> CheckReport:
    """Run every check and raise ChecksFailed when any found offending rows."""
    report = run_checks(connection)
    if not report.passed:
        raise ChecksFailed(report)
    return report
