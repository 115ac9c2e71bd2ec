"""One bad page never stops a night: hostile pages become articles or recorded failures, never a stopped stage."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from mirror import hostile
from mirror.server import MirrorServer
from provnews import parsing
from provnews.parsing import parse_batch
from scrapers.site import load_sites
from tests.support import free_port, provnews_environment, run_provnews
from transforms.page_cost import MAX_NESTING, PageTooDeep, check_nesting, nesting_depth
from transforms.parse import parse_page
from warehouse.articles import PageToParse

FETCHED_AT = datetime(2026, 1, 15, 1, 0, tzinfo=timezone.utc)
URL = "https://baoquangninh.vn/tin-tuc/duong-ven-bien-3300001.html"


def parse(page: str):
    selectors = load_sites()["mirror-faulty"].selectors_for(FETCHED_AT)
    return parse_page(page.encode("utf-8"), URL, selectors, fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    "page",
    [
        hostile.type_is_an_object,
        hostile.linked_data_nested_deep,
        hostile.image_with_broken_address,
        hostile.canonical_with_broken_address,
    ],
)
def test_broken_metadata_and_addresses_are_ignored_and_the_article_kept(page) -> None:
    article = parse(page())
    assert article.title == hostile.HEADLINE
    assert article.body == hostile.PARAGRAPHS


def test_a_broken_image_address_keeps_its_caption_without_an_address() -> None:
    (caption,) = parse(hostile.image_with_broken_address()).captions
    assert caption.image_url is None and "Lễ khởi công" in caption.text


@pytest.mark.parametrize(
    ("page", "why"),
    [
        (hostile.offset_of_99_hours, "impossible UTC offset"),
        (hostile.date_in_year_one, "before 1990"),
        (hostile.date_in_year_9999, "more than a day after the page was fetched"),
    ],
)
def test_dates_that_cannot_be_true_are_dropped_with_a_note(page, why: str) -> None:
    article = parse(page())
    assert article.published_at is None
    assert len(article.notes) == 1 and article.notes[0].endswith(why)
    assert article.body == hostile.PARAGRAPHS


def test_a_date_within_a_day_of_the_fetch_is_kept() -> None:
    page = hostile.hostile_page('<meta property="article:published_time" content="2026-01-16T07:30:00+07:00">')
    assert parse(page).published_at == datetime(2026, 1, 16, 0, 30, tzinfo=timezone.utc)


def test_a_page_nested_100000_deep_is_refused_before_any_parser_sees_it() -> None:
    with pytest.raises(PageTooDeep, match="nested 10000[0-9] deep"):
        parse(hostile.elements_nested_deep())


def test_stray_end_tags_do_not_hide_deep_nesting() -> None:
    page = "</div>" * 20_000 + "<div>" * 20_000 + "x"
    assert nesting_depth(page) == 20_000
    with pytest.raises(PageTooDeep):
        check_nesting(page)


def test_unclosed_paragraphs_and_formatting_do_not_count_as_nesting() -> None:
    page = "<div>" + "<p><font><b>đoạn văn" * 10_000 + "</div>"
    assert nesting_depth(page) < 10


def test_text_deeper_than_lxml_follows_is_kept_by_the_generic_extractor() -> None:
    deep = "<div>" * 400 + f"<p>{hostile.PARAGRAPHS[0]}</p>" + "</div>" * 400
    page = (
        f"<html><head><title>{hostile.HEADLINE}</title></head><body><h1>{hostile.HEADLINE}</h1>"
        f"{deep}<p>{hostile.PARAGRAPHS[1]}</p></body></html>"
    )
    article = parse_page(page, URL, fetched_at=FETCHED_AT)
    assert article.body == hostile.PARAGRAPHS
    assert MAX_NESTING > 400


def test_article_text_is_cut_at_the_limit_with_a_flag() -> None:
    paragraph = "Tỉnh Quảng Ninh đầu tư 1.500 tỷ đồng cho tuyến đường ven biển nối các thành phố. " * 10
    page = hostile.hostile_page(before_text="".join(f"<p>{paragraph}</p>" for _ in range(1000)))
    article = parse(page)
    assert article.text_truncated
    assert len(article.lead) + sum(map(len, article.body)) == 300_000
    assert article.notes == ("text cut at 300,000 characters",)


def landed(page_id: str, body: bytes) -> PageToParse:
    return PageToParse(
        page_id=page_id, run_id="run-1", site="mirror-faulty", url=f"{URL}?{page_id}", final_url=None,
        fetched_at=FETCHED_AT, content_type="text/html; charset=utf-8", body=body, landing_file="run-1.parquet",
    )


@pytest.mark.parametrize("error", [TypeError("unhashable type: 'dict'"), RecursionError("too deep"),
                                   ValueError("Invalid IPv6 URL"), MemoryError(), KeyError("x")])
def test_whatever_one_page_raises_becomes_its_failure_row(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    parse_article = parsing.parse_article

    def fails_on_the_second(page: PageToParse, site):
        if page.page_id == "2":
            raise error
        return parse_article(page, site)

    monkeypatch.setattr(parsing, "parse_article", fails_on_the_second)
    good = hostile.hostile_page().encode("utf-8")
    parsed, failures = parse_batch([landed("1", good), landed("2", good), landed("3", good)], load_sites())
    assert [article.page_id for article in parsed] == ["1", "3"]
    (failure,) = failures
    assert (failure.page_id, failure.error_class) == ("2", type(error).__name__)
    assert "\n" not in failure.reason and 0 < len(failure.reason) <= 200


def test_a_deep_page_is_a_failure_row_with_its_class() -> None:
    parsed, failures = parse_batch([landed("1", hostile.elements_nested_deep().encode())], load_sites())
    assert parsed == [] and failures[0].error_class == "PageTooDeep"


# --- The acceptance: the hostile pages beside the mirror's sites, through `provnews run`. ----------

SITES = "mirror-baoquangninh,mirror-quangninh-gov,mirror-tuoitrethudo,mirror-faulty"


@pytest.fixture(scope="module")
def hostile_night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    data = tmp_path_factory.mktemp("hostile")
    # The fault site's other faults, shrunk to fit a test.
    with MirrorServer(faults=True, slow_seconds=0.5, huge_bytes=11_000_000, bomb_bytes=32_000_000) as mirror:
        result = run_provnews(["run", "--sites", SITES], provnews_environment(data, mirror.port))
    return data, result


@pytest.mark.slow
def test_a_night_with_hostile_pages_publishes(hostile_night) -> None:
    data, result = hostile_night
    assert result.returncode == 0, result.stderr[-3000:]
    assert "publish" in result.stderr and (data / "published" / "warehouse.duckdb").exists()


@pytest.mark.slow
def test_every_other_page_of_every_site_is_published(hostile_night) -> None:
    data, _ = hostile_night
    with duckdb.connect(str(data / "published" / "warehouse.duckdb"), read_only=True) as connection:
        answered, published = connection.execute(
            """
            SELECT count(DISTINCT pages.url), count(DISTINCT articles.url)
            FROM pages LEFT JOIN articles ON articles.page_id = pages.page_id
            WHERE pages.page_kind = 'article' AND pages.http_status = 200
              AND pages.url NOT LIKE '%-90000__.html'
            """
        ).fetchone()
        sites = connection.execute("SELECT count(DISTINCT site) FROM articles").fetchone()[0]
    assert published == answered > 40
    assert sites == 4


@pytest.mark.slow
def test_hostile_pages_are_articles_with_notes_or_failures_with_their_class(hostile_night) -> None:
    data, _ = hostile_night
    with duckdb.connect(str(data / "published" / "warehouse.duckdb"), read_only=True) as connection:
        articles = dict(
            connection.execute(
                "SELECT regexp_extract(url, '[^/]+$'), parse_notes FROM articles WHERE url LIKE '%-90000__.html'"
            ).fetchall()
        )
        failures = dict(
            connection.execute(
                "SELECT regexp_extract(url, '[^/]+$'), error_class FROM parse_failures WHERE url LIKE '%-90000__.html'"
            ).fetchall()
        )
        future = connection.execute("SELECT count(*) FROM articles WHERE year(published_at) < 1990 "
                                    "OR published_at > now() + INTERVAL 1 DAY").fetchone()[0]
    names = {path.lstrip("/") for path in hostile.HOSTILE_PAGES}
    assert set(articles) | set(failures) >= names
    assert failures["long-sau-100000-tang-9000020.html"] == "PageTooDeep"
    assert articles["ngay-nam-mot-9000018.html"] == ["published date '0001-01-01T00:00:00+14:00' dropped: before 1990"]
    assert future == 0


@pytest.mark.slow
def test_the_next_night_crawls_again(hostile_night) -> None:
    data, _ = hostile_night
    with MirrorServer(faults=True, slow_seconds=0.5, huge_bytes=11_000_000, bomb_bytes=32_000_000) as mirror:
        result = run_provnews(["run", "--sites", SITES], provnews_environment(data, mirror.port))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_pages_in_utf16_or_utf32_with_a_byte_order_mark_are_decoded(encoding: str) -> None:
    # Python writes the mark itself for utf-16 and utf-32, not for their -be forms.
    mark = "\ufeff" if encoding.endswith("-be") else ""
    raw = (mark + hostile.hostile_page()).encode(encoding)
    article = parse_page(raw, URL, load_sites()["mirror-faulty"].selectors_for(FETCHED_AT),
                         content_type="text/html; charset=utf-8", fetched_at=FETCHED_AT)
    assert (article.title, article.body) == (hostile.HEADLINE, hostile.PARAGRAPHS)


def test_an_article_whose_facts_fail_is_recorded_and_the_others_get_theirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_warehouse_checks import plant_article
    from tests.warehouse_samples import open_warehouse
    from transforms.facts import EXTRACTOR_VERSION
    from warehouse.facts import articles_needing_facts, store_facts
    from warehouse.failures import record_article_failures

    extract_facts = parsing.extract_facts

    def fails_on_the_second(article, *province_code):
        if "thứ hai" in article.title:
            raise TypeError("unhashable type: 'dict'")
        return extract_facts(article, *province_code)

    monkeypatch.setattr(parsing, "extract_facts", fails_on_the_second)
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    plant_article(connection, "a1", body="Huyện Ba Chẽ còn 120 hộ nghèo, giảm 2,5% so với năm 2024.")
    plant_article(connection, "a2", "https://baoquangninh.vn/b-3254002.html", body="Có 300 hộ nghèo.")
    connection.execute("UPDATE articles SET title = 'Bài thứ hai' WHERE article_id = 'a2'")
    for batch in articles_needing_facts(connection):
        failures: list = []
        store_facts(connection, parsing.facts_for_batch(batch, failures), EXTRACTOR_VERSION)
        record_article_failures(connection, "facts", [text.article_id for text in batch], failures)
    facts = dict(connection.execute("SELECT article_id, facts FROM fact_extractions").fetchall())
    failed = connection.execute("SELECT article_id, error_class, message FROM article_failures").fetchall()
    assert facts["a1"] > 0 and facts["a2"] == 0
    assert failed == [("a2", "TypeError", "unhashable type: 'dict'")]


def test_an_unreadable_canonical_address_is_noted() -> None:
    article = parse(hostile.canonical_with_broken_address())
    assert article.canonical_url is None
    assert article.notes == ("canonical address 'http://[2001:db8::1/tin-tuc/duong-ven-bien.html' unreadable, ignored",)
