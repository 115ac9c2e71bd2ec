"""What analysts type, on the mirror's articles: every word required, phrases, no accents, captions, stories."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.search_samples import PROVINCES, mirror_warehouse
from tests.warehouse_samples import landing_run, open_warehouse, page, page_id, parsed_article
from transforms.search_text import search_words
from warehouse.articles import store_articles
from warehouse.connection import connect
from warehouse.load import load_runs
from warehouse.publish import publish

COLUMNS = [
    "story_id", "article_id", "url", "site", "province", "published_at", "title", "score", "matched_in", "copies",
    "snippet",
]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    folder = tmp_path_factory.mktemp("analyst")
    path = publish(mirror_warehouse(folder), folder / "published" / "warehouse.duckdb").path
    connection = connect(path, read_only=True)
    yield connection
    connection.close()


def search(connection: duckdb.DuckDBPyConnection, query: str, **parameters: object) -> list[dict]:
    named = "".join(f", {name} := ${name}" for name in parameters)
    relation = connection.execute(f"SELECT * FROM search_articles($query{named})", {"query": query, **parameters})
    names = [column[0] for column in relation.description]
    return [dict(zip(names, row)) for row in relation.fetchall()]


def article_words(connection: duckdb.DuckDBPyConnection, article_id: str) -> str:
    """Title, lead, body and captions of an article as " word word … "."""
    title, lead, body, captions = connection.execute(
        """
        SELECT title, lead, body, (SELECT coalesce(string_agg(text, ' | '), '') FROM captions WHERE article_id = $id)
        FROM articles WHERE article_id = $id
        """,
        {"id": article_id},
    ).fetchone()
    return " " + " | ".join(" ".join(search_words(part)) for part in (title, lead, body, captions)) + " "


def test_results_carry_what_an_analyst_needs(published: duckdb.DuckDBPyConnection) -> None:
    [first, *_] = search(published, "hộ nghèo")
    assert list(first) == COLUMNS
    assert first["url"].startswith("https://") and first["province"] == PROVINCES[first["site"]]


def test_every_word_is_required(published: duckdb.DuckDBPyConnection) -> None:
    hits = search(published, "hộ nghèo")
    assert hits
    for hit in hits:
        words = article_words(published, hit["article_id"])
        assert " hộ " in words and " nghèo " in words


def test_a_query_without_accents_finds_the_poverty_stories_ranked_below_the_accented_query(
    published: duckdb.DuckDBPyConnection,
) -> None:
    accented = {hit["story_id"]: hit["score"] for hit in search(published, "hộ nghèo")}
    plain = {hit["story_id"]: hit["score"] for hit in search(published, "ho ngheo")}
    assert set(accented) <= set(plain)
    assert list(plain)[:3] == list(accented)[:3]
    assert all(plain[story] < accented[story] for story in accented)


def test_a_word_typed_without_accents_ranks_its_exact_form_first(tmp_path: Path) -> None:
    # "ho" is a word of its own (a cough): the article that writes it beats the ones writing hồ, hộ.
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    texts = {
        "https://baoquangninh.vn/ho-3254101.html": "Trẻ bị ho kéo dài cần đi khám.",
        "https://baoquangninh.vn/ho-3254102.html": "Hồ Yên Lập đủ nước cho vụ mùa; hộ dân yên tâm.",
    }
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(url) for url in texts])])
    store_articles(
        connection,
        [parsed_article(page_id("run-1", url), url, title="Tin ngắn", body=(text,)) for url, text in texts.items()],
        [],
    )
    connection.close()
    reader = connect(publish(tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb").path, read_only=True)
    urls = [hit["url"] for hit in search(reader, "ho")]
    reader.close()
    assert urls == list(texts)


def test_a_full_name_ranks_the_article_naming_him_first(published: duckdb.DuckDBPyConnection) -> None:
    [first, *_] = search(published, "Nguyễn Xuân Ký")
    assert " nguyễn xuân ký " in article_words(published, first["article_id"])
    assert "«Nguyễn Xuân Ký»" in first["snippet"]


def test_a_name_only_a_caption_gives_is_found_there(published: duckdb.DuckDBPyConnection) -> None:
    [first, *_] = search(published, "Cao Tường Huy")
    assert first["matched_in"] == ["caption"]
    assert "«Cao Tường Huy»" in first["snippet"]


def test_a_quoted_phrase_returns_only_articles_holding_it(published: duckdb.DuckDBPyConnection) -> None:
    quoted = search(published, '"nhà ở xã hội"', all_copies=True)
    assert quoted
    for hit in quoted:
        assert " nhà ở xã hội " in article_words(published, hit["article_id"])
        assert "«nhà ở xã hội»" in hit["snippet"].lower()
    assert len(search(published, "nhà ở xã hội")) >= len(search(published, '"nhà ở xã hội"'))


def test_or_finds_either_word_and_a_minus_leaves_a_word_out(published: duckdb.DuckDBPyConnection) -> None:
    def stories(query: str) -> set[str]:
        return {hit["story_id"] for hit in search(published, query, max_results=1000)}

    assert stories("Covid OR VNeID") == stories("Covid") | stories("VNeID")
    excluded = stories("Quảng Ninh -Covid")
    assert excluded and not excluded & stories("Covid")
    assert excluded | (stories("Quảng Ninh") & stories("Covid")) == stories("Quảng Ninh")


def test_copies_are_folded_into_their_story_with_a_count(published: duckdb.DuckDBPyConnection) -> None:
    stories = search(published, '"nhà ở xã hội"')
    articles = search(published, '"nhà ở xã hội"', all_copies=True)
    assert len({hit["story_id"] for hit in stories}) == len(stories)
    assert sum(hit["copies"] for hit in stories) == len(articles) > len(stories)


def test_site_province_and_dates_narrow_the_results(published: duckdb.DuckDBPyConnection) -> None:
    every = search(published, "Quảng Ninh", all_copies=True, max_results=1000)
    by_site = search(published, "Quảng Ninh", site="mirror-tuoitrethudo", all_copies=True, max_results=1000)
    assert by_site and {hit["site"] for hit in by_site} == {"mirror-tuoitrethudo"}
    hanoi = search(published, "Quảng Ninh", province="ha noi", all_copies=True, max_results=1000)
    assert hanoi and {hit["province"] for hit in hanoi} == {"Hà Nội"}
    days = sorted(hit["published_at"].date() for hit in every)
    middle = days[len(days) // 2]
    later = search(published, "Quảng Ninh", date_from=str(middle), all_copies=True, max_results=1000)
    earlier = search(published, "Quảng Ninh", date_to=str(middle), all_copies=True, max_results=1000)
    assert 0 < len(later) < len(every) and 0 < len(earlier) < len(every)
    assert len(search(published, "Quảng Ninh", max_results=3)) == 3


def test_snippets_are_cut_at_words_of_the_article(published: duckdb.DuckDBPyConnection) -> None:
    for hit in search(published, "dịch vụ công trực tuyến", all_copies=True):
        words = search_words(hit["snippet"].replace("«", " ").replace("»", " "))
        # Every word of the snippet is a whole word of the article, in the article's order.
        assert " " + " ".join(words) + " " in article_words(published, hit["article_id"]).replace(" |", "")
        assert re.search(r"«[^«»]+»", hit["snippet"])


def test_a_query_of_nothing_finds_nothing(published: duckdb.DuckDBPyConnection) -> None:
    assert search(published, "") == []
    assert search(published, '"" - OR') == []
