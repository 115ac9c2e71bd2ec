"""Parse stage, warehouse side: pending pages, their bodies, and storing articles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_samples import (
    START,
    article_id,
    landing_run,
    open_warehouse,
    page,
    page_id,
    parsed_article,
)
from transforms.records import Caption
from warehouse.articles import (
    PageScope,
    ParseFailure,
    dequeue_pages,
    pages_to_parse,
    queue_pending_pages,
    store_articles,
)
from warehouse.load import load_runs

URL = "https://baoquangninh.vn/giam-ngheo-3254001.html"
LATER = START + timedelta(days=1)


def pending_page_ids(connection: duckdb.DuckDBPyConnection, scope: PageScope = PageScope()) -> list[str]:
    queue_pending_pages(connection, scope)
    return [page.page_id for batch in pages_to_parse(connection) for page in batch]


def warehouse_with_two_runs(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(
        connection,
        [
            landing_run(tmp_path / "landing", "run-1", [page(URL, body="<p>cũ</p>")]),
            landing_run(
                tmp_path / "landing", "run-2", [page(URL, body="<p>mới</p>", fetched_at=LATER)], started_at=LATER
            ),
        ],
    )
    return connection


def test_pending_page_carries_its_raw_body_from_landing(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(URL, body="<p>Hộ nghèo</p>")])])
    queue_pending_pages(connection)
    [[pending]] = list(pages_to_parse(connection))
    assert (pending.url, pending.body) == (URL, "<p>Hộ nghèo</p>".encode())


def test_a_removed_landing_file_gives_pages_without_body(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    manifest = landing_run(tmp_path / "landing", "run-1", [page(URL)])
    load_runs(connection, [manifest])
    manifest.with_suffix(".parquet").unlink()
    queue_pending_pages(connection)
    [[pending]] = list(pages_to_parse(connection))
    assert pending.body is None


def test_only_the_latest_page_of_a_url_is_pending(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    assert pending_page_ids(connection) == [page_id("run-2", URL)]


def test_listing_and_failed_pages_are_not_pending(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    pages = [
        page("https://baoquangninh.vn/xa-hoi", kind="listing"),
        page("https://baoquangninh.vn/loi-3254002.html", status=500),
        page("https://baoquangninh.vn/cu-3254003.html", body=None, status=304),
    ]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", pages)])
    assert pending_page_ids(connection) == []


def test_parsed_page_is_no_longer_pending(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    store_articles(connection, [parsed_article(page_id("run-2", URL), URL, fetched_at=LATER)], [])
    assert pending_page_ids(connection) == []


def test_reparse_returns_parsed_pages_of_the_scope(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    store_articles(connection, [parsed_article(page_id("run-2", URL), URL, fetched_at=LATER)], [])
    assert pending_page_ids(connection, PageScope(run_ids=("run-1",), reparse=True)) == [page_id("run-2", URL)]


def test_scope_by_site_leaves_other_sites_out(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    assert pending_page_ids(connection, PageScope(sites=("tuoitrethudo",))) == []


def test_scope_by_fetch_day_in_vietnam(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    # 17:30 UTC is already the next day in Vietnam (UTC+7).
    evening = START.replace(hour=17, minute=30)
    other = "https://baoquangninh.vn/toi-3254005.html"
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(URL), page(other, fetched_at=evening)])])
    next_day = (START + timedelta(days=1)).date()
    assert pending_page_ids(connection, PageScope(from_date=next_day, to_date=next_day)) == [page_id("run-1", other)]


def test_batches_hold_at_most_batch_size_pages(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    pages = [page(f"https://baoquangninh.vn/bai-{number}.html") for number in range(5)]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", pages)])
    queue_pending_pages(connection)
    assert [len(batch) for batch in pages_to_parse(connection, batch_size=2)] == [2, 2, 1]


def test_chunks_cut_the_queued_pages_in_order_and_hold_while_they_are_parsed(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    urls = [f"https://baoquangninh.vn/bai-{number}.html" for number in range(5)]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(url) for url in urls])])
    ends = queue_pending_pages(connection, PageScope(), chunk_pages=2)
    assert [url for _, url in ends] == [urls[1], urls[3], urls[4]]
    chunks = []
    after = None
    for through in ends:
        chunk = [page for batch in pages_to_parse(connection, after=after, through=through) for page in batch]
        store_articles(connection, [parsed_article(pending.page_id, pending.url) for pending in chunk], [])
        # Dequeuing a chunk leaves the bounds of the next one where they were.
        dequeue_pages(connection, after, through)
        chunks.append([pending.url for pending in chunk])
        after = through
    assert chunks == [urls[0:2], urls[2:4], urls[4:5]]
    assert connection.execute("SELECT count(*) FROM parse_queue").fetchone()[0] == 0
    assert queue_pending_pages(connection, PageScope(), chunk_pages=2) == []


def test_queueing_replaces_what_an_interrupted_stage_left_in_the_queue(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    urls = [f"https://baoquangninh.vn/bai-{number}.html" for number in range(3)]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(url) for url in urls])])
    queue_pending_pages(connection)
    first = next(pages_to_parse(connection, batch_size=1))[0]
    store_articles(connection, [parsed_article(first.page_id, first.url)], [])
    # The stage died before dequeuing: the next one lists what is pending now, once.
    queue_pending_pages(connection)
    assert [page.url for batch in pages_to_parse(connection) for page in batch] == urls[1:]


def test_same_bytes_fetched_again_are_not_parsed_again(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(URL)])])
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL)], [])
    load_runs(
        connection,
        [landing_run(tmp_path / "landing", "run-2", [page(URL, fetched_at=LATER)], started_at=LATER)],
    )
    assert pending_page_ids(connection) == []


def test_not_modified_answer_bumps_last_seen_at(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(URL)])])
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL)], [])
    not_modified = page(URL, body=None, status=304, fetched_at=LATER)
    load_runs(connection, [landing_run(tmp_path / "landing", "run-2", [not_modified], started_at=LATER)])
    assert connection.execute("SELECT last_seen_at FROM articles").fetchone()[0] == LATER


def test_storing_again_keeps_first_seen_at_and_moves_last_seen_at(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL)], [])
    store_articles(
        connection, [parsed_article(page_id("run-2", URL), URL, fetched_at=LATER, title="Tin mới")], []
    )
    row = connection.execute("SELECT title, first_seen_at, last_seen_at, count(*) OVER () FROM articles").fetchone()
    assert row == ("Tin mới", START, LATER, 1)


def test_older_page_never_replaces_a_newer_article(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    store_articles(
        connection, [parsed_article(page_id("run-2", URL), URL, fetched_at=LATER, title="Tin mới")], []
    )
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL, title="Tin cũ")], [])
    assert connection.execute("SELECT title FROM articles").fetchone()[0] == "Tin mới"


def test_article_row_keys_and_body_layout(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL, body=("Một.", "Hai."))], [])
    row = connection.execute("SELECT article_id, body, authors FROM articles").fetchone()
    assert row == (article_id(URL), "Một.\n\nHai.", ["Minh Hà"])


def test_captions_of_an_article_are_replaced_not_added(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    photo = Caption(text="Người dân nộp hồ sơ.", image_url="/a.jpg", occurrences=3, position=0)
    other = Caption(text="Lãnh đạo tỉnh thăm hỏi.", image_url="/b.jpg", occurrences=2, position=0)
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL, captions=(photo,))], [])
    store_articles(connection, [parsed_article(page_id("run-2", URL), URL, fetched_at=LATER, captions=(other,))], [])
    assert connection.execute("SELECT text, occurrences FROM captions").fetchall() == [("Lãnh đạo tỉnh thăm hỏi.", 2)]


def test_failure_is_recorded_and_the_page_is_not_pending_again(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(URL)])])
    store_articles(connection, [], [ParseFailure(page_id("run-1", URL), "no title")])
    assert connection.execute("SELECT run_id, url, reason FROM parse_failures").fetchall() == [
        ("run-1", URL, "no title")
    ]
    assert pending_page_ids(connection) == []


def test_failure_is_cleared_when_a_later_page_parses(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    store_articles(connection, [], [ParseFailure(page_id("run-1", URL), "no title")])
    store_articles(connection, [parsed_article(page_id("run-2", URL), URL, fetched_at=LATER)], [])
    assert connection.execute("SELECT count(*) FROM parse_failures").fetchone()[0] == 0


def test_failed_store_leaves_the_warehouse_unchanged(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    good = parsed_article(page_id("run-1", URL), URL, captions=(Caption("Ảnh.", None, 1, 0),))
    # A failure without a reason breaks a NOT NULL constraint after the article and captions are written.
    with pytest.raises(duckdb.ConstraintException):
        store_articles(connection, [good], [ParseFailure(page_id("run-2", URL), None)])
    counts = connection.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM captions), (SELECT count(*) FROM parse_failures)"
    ).fetchone()
    assert counts == (0, 0, 0)


def test_first_seen_at_is_the_first_fetch_of_the_page_address(tmp_path: Path) -> None:
    connection = warehouse_with_two_runs(tmp_path)
    # The article's address is where the page redirected to, not the address requested.
    store_articles(connection, [parsed_article(page_id("run-2", URL), URL + "?redirected", fetched_at=LATER)], [])
    assert connection.execute("SELECT first_seen_at FROM articles").fetchone()[0] == START


def test_bylines_page_type_precision_and_syndication_are_stored(tmp_path: Path) -> None:
    from dataclasses import replace

    from transforms.records import Byline

    connection = warehouse_with_two_runs(tmp_path)
    parsed = parsed_article(page_id("run-1", URL), URL)
    article = replace(
        parsed.article,
        bylines=(Byline("Minh Hà", "text"), Byline("TTXVN", None, "TTXVN"), Byline("Đỗ Hiền", "photo")),
        syndicated_from="Vietnamnet",
        page_type="video",
        published_precision="day",
    )
    store_articles(connection, [replace(parsed, article=article)], [])
    row = connection.execute("SELECT bylines, syndicated_from, page_type, published_precision FROM articles").fetchone()
    assert row == (
        [
            {"name": "Minh Hà", "role": "text", "outlet": None},
            {"name": "TTXVN", "role": None, "outlet": "TTXVN"},
            {"name": "Đỗ Hiền", "role": "photo", "outlet": None},
        ],
        "Vietnamnet",
        "video",
        "day",
    )


def test_articles_stored_before_bylines_existed_get_their_authors_as_bylines(tmp_path: Path) -> None:
    from warehouse.schema import migrate, migrations

    bylines_migration = next(item for item in migrations() if item.name.endswith("_article_bylines_dates_page_types"))
    connection = warehouse_with_two_runs(tmp_path)
    store_articles(connection, [parsed_article(page_id("run-1", URL), URL)], [])
    for column in ("page_type", "published_precision", "bylines", "syndicated_from"):
        connection.execute(f"ALTER TABLE articles DROP COLUMN {column}")
    connection.execute("DELETE FROM schema_migrations WHERE version = ?", [bylines_migration.version])
    assert migrate(connection) == [bylines_migration.name]
    row = connection.execute("SELECT bylines, page_type, published_precision, syndicated_from FROM articles").fetchone()
    assert row == ([{"name": "Minh Hà", "role": None, "outlet": None}], "article", None, None)
