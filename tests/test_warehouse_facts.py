"""Facts stage, warehouse side: pending articles and storing their facts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from tests.warehouse_samples import article_id, landing_run, open_warehouse, page, page_id, parsed_article
from transforms.records import Caption, Fact
from warehouse.articles import store_articles
from warehouse.facts import articles_needing_facts, mark_facts_stale, store_facts
from warehouse.load import load_runs

URL = "https://baoquangninh.vn/giam-ngheo-3254001.html"
HOUSEHOLDS = Fact(
    kind="number", text="120 hộ", sentence="Huyện Ba Chẽ còn 120 hộ nghèo.", source="body",
    start=17, end=23, value=120.0, unit="hộ", subject="hộ nghèo", paragraph=0,
)


def warehouse_with_article(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(URL)])])
    caption = Caption(text="Người dân nộp hồ sơ.", image_url=None, occurrences=2, position=0)
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL, captions=(caption,))], [])
    return connection


def pending(connection: duckdb.DuckDBPyConnection, **options: object) -> list[str]:
    return [text.article_id for batch in articles_needing_facts(connection, **options) for text in batch]


def test_new_article_needs_facts_with_its_paragraphs_and_captions(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    [[text]] = list(articles_needing_facts(connection))
    assert (text.article_id, text.body, text.captions) == (
        article_id(URL),
        ("Huyện Ba Chẽ còn 120 hộ nghèo.", "Năm 2023 giảm 2,5%."),
        ((0, "Người dân nộp hồ sơ."),),
    )


def test_stored_facts_make_the_article_up_to_date(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    store_facts(connection, {article_id(URL): [HOUSEHOLDS]}, "1")
    assert pending(connection) == []


def test_parsing_the_article_again_makes_its_facts_pending(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    store_facts(connection, {article_id(URL): [HOUSEHOLDS]}, "1")
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL)], [])
    assert pending(connection) == [article_id(URL)]


def test_a_new_extractor_version_makes_facts_pending(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    store_facts(connection, {article_id(URL): [HOUSEHOLDS]}, "1")
    assert pending(connection, extractor_version="2") == [article_id(URL)]


def test_storing_facts_again_replaces_them(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    store_facts(connection, {article_id(URL): [HOUSEHOLDS, HOUSEHOLDS]}, "1")
    store_facts(connection, {article_id(URL): [HOUSEHOLDS]}, "2")
    assert connection.execute("SELECT text, extractor_version FROM facts").fetchall() == [("120 hộ", "2")]


def test_fact_id_hashes_article_source_paragraph_offsets_and_kind(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    store_facts(connection, {article_id(URL): [HOUSEHOLDS]}, "1")
    expected = hashlib.sha256(f"{article_id(URL)}\nbody\n0\n17\n23\nnumber".encode()).hexdigest()[:16]
    assert connection.execute("SELECT fact_id FROM facts").fetchone()[0] == expected


def test_article_without_facts_is_recorded_as_done(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    store_facts(connection, {article_id(URL): []}, "1")
    assert connection.execute("SELECT facts FROM fact_extractions").fetchall() == [(0,)]


def test_batches_page_through_articles_in_order(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    urls = [f"https://baoquangninh.vn/bai-{number}.html" for number in range(3)]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(url) for url in urls])])
    store_articles(connection, [parsed_article(page_id("run-1", url), url) for url in urls], [])
    batches = list(articles_needing_facts(connection, batch_size=2))
    assert [len(batch) for batch in batches] == [2, 1]
    assert [text.article_id for batch in batches for text in batch] == sorted(article_id(url) for url in urls)


def test_mark_facts_stale_makes_the_given_articles_pending(tmp_path: Path) -> None:
    connection = warehouse_with_article(tmp_path)
    store_facts(connection, {article_id(URL): [HOUSEHOLDS]}, "1")
    assert mark_facts_stale(connection, [article_id(URL)]) == 1
    assert pending(connection) == [article_id(URL)]
