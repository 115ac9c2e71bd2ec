"""`provnews run` against the offline mirror, as `make run` does it: real Scrapy, real DuckDB."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import duckdb
import pytest

from mirror.content import load_articles
from scrapers.site import load_sites
from warehouse.connection import load_full_text_search
from tests.support import free_port, provnews_environment, run_provnews

pytestmark = pytest.mark.slow

# The two source documents the project was created from, rendered as mirror pages.
SEED_KEYS = ("mirror-baoquangninh--3213457", "mirror-tuoitrethudo--298314")


@pytest.fixture(scope="module")
def first_night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str]:
    data = tmp_path_factory.mktemp("data")
    environment = provnews_environment(data, free_port())
    result = run_provnews(["run", "--with-mirror"], environment)
    assert result.returncode == 0, result.stderr[-3000:]
    return data, environment, result.stderr + result.stdout


def published(data: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data / "published" / "warehouse.duckdb"), read_only=True)


def table_counts(path: Path) -> dict[str, int]:
    tables = ["crawl_runs", "pages", "articles", "captions", "facts", "duplicates"]
    with duckdb.connect(str(path), read_only=True) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables
        }


def test_run_publishes_articles_from_every_mirror_site(first_night):
    data, _, _ = first_night
    with published(data) as connection:
        per_site = dict(connection.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
        incomplete = connection.execute(
            """
            SELECT url FROM articles
            WHERE title = '' OR body = '' OR published_at IS NULL
            """
        ).fetchall()
    assert sum(per_site.values()) >= 40, per_site
    assert len(per_site) >= 3, per_site
    assert incomplete == []


def test_every_mirror_article_is_in_the_warehouse(first_night):
    data, _, _ = first_night
    expected = {unicodedata.normalize("NFC", article.title) for article in load_articles()}
    with published(data) as connection:
        titles = {row[0] for row in connection.execute("SELECT title FROM articles").fetchall()}
    assert expected - titles == set()


def test_seed_articles_are_there_with_their_captions_once_each(first_night):
    data, _, _ = first_night
    seeds = [article for article in load_articles() if article.key in SEED_KEYS]
    assert len(seeds) == len(SEED_KEYS)
    with published(data) as connection:
        for seed in seeds:
            captions = connection.execute(
                """
                SELECT c.text, c.occurrences FROM captions c JOIN articles a USING (article_id)
                WHERE a.title = ? ORDER BY c.position
                """,
                [seed.title],
            ).fetchall()
            assert [text for text, _ in captions] == [caption.text for caption in seed.captions]
            assert all(occurrences >= 2 for _, occurrences in captions)


def test_planted_duplicates_are_linked_and_nothing_else(first_night):
    data, _, _ = first_night
    copies = {article.key: article.syndicated_from for article in load_articles() if article.syndicated_from}
    by_key = {article.key: article for article in load_articles()}
    with published(data) as connection:
        linked = connection.execute(
            """
            SELECT copy.title, original.title, d.method
            FROM duplicates d
            JOIN articles copy ON copy.article_id = d.article_id
            JOIN articles original ON original.article_id = d.duplicate_of
            """
        ).fetchall()
    expected_pairs = {(by_key[copy].title, by_key[original].title) for copy, original in copies.items()}
    assert {(copy, original) for copy, original, _ in linked} == expected_pairs
    assert {method for _, _, method in linked} <= {"exact", "near"}


def test_tracking_parameter_and_print_urls_are_not_stored_twice(first_night):
    data, _, _ = first_night
    with published(data) as connection:
        variants = connection.execute(
            """
            SELECT url FROM pages
            WHERE url LIKE '%utm_%' OR url LIKE '%fbclid%' OR url LIKE '%print%'
            """
        ).fetchall()
        repeated = connection.execute(
            "SELECT url, count(*) FROM articles GROUP BY url HAVING count(*) > 1"
        ).fetchall()
    assert variants == []
    assert repeated == []


def test_facts_are_extracted_into_the_warehouse(first_night):
    data, _, _ = first_night
    with published(data) as connection:
        kinds = dict(connection.execute("SELECT kind, count(*) FROM facts GROUP BY kind").fetchall())
    assert {"money", "percent", "number", "legal_ref", "person"} <= set(kinds), kinds


def test_the_run_prints_a_progress_line_per_stage_and_a_summary(first_night):
    _, _, output = first_night
    for stage in ("crawl", "load", "parse", "dedup", "facts", "check", "publish"):
        assert f"\n{stage}" in "\n" + output, stage
    assert "mirror-baoquangninh" in output


def analyst_queries() -> list[tuple[str, str]]:
    text = (Path(__file__).resolve().parent.parent / "docs" / "queries.sql").read_text(encoding="utf-8")
    blocks = re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]
    return [tuple(block.split("\n", 1)) for block in blocks]


def test_every_analyst_query_in_the_docs_runs_and_answers(first_night):
    data, _, _ = first_night
    queries = analyst_queries()
    assert len(queries) >= 12
    with published(data) as connection:
        load_full_text_search(connection)
        empty = [name for name, sql in queries if not connection.execute(sql).fetchall()]
    # Failed pages are none on a healthy mirror run.
    assert empty == ["pages_that_failed"]


def test_status_shows_the_last_runs_of_every_site(first_night):
    _, environment, _ = first_night
    result = run_provnews(["status"], environment)
    assert result.returncode == 0, result.stderr
    for site in ("mirror-baoquangninh", "mirror-quangninh-gov", "mirror-tuoitrethudo"):
        assert site in result.stdout
    assert "Last failed Airflow tasks" in result.stdout


def test_sql_answers_one_query_on_the_published_warehouse(first_night):
    _, environment, _ = first_night
    result = run_provnews(["sql", "SELECT count(*) AS stories FROM v_articles"], environment)
    assert result.returncode == 0, result.stderr
    assert "stories" in result.stdout


def test_the_sql_shell_opens_the_published_warehouse_with_search(first_night):
    _, environment, _ = first_night
    shell = subprocess.run(
        [sys.executable, "-m", "provnews.cli", "sql"],
        input="SELECT title FROM search_articles('giảm nghèo') LIMIT 1;\n",
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shell.returncode == 0, shell.stderr
    assert "giảm nghèo" in shell.stdout


def test_export_writes_every_published_table_as_parquet(first_night, tmp_path):
    data, environment, _ = first_night
    result = run_provnews(["export", "--format", "parquet", "--out", str(tmp_path)], environment)
    assert result.returncode == 0, result.stderr
    exported = {Path(line).stem: Path(line) for line in result.stdout.split()}
    assert {"articles", "captions", "facts", "v_articles"} <= set(exported)
    with published(data) as connection:
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        from_file = connection.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(exported["articles"])]
        ).fetchone()[0]
    assert from_file == articles


def test_loading_again_adds_nothing(first_night):
    data, environment, _ = first_night
    before = table_counts(data / "warehouse.duckdb")
    result = run_provnews(["load"], environment)
    assert result.returncode == 0, result.stderr
    assert table_counts(data / "warehouse.duckdb") == before


def test_a_second_night_fetches_nothing_new_and_keeps_the_tables(first_night):
    data, environment, _ = first_night
    before = table_counts(data / "published" / "warehouse.duckdb")
    result = run_provnews(["run", "--with-mirror"], environment)
    assert result.returncode == 0, result.stderr[-3000:]
    after = table_counts(data / "published" / "warehouse.duckdb")
    with published(data) as connection:
        second = connection.execute(
            """
            SELECT sum(pages_not_modified), sum(articles_new),
                   sum(CAST(stats->>'$."provnews/articles_not_revisited"' AS INTEGER)),
                   (SELECT count(*) FROM articles), count(*)
            FROM crawl_runs
            WHERE started_at = (SELECT max(started_at) FROM crawl_runs r2 WHERE r2.site = crawl_runs.site)
            """
        ).fetchone()
    not_modified, articles_new, not_revisited, articles, sites = second
    # Every known article is either skipped by the revisit policy or asked again and answered 304.
    assert not_modified + not_revisited == articles
    assert articles_new == 0
    assert sites == len([site for site in load_sites().values() if site.mirror and site.nightly])
    for table in ("articles", "captions", "facts", "duplicates"):
        assert after[table] == before[table], table
    # Only the night's runs changed: they are copied into the last published file, search is kept.
    assert "\npublish   refreshed " in result.stderr
    again = run_provnews(["publish"], environment)
    assert again.returncode == 0, again.stderr
    assert '"skipped"' in again.stdout
