"""Dedup, facts and checks read only the night's articles, and end where a full pass ends.

Two warehouses receive the same three nights of articles (with planted copies, and an article
of the first night parsed again with another body). One runs dedup and facts after every night,
each night reading only what came since its watermark; the other runs them once over
everything. Their duplicates, pairs, index and facts must be identical. The scope itself is
observable where a row older than the watermark is made pending behind the stage's back: the
night leaves it alone, a full pass does not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from bench.pages import PageGenerator
from bench.pipeline import parsed_article
from provnews.parsing import facts_for_batch
from tests.warehouse_samples import open_warehouse
from transforms.dedup import body_hash
from transforms.facts import EXTRACTOR_VERSION
from warehouse.articles import ParsedArticle, store_articles
from warehouse.checks import run_checks
from warehouse.dedup import dedup_articles
from warehouse.facts import articles_needing_facts, mark_facts_stale, store_facts
from warehouse.watermarks import advance_watermark, watermark

NIGHTS = 3
PER_NIGHT = 70
FETCHED = datetime(2026, 3, 1, 19, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def nights() -> list[list[ParsedArticle]]:
    """Three nights of generated articles; the third also brings a first-night article with a shorter body."""
    stories = list(PageGenerator().stories(NIGHTS * PER_NIGHT))
    batches = [
        [
            parsed_article(story, f"page-{story.number:05d}", FETCHED + timedelta(days=night))
            for story in stories[night * PER_NIGHT : (night + 1) * PER_NIGHT]
        ]
        for night in range(NIGHTS)
    ]
    changed = batches[0][3]
    body = changed.article.body[:-2]
    batches[-1].append(
        replace(
            changed,
            page_id="page-changed",
            fetched_at=FETCHED + timedelta(days=NIGHTS),
            article=replace(changed.article, body=body),
            content_sha256=body_hash(body),
        )
    )
    return batches


def extract_facts(connection: duckdb.DuckDBPyConnection) -> int:
    articles = 0
    for batch in articles_needing_facts(connection, batch_size=50):
        store_facts(connection, facts_for_batch(batch), EXTRACTOR_VERSION)
        articles += len(batch)
    return articles


def state(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """What dedup and facts leave behind, without the times they did it at."""
    queries = {
        "duplicates": "SELECT article_id, duplicate_of, method, similarity, matched_with FROM duplicates",
        "pairs": "SELECT article_id, other_article_id, method, similarity, containment FROM duplicate_pairs",
        "pointers": "SELECT article_id, duplicate_of FROM articles",
        "index": "SELECT article_id, content_sha256, body_key_sha256, body_words, comparable, signature,"
        " shingle_count FROM dedup_index",
        "bands": "SELECT band_key, article_id FROM dedup_bands",
        "caption_keys": "SELECT * FROM caption_keys",
        "facts": "SELECT * FROM facts",
        "extractions": "SELECT article_id, extractor_version, facts FROM fact_extractions",
    }
    return {name: sorted(connection.execute(query).fetchall(), key=repr) for name, query in queries.items()}


def test_night_by_night_ends_where_one_full_pass_ends(tmp_path: Path, nights: list[list[ParsedArticle]]) -> None:
    nightly = open_warehouse(tmp_path / "nightly.duckdb")
    once = open_warehouse(tmp_path / "once.duckdb")
    indexed = []
    for batch in nights:
        store_articles(nightly, batch, [])
        store_articles(once, batch, [])
        indexed.append(dedup_articles(nightly).articles_indexed)
        extract_facts(nightly)
    dedup_articles(once)
    extract_facts(once)
    # Each night indexed its own articles only; the changed article was indexed again.
    assert indexed == [PER_NIGHT, PER_NIGHT, PER_NIGHT + 1]
    nightly_state, once_state = state(nightly), state(once)
    assert nightly_state["duplicates"], "the generated nights hold planted copies"
    assert nightly_state["facts"]
    assert nightly_state == once_state


def test_dedup_night_leaves_articles_older_than_its_watermark_alone(
    tmp_path: Path, nights: list[list[ParsedArticle]]
) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    store_articles(connection, nights[0], [])
    dedup_articles(connection)
    first_night = watermark(connection, "dedup")
    # Made pending behind the stage's back: a night does not look before its watermark.
    forgotten = nights[0][0]
    connection.execute("DELETE FROM dedup_index WHERE article_id = (SELECT min(article_id) FROM articles)")
    store_articles(connection, nights[1], [])
    assert dedup_articles(connection).articles_indexed == PER_NIGHT
    assert watermark(connection, "dedup") > first_night
    # A full pass (no watermark) finds it.
    connection.execute("DELETE FROM stage_watermarks WHERE stage = 'dedup'")
    assert dedup_articles(connection).articles_indexed == 1, forgotten.article.url


def test_facts_night_reads_its_articles_and_stale_marks_reach_old_ones(
    tmp_path: Path, nights: list[list[ParsedArticle]]
) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    store_articles(connection, nights[0], [])
    assert extract_facts(connection) == PER_NIGHT
    [old] = connection.execute("SELECT min(article_id) FROM articles").fetchone()
    connection.execute("DELETE FROM fact_extractions WHERE article_id = ?", [old])
    store_articles(connection, nights[1], [])
    assert extract_facts(connection) == PER_NIGHT
    # mark_facts_stale clears the watermark: the old article is found again.
    mark_facts_stale(connection, [old])
    assert extract_facts(connection) == 1
    assert connection.execute("SELECT count(*) FROM fact_extractions").fetchone()[0] == 2 * PER_NIGHT


def test_facts_watermark_stays_at_an_article_the_caller_skipped(
    tmp_path: Path, nights: list[list[ParsedArticle]]
) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    store_articles(connection, nights[0], [])
    skipped = None
    for batch in articles_needing_facts(connection, batch_size=50):
        skipped = skipped or batch[0].article_id
        store_facts(connection, facts_for_batch(batch[1:]), EXTRACTOR_VERSION)
    store_articles(connection, nights[1], [])
    assert extract_facts(connection) == PER_NIGHT + 2  # the two skipped, one a batch, and the new night


def test_night_checks_see_the_night_and_full_checks_see_everything(tmp_path: Path, nights: list[list[ParsedArticle]]) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    store_articles(connection, nights[0], [])
    extract_facts(connection)
    assert run_checks(connection).passed
    advance_watermark(connection, "check")
    since = watermark(connection, "check")
    # A bad row among the checked ones is not read again by the next night's checks.
    connection.execute("UPDATE articles SET body = '' WHERE article_id = (SELECT min(article_id) FROM articles)")
    store_articles(connection, nights[1], [])
    extract_facts(connection)
    assert run_checks(connection, since).passed
    assert [result.name for result in run_checks(connection).failures] == ["article_without_body"]
    # A bad row of the night is, with the same rows as a full pass finds among the night's.
    bad = nights[1][0].article.url
    connection.execute("UPDATE articles SET body = ' ' WHERE url = ?", [bad])
    night_report = run_checks(connection, since)
    full_report = run_checks(connection)
    [night_failure] = night_report.failures
    [full_failure] = full_report.failures
    assert night_failure.name == full_failure.name == "article_without_body"
    assert night_failure.offending_rows == 1 and full_failure.offending_rows == 2
    assert [row["url"] for row in night_failure.examples] == [bad]


def test_a_row_held_back_stays_held_through_night_checks_until_it_is_fixed(
    tmp_path: Path, nights: list[list[ParsedArticle]]
) -> None:
    from warehouse.checks_holding import hold_back_rows

    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    store_articles(connection, nights[0], [])
    [held] = connection.execute("SELECT min(article_id) FROM articles").fetchone()
    connection.execute("UPDATE articles SET published_at = now() + INTERVAL 3 DAY WHERE article_id = ?", [held])

    def night(since: datetime | None) -> list[str]:
        hold_back_rows(connection, run_checks(connection, since), since)
        return [row_id for (row_id,) in connection.execute("SELECT row_id FROM held_back").fetchall()]

    assert night(None) == [held]
    advance_watermark(connection, "check")
    since = watermark(connection, "check")
    store_articles(connection, nights[1], [])
    # Older than the watermark, but read again because it is held back.
    assert night(since) == [held]
    connection.execute("UPDATE articles SET published_at = now() - INTERVAL 3 DAY WHERE article_id = ?", [held])
    assert night(since) == []
