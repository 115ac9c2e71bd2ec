"""The browse edition: analyst tables as SQLite, accent-free search, metadata from comments, the article page's marks."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from provnews.browse.article import bylines, mark_article, web_address
from tests.test_warehouse_views import warehouse  # noqa: F401  (the fixture)
from warehouse.browse_edition import SEARCH_TABLE, is_current, stored_metadata, write_browse_edition
from warehouse.publish import publish


@pytest.fixture
def published(tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> Path:  # noqa: F811
    warehouse.execute("UPDATE facts SET place_name = 'huyện Ba Chẽ'")
    warehouse.close()
    return publish(tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb").path


def search(edition: Path, query: str) -> list[str]:
    with sqlite3.connect(edition) as connection:
        return [title for (title,) in connection.execute(
            f"SELECT title FROM v_articles WHERE rowid IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?)",
            [query],
        )]


def test_publish_writes_the_edition_beside_the_published_file_with_the_analysts_tables(published: Path) -> None:
    edition = published.with_name("browse.sqlite")
    assert is_current(edition, published)
    with sqlite3.connect(edition) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        facts = connection.execute("SELECT kind, value, year, published_day FROM v_facts").fetchall()
        stored = connection.execute("SELECT place_name FROM facts").fetchall()
    assert {"v_articles", "v_facts", "articles", "facts", "captions", "sources"} <= tables
    assert not tables & {"dedup_bands", "parse_queue", "search_documents", "schema_migrations"}
    assert facts == [("number", 120.0, 2026, "2026-11-20")]
    assert stored == [("huyện Ba Chẽ",)]


def test_search_without_accents_finds_stories_and_their_captions(published: Path) -> None:
    edition = published.with_name("browse.sqlite")
    stories = search(edition, '"hộ" "nghèo"')
    assert stories and search(edition, '"ho" "ngheo"') == stories
    # Đ is a letter of its own to SQLite's tokenizer: "dap thanh" finds the caption's "Đạp Thanh".
    assert search(edition, '"dap" "thanh"') == stories
    assert search(edition, '"nha" "may"') == []


def test_metadata_describes_every_column_from_the_warehouse_comments_and_configures_facets(published: Path) -> None:
    metadata = stored_metadata(published.with_name("browse.sqlite"))["databases"]["browse"]
    facts = metadata["tables"]["facts"]
    assert facts["columns"]["place_name"].startswith("The place the figure is about, as written")
    assert facts["description"].startswith("One row per fact")
    v_facts = metadata["tables"]["v_facts"]
    assert {"site", "province", "kind", "year", "place_name"} <= set(v_facts["facets"])
    assert v_facts["sort_desc"] == "published_day"
    assert metadata["tables"]["v_articles"]["fts_table"] == SEARCH_TABLE
    with duckdb.connect(str(published), read_only=True) as reader:
        columns = {name for (name,) in reader.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'v_articles' AND schema_name = 'main'"
        ).fetchall()}
    # The body is on the article page, not in the stories table.
    assert set(metadata["tables"]["v_articles"]["columns"]) == columns - {"body"} | {"year"}


def test_every_canned_query_runs_on_the_edition(published: Path) -> None:
    edition = published.with_name("browse.sqlite")
    queries = stored_metadata(edition)["databases"]["browse"]["queries"]
    assert {"poverty_households_per_district_over_time", "most_cited_legal_documents"} <= set(queries)
    with sqlite3.connect(edition) as connection:
        for name, query in queries.items():
            connection.execute(query["sql"], {"words": "ho ngheo"}).fetchall()
        ranked = connection.execute(queries["stories_ranked_by_relevance"]["sql"], {"words": "ho ngheo"}).fetchall()
    assert len(ranked) == 1
    with sqlite3.connect(edition) as connection:
        rows = connection.execute(queries["articles_per_site_per_month"]["sql"]).fetchall()
    assert rows == [("baoquangninh", "2026-11", 1)]


def test_a_rewrite_replaces_the_edition_whole(published: Path, tmp_path: Path) -> None:
    first = write_browse_edition(published)
    second = write_browse_edition(published, changed_tables=("articles", "crawl_runs"))
    assert (first.action, second.action) == ("written", "written")
    assert first.path == second.path and first.stories_indexed == second.stories_indexed == 1
    assert sorted(path.name for path in published.parent.iterdir()) == ["browse.sqlite", "warehouse.duckdb"]


def test_a_killed_writer_s_temporary_edition_is_removed_by_the_next_write(published: Path) -> None:
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()
    leftover = published.with_name(f".browse.sqlite.tmp-{killed.pid}")
    leftover.write_bytes(b"half an edition")
    write_browse_edition(published)
    assert sorted(path.name for path in published.parent.iterdir()) == ["browse.sqlite", "warehouse.duckdb"]


def test_a_night_of_crawl_tables_only_refreshes_them_and_keeps_the_search_index(published: Path) -> None:
    with duckdb.connect(str(published)) as writer:
        writer.execute("UPDATE crawl_runs SET pages_fetched = pages_fetched + 100")
        expected = writer.execute("SELECT sum(pages_fetched) FROM v_run_health").fetchone()[0]
    edition = write_browse_edition(published, changed_tables=("crawl_runs", "pages"))
    assert edition.action == "refreshed" and is_current(edition.path, published)
    with sqlite3.connect(edition.path) as connection:
        assert connection.execute("SELECT sum(pages_fetched) FROM v_run_health").fetchone()[0] == expected
    assert search(edition.path, '"ho" "ngheo"')


def test_article_marks_facts_at_their_offsets_and_lists_every_field() -> None:
    article = {"title": "Giảm 120 hộ nghèo", "lead": "", "body": "Mở đầu.\n\nHuyện Ba Chẽ còn 120 hộ nghèo.",
               "bylines": '["Nguyễn Hòa"]'}
    facts = [
        {"kind": "number", "text": "120 hộ", "source": "body", "paragraph": 1, "start_offset": 17,
         "end_offset": 23, "value": 120.0, "unit": "hộ", "period_start": "2025-01-01", "place_name": "Ba Chẽ"},
        # Offsets that don't fit the text: placed at the text's first occurrence.
        {"kind": "number", "text": "120 hộ", "source": "title", "paragraph": None, "start_offset": 0,
         "end_offset": 3, "value": 120.0},
        # Overlapping another: listed, not marked twice.
        {"kind": "number", "text": "120", "source": "body", "paragraph": 1, "start_offset": 17,
         "end_offset": 20, "value": 120.0},
    ]
    segments, marked = mark_article(article, [], facts)
    paragraph = str(segments[3].html())
    assert '<mark class="fact fact-number"' in paragraph and ">120 hộ</mark> nghèo." in paragraph
    assert 'title="number · 120 hộ · 2025-01-01 · Ba Chẽ"' in paragraph
    assert str(segments[0].html()).startswith("Giảm <mark")
    assert [mark.placed for mark in marked] == [True, True, False]
    assert ("place_name", "Ba Chẽ") in marked[1].fields
    assert bylines(article) == ["Nguyễn Hòa"]


def test_article_text_is_escaped_around_marks() -> None:
    article = {"title": "<b>x</b> 5 hộ", "lead": "", "body": ""}
    segments, _ = mark_article(article, [], [{"kind": "number", "text": "5 hộ", "source": "title"}])
    assert str(segments[0].html()).startswith("&lt;b&gt;x&lt;/b&gt; <mark")


def test_a_canned_query_whose_columns_an_edition_lacks_is_left_out() -> None:
    from warehouse.browse_edition import _canned_queries

    queries = _canned_queries({"v_facts": {"kind", "name"}, "v_articles": {"site", "published_day"}})
    assert set(queries) == {"articles_per_site_per_month"}


def test_browse_without_a_published_warehouse_or_with_a_bad_port_says_so_in_one_line(tmp_path: Path) -> None:
    from tests.support import free_port, provnews_environment, run_provnews

    environment = provnews_environment(tmp_path, free_port())
    missing = run_provnews(["browse", "--write-only"], environment)
    bad_port = run_provnews(["browse", "--port", "70000"], environment)
    assert (missing.returncode, bad_port.returncode) == (2, 2)
    assert "published/warehouse.duckdb: run `provnews run` first" in missing.stderr and "is not a port" in bad_port.stderr
    assert len((missing.stderr + bad_port.stderr).strip().splitlines()) == 2


def test_only_web_addresses_become_links() -> None:
    assert web_address("https://baoquangninh.vn/a.jpg") == "https://baoquangninh.vn/a.jpg"
    assert web_address("javascript:alert(1)") is None and web_address("/a.jpg") is None and web_address(None) is None
