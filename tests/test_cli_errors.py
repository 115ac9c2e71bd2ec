"""Bad input to every command: one clear line on stderr, a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.support import free_port, provnews_environment, run_provnews


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return provnews_environment(tmp_path / "data", free_port())


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_extract_of_a_missing_file(environment):
    result = run_provnews(["extract", "/nonexistent/page.html"], environment)
    assert_one_line_error(result, "/nonexistent/page.html")


def test_extract_of_a_file_that_is_not_html(tmp_path, environment):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8)
    result = run_provnews(["extract", str(binary)], environment)
    assert_one_line_error(result, "error")


def test_crawl_of_an_unknown_site(environment):
    result = run_provnews(["crawl", "no-such-site"], environment)
    assert_one_line_error(result, "unknown site 'no-such-site'")


def test_a_malformed_site_file_names_the_offending_key(tmp_path, environment):
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "broken.yaml").write_text(
        "name: broken\nprovince: Quảng Ninh\nbase_url: https://broken.vn\n"
        "discover: {rss: /rss}\narticle_url: 'x'\n",
        encoding="utf-8",
    )
    result = run_provnews(["crawl", "broken"], {**environment, "PROVNEWS_SITES": str(sites)})
    assert_one_line_error(result, "broken.yaml", "discover.rss")


def test_a_warehouse_from_a_newer_schema_is_refused(tmp_path, environment):
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "CREATE TABLE schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)"
        )
        connection.execute("INSERT INTO schema_migrations VALUES (999, '999_future', now())")
    result = run_provnews(["status"], environment)
    assert_one_line_error(result, "newer")
    result = run_provnews(["load"], environment)
    assert_one_line_error(result, "newer")


def test_sql_before_any_run_says_what_to_do(environment):
    result = run_provnews(["sql", "SELECT 1"], environment)
    assert_one_line_error(result, "provnews run")


def test_a_bad_query_is_one_line(tmp_path, environment):
    published = tmp_path / "data" / "published" / "warehouse.duckdb"
    published.parent.mkdir(parents=True)
    duckdb.connect(str(published)).close()
    result = run_provnews(["sql", "SELEC nonsense"], environment)
    assert_one_line_error(result, "syntax error")


def test_an_unknown_export_format(environment):
    result = run_provnews(["export", "--format", "xlsx"], environment)
    assert_one_line_error(result, "xlsx")
