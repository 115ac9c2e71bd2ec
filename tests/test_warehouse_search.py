"""Full-text search on Vietnamese: tone placement, Unicode forms, stories only."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_samples import article_id, landing_run, open_warehouse, page, page_id, parsed_article
from transforms.text import comparison_key
from warehouse.articles import store_articles
from warehouse.load import load_runs
from warehouse.search import build_search_index, tone_key_macro

POVERTY = "https://baoquangninh.vn/giam-ngheo-3254001.html"
PEACE = "https://baoquangninh.vn/hoa-binh-3254002.html"
ROADS = "https://baoquangninh.vn/giao-thong-3254003.html"
ARTICLES = {
    POVERTY: ("Ba Chẽ giảm nghèo bền vững", ("Đầu năm, huyện còn 120 hộ nghèo; cuối năm chỉ còn 40 hộ nghèo.",)),
    # Written with the tone on the second vowel: hoà, not hòa.
    PEACE: ("Ngày hội văn hoá ở Hoà Bình", ("Người dân xã Hoà Bình đón khách về dự hội.",)),
    ROADS: ("Làm đường giao thông nông thôn", ("Xã đã làm 12 km đường, hộ dân hiến đất.",)),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    folder = tmp_path_factory.mktemp("search")
    connection = open_warehouse(folder / "warehouse.duckdb")
    load_runs(connection, [landing_run(folder / "landing", "run-1", [page(url) for url in ARTICLES])])
    parsed = [
        parsed_article(page_id("run-1", url), url, title=title, body=body)
        for url, (title, body) in ARTICLES.items()
    ]
    store_articles(connection, parsed, [])
    build_search_index(connection)
    return connection


def found_urls(connection: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """Addresses of the articles found, in the order search_articles returns them."""
    urls = dict(connection.execute("SELECT article_id, url FROM articles").fetchall())
    found = connection.execute("SELECT article_id FROM search_articles($query)", {"query": query})
    return [urls[article_id] for (article_id,) in found.fetchall()]


def test_two_word_query_finds_its_article_first(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert found_urls(warehouse, "hộ nghèo")[0] == POVERTY


def test_decomposed_query_finds_the_same_article(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert found_urls(warehouse, unicodedata.normalize("NFD", "hộ nghèo"))[0] == POVERTY


def test_upper_case_query_finds_the_same_article(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert found_urls(warehouse, "HỘ NGHÈO")[0] == POVERTY


@pytest.mark.parametrize("query", ["hoà bình", "hòa bình"])
def test_either_tone_placement_finds_the_article(warehouse: duckdb.DuckDBPyConnection, query: str) -> None:
    assert found_urls(warehouse, query) == [PEACE]


def test_numbers_are_search_terms(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert found_urls(warehouse, "120") == [POVERTY]


def test_word_absent_everywhere_finds_nothing(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert found_urls(warehouse, "thuỷ sản") == []


def test_snippet_is_a_window_of_the_body_around_the_first_term(warehouse: duckdb.DuckDBPyConnection) -> None:
    [snippet] = warehouse.execute("SELECT snippet FROM search_articles('km')").fetchone()
    assert "12 km đường" in snippet


def test_copies_of_a_story_are_left_out(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    copy = "https://quangninh.gov.vn/giam-ngheo.html"
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(POVERTY), page(copy)])])
    store_articles(
        connection,
        [parsed_article(page_id("run-1", url), url, title="Giảm nghèo") for url in (POVERTY, copy)],
        [],
    )
    connection.execute("UPDATE articles SET duplicate_of = ? WHERE url = ?", [article_id(POVERTY), copy])
    build_search_index(connection)
    assert found_urls(connection, "giảm nghèo") == [POVERTY]


@pytest.mark.parametrize(
    "word",
    ["hoà", "Hòa", "khoẻ", "xoè", "thuý", "thủy", "uỷ", "quý", "hoàng", "toán", "khoái", "ngoài", "HUỲNH", "thuở"],
)
def test_tone_key_agrees_with_the_python_comparison_key(word: str) -> None:
    connection = duckdb.connect()
    connection.execute(tone_key_macro())
    assert connection.execute("SELECT tone_key(?)", [word]).fetchone()[0] == comparison_key(word)
