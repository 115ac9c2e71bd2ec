"""Search on Vietnamese: tone placement, Unicode forms, stories folded; the index kept article by article."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_samples import START, article_id, landing_run, open_warehouse, page, page_id, parsed_article
from transforms.text import comparison_key
from warehouse.articles import store_articles
from warehouse.load import load_runs
from transforms.search_text import accent_fold, search_words
from warehouse.search import FOLD_MACRO, build_search_index, refresh_search_index, search_words_macros, tone_key_macro

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


def test_snippet_is_a_window_of_the_text_with_the_match_marked(warehouse: duckdb.DuckDBPyConnection) -> None:
    [snippet] = warehouse.execute("SELECT snippet FROM search_articles('km')").fetchone()
    assert snippet == "QN - Tin về giảm nghèo. Xã đã làm 12 «km» đường, hộ dân hiến đất."


def test_copies_of_a_story_are_folded_into_one_row(tmp_path: Path) -> None:
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
    assert connection.execute("SELECT copies FROM search_articles('giảm nghèo')").fetchall() == [(2,)]
    every_copy = connection.execute("SELECT story_id FROM search_articles('giảm nghèo', all_copies := true)").fetchall()
    assert every_copy == [(article_id(POVERTY),), (article_id(POVERTY),)]


def test_a_changed_article_is_indexed_again_and_a_gone_one_dropped(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(POVERTY), page(ROADS)])])
    store_articles(connection, [parsed_article(page_id("run-1", url), url) for url in (POVERTY, ROADS)], [])
    build_search_index(connection)
    load_runs(connection, [landing_run(tmp_path / "landing", "run-2", [page(POVERTY)], started_at=START + timedelta(days=1))])
    store_articles(
        connection,
        [parsed_article(page_id("run-2", POVERTY), POVERTY, fetched_at=START + timedelta(days=1), body=("Thuỷ sản tăng.",))],
        [],
    )
    connection.execute("DELETE FROM articles WHERE url = ?", [ROADS])
    refresh = refresh_search_index(connection)
    assert (refresh.indexed, refresh.removed, refresh.documents) == (1, 2, 1)
    assert found_urls(connection, "thủy sản") == [POVERTY]
    assert found_urls(connection, "120") == []


@pytest.mark.parametrize(
    "word",
    ["hoà", "Hòa", "khoẻ", "xoè", "thuý", "thủy", "uỷ", "quý", "hoàng", "toán", "khoái", "ngoài", "HUỲNH", "thuở"],
)
def test_tone_key_agrees_with_the_python_comparison_key(word: str) -> None:
    connection = duckdb.connect()
    connection.execute(tone_key_macro())
    assert connection.execute("SELECT tone_key(?)", [word]).fetchone()[0] == comparison_key(word)


@pytest.mark.parametrize(
    "text",
    ["Hoà Bình, khoẻ mạnh", "QUÝ II/2025: thuỷ sản", "COVID-19 và 1.712/1.832 dịch\u200b vụ", "Huỳnh Thúc Kháng — «uỷ ban»"],
)
def test_sql_search_words_agree_with_the_index_words(text: str) -> None:
    connection = duckdb.connect()
    for macro in search_words_macros():
        connection.execute(macro)
    assert connection.execute("SELECT search_words(?)", [text]).fetchone()[0] == search_words(text)


@pytest.mark.parametrize("text", ["Hộ nghèo ở Đầm Hà", "ƯU TIÊN NGUỒN LỰC", "thuở ấy, khoẻ", "Ðồng (D with stroke, Latin)"])
def test_python_accent_folding_agrees_with_the_sql_one(text: str) -> None:
    connection = duckdb.connect()
    connection.execute(FOLD_MACRO)
    assert connection.execute("SELECT accent_fold(lower(?))", [text]).fetchone()[0] == accent_fold(text.lower())
