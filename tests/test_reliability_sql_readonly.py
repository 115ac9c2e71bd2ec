"""`provnews sql` cannot write: no COPY … TO, EXPORT, ATTACH or any other file write, in a query or in the shell."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PROJECT_ROOT, free_port, provnews_environment, run_provnews
from tests.test_warehouse_checks import plant_article
from tests.warehouse_samples import open_warehouse
from warehouse.publish import publish


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("sql")
    connection = open_warehouse(data / "warehouse.duckdb")
    plant_article(connection)
    connection.close()
    publish(data / "warehouse.duckdb", data / "published" / "warehouse.duckdb")
    return data


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def attacks(data: Path) -> list[tuple[str, Path]]:
    """(statement, the file it would write)."""
    published = data / "published" / "warehouse.duckdb"
    written = data / "written.csv"
    return [
        (f"COPY (SELECT 'x') TO '{published}' (FORMAT csv)", published),
        (f"COPY articles TO '{written}' (FORMAT csv)", written),
        (f"COPY (SELECT 1) TO '{data / 'written.parquet'}' (FORMAT parquet)", data / "written.parquet"),
        (f"EXPORT DATABASE '{data / 'exported'}'", data / "exported"),
        (f"ATTACH '{data / 'attached.duckdb'}' AS other; CREATE TABLE other.t AS SELECT 1", data / "attached.duckdb"),
        (f"ATTACH '{data / 'warehouse.duckdb'}' AS working; DELETE FROM working.articles", data / "warehouse.duckdb"),
        (f"SET lock_configuration = false; SET enable_external_access = true; "
         f"COPY (SELECT 1) TO '{written}'", written),
        (f"SELECT * FROM read_text('/etc/passwd')", written),
    ]


@pytest.mark.parametrize("number", range(8))
def test_a_query_cannot_write_any_file(data: Path, number: int) -> None:
    statement, target = attacks(data)[number]
    before = {path: digest(path) for path in data.rglob("*") if path.is_file()}
    result = run_provnews(["sql", statement], provnews_environment(data, free_port()))
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    after = {path: digest(path) for path in data.rglob("*") if path.is_file()}
    assert after == before and not (target.exists() and target not in before)


def test_search_still_works_once_locked(data: Path) -> None:
    result = run_provnews(["sql", "SELECT count(*) AS n FROM articles"], provnews_environment(data, free_port()))
    assert result.returncode == 0 and "1" in result.stdout


def test_the_shell_cannot_write_either(data: Path) -> None:
    before = {path: digest(path) for path in data.rglob("*") if path.is_file()}
    script = "\n".join(statement + ";" for statement, _ in attacks(data))
    script += f"\n.output {data / 'shell-output.txt'}\nSELECT 42;\n.shell touch {data / 'shell-touched'}\n"
    script += "SELECT count(*) AS found FROM search_articles('Ba Chẽ');\n"
    session = subprocess.run(
        [sys.executable, "-m", "provnews.cli", "sql"], input=script, text=True, capture_output=True,
        env=provnews_environment(data, free_port()), cwd=PROJECT_ROOT, timeout=120,
    )
    after = {path: digest(path) for path in data.rglob("*") if path.is_file()}
    assert after == before
    assert session.returncode == 0
    assert "dot commands are not available" in session.stderr
    assert "found" in session.stdout and "42" in session.stdout
