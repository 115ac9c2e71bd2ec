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


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["parse", "--from-date", "garbage"], "'garbage' is not a day as YYYY-MM-DD"),
        (["parse", "--from-date", "2026-13-45"], "'2026-13-45' is not a day"),
        (["parse", "--from-date", "2026-02-01", "--to-date", "2026-01-01"], "is after --to-date"),
        (["parse", "--sites", "nosuchsite"], "unknown site 'nosuchsite'"),
        (["run", "--sites", "nosuchsite"], "unknown site 'nosuchsite'"),
        (["serve-mirror", "--port", "99999999"], "'99999999' is not a port"),
        (["crawl", "mirror-baoquangninh", "--run-id", "../../../../x"], "run id '../../../../x' is not a name"),
        (["crawl", "mirror-baoquangninh", "--run-id", "/tmp/x"], "is not a name"),
        (["nosuchcommand"], "invalid choice"),
    ],
)
def test_every_bad_value_is_one_line_and_exit_2(environment, arguments, fragment):
    result = run_provnews(arguments, environment)
    assert_one_line_error(result, fragment)
    assert result.returncode == 2


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PROVNEWS_MIRROR_PORT", "abc"), ("PROVNEWS_MIRROR_PORT", "70000"), ("PROVNEWS_PARSE_CHUNK_PAGES", "-5")],
)
def test_a_bad_environment_variable_is_one_line_and_exit_2(environment, variable, value):
    result = run_provnews(["status"], {**environment, variable: value})
    assert_one_line_error(result, variable)
    assert result.returncode == 2


def test_a_run_id_already_landed_is_refused_and_its_files_kept(environment, tmp_path):
    landed = tmp_path / "data" / "landing" / "mirror-baoquangninh" / "2026-01-15" / "taken-run.parquet"
    landed.parent.mkdir(parents=True)
    landed.write_bytes(b"pages already loaded")
    result = run_provnews(["crawl", "mirror-baoquangninh", "--run-id", "taken-run"], environment)
    assert_one_line_error(result, "run id 'taken-run' is taken")
    assert landed.read_bytes() == b"pages already loaded"
    assert not (tmp_path / "data" / "logs" / "taken-run.log").exists()


@pytest.fixture
def published_environment(tmp_path: Path) -> dict[str, str]:
    from tests.test_warehouse_checks import plant_article
    from tests.warehouse_samples import open_warehouse
    from warehouse.publish import publish

    data = tmp_path / "data"
    connection = open_warehouse(data / "warehouse.duckdb")
    plant_article(connection)
    connection.close()
    publish(data / "warehouse.duckdb", data / "published" / "warehouse.duckdb")
    return provnews_environment(data, free_port())


def test_export_into_a_file_is_one_line_and_exit_2(published_environment):
    result = run_provnews(["export", "--out", "/etc/passwd"], published_environment)
    assert_one_line_error(result, "/etc/passwd")
    assert result.returncode == 2


def test_export_folder_names_are_quoted_never_run_as_sql(published_environment, tmp_path):
    out = tmp_path / "out" / "x' (FORMAT csv); COPY (SELECT 'injected') TO 'injected.txt' --"
    result = run_provnews(["export", "--out", str(out)], published_environment)
    assert result.returncode == 0, result.stderr
    assert (out / "articles.parquet").exists()
    from tests.support import PROJECT_ROOT

    assert not list(tmp_path.rglob("injected.txt")) and not (PROJECT_ROOT / "injected.txt").exists()


def test_extract_prints_valid_json_for_a_number_too_large_for_a_double(tmp_path, environment):
    import json

    page = tmp_path / "page.html"
    huge = "9" * 5000
    page.write_text(
        "<html><head><title>Ngân sách tỉnh năm 2026</title></head><body><h1>Ngân sách tỉnh năm 2026</h1>"
        f"<p>Tổng thu ngân sách của tỉnh năm nay đạt {huge} đồng, theo báo cáo của Sở Tài chính tỉnh.</p>"
        "<p>Con số này được công bố tại kỳ họp thứ hai của Hội đồng nhân dân tỉnh.</p></body></html>",
        encoding="utf-8",
    )
    result = run_provnews(["extract", str(page)], environment)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    numbers = [fact for fact in document["facts"] if huge[:50] in fact["text"]]
    assert numbers and all(fact["value"] is None for fact in numbers)


def test_a_full_disk_during_publish_is_one_line_and_exit_2_with_the_published_file_intact(published_environment, tmp_path):
    import resource
    import signal
    import subprocess
    import sys

    from tests.support import PROJECT_ROOT

    published = tmp_path / "data" / "published" / "warehouse.duckdb"
    before = published.read_bytes()
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb")) as connection:
        connection.execute("UPDATE articles SET title = 'Tiêu đề mới'")

    def small_disk() -> None:
        # Writes past 64 KB fail as on a full disk (EFBIG rather than ENOSPC: the same OSError path).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = subprocess.run(
        [sys.executable, "-m", "provnews.cli", "publish"], env=published_environment, cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=120, preexec_fn=small_disk,
    )
    assert_one_line_error(result, "error")
    assert result.returncode == 2
    assert published.read_bytes() == before
