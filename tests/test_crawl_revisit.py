"""The revisit policy: a second night does not re-request what cannot have changed, and never misses what did."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mirror.content import MirrorArticle, load_articles
from mirror.server import MirrorServer
from scrapers.crawl import CrawlOutcome, KnownPage, write_known_pages
from scrapers.landing import RunManifest
from scrapers.revisit import RevisitDecision, decide, sitemap_lastmod
from scrapers.site import Site, load_sites
from scrapers.urls import canonical_url
from tests.crawl_samples import crawl, mirror, rows, sites  # noqa: F401 (mirror, sites: fixtures)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
LANDED = KnownPage("https://a.vn/x-1.html", None, "Mon, 16 Nov 2026 03:00:00 GMT", None, NOW - timedelta(days=1), NOW - timedelta(days=7))
SITEMAP_SITE = "mirror-tuoitrethudo"  # sitemaps with <lastmod>, and listings
LISTING_SITE = "mirror-quangninh-gov"  # listings only: no word from the site on what changed
CHANGED_ARTICLE = "mirror-tuoitrethudo--276410"


def test_a_lastmod_no_newer_than_the_landed_copy_means_unchanged() -> None:
    assert decide(LANDED, datetime(2026, 11, 16, 3, 0, tzinfo=timezone.utc), NOW, 30) is RevisitDecision.UNCHANGED


def test_a_newer_lastmod_is_requested_whatever_the_age() -> None:
    assert decide(LANDED, datetime(2026, 11, 16, 3, 1, tzinfo=timezone.utc), NOW, 0) is RevisitDecision.REQUEST


def test_without_a_lastmod_the_age_decides() -> None:
    assert decide(LANDED, None, NOW, 6) is RevisitDecision.TOO_OLD
    assert decide(LANDED, None, NOW, 8) is RevisitDecision.REQUEST
    assert decide(dataclasses.replace(LANDED, published_at=None), None, NOW, 0) is RevisitDecision.REQUEST


def test_the_copy_is_dated_by_its_fetch_when_the_site_sent_no_last_modified() -> None:
    fetched_only = dataclasses.replace(LANDED, last_modified=None)
    assert decide(fetched_only, NOW - timedelta(days=2), NOW, 30) is RevisitDecision.UNCHANGED
    assert decide(fetched_only, NOW - timedelta(hours=1), NOW, 30) is RevisitDecision.REQUEST


def test_a_lastmod_day_stands_for_the_end_of_that_day() -> None:
    # Changed at 15:00 on a day we fetched at 10:00: the date alone must still say "changed".
    assert sitemap_lastmod("2026-11-20", "Asia/Ho_Chi_Minh") == datetime(2026, 11, 20, 17, 0, tzinfo=timezone.utc)
    assert sitemap_lastmod("2026-11-20T10:00:00", "Asia/Ho_Chi_Minh") == datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)
    assert sitemap_lastmod("2026-11-20T10:00:00Z", "Asia/Ho_Chi_Minh") == datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
    assert sitemap_lastmod("last tuesday", "Asia/Ho_Chi_Minh") is None


@pytest.fixture(scope="module")
def first_nights(sites: dict[str, Site], tmp_path_factory: pytest.TempPathFactory) -> dict[str, CrawlOutcome]:
    tmp = tmp_path_factory.mktemp("first")
    return {name: crawl(sites[name], tmp, f"{name}-first") for name in (SITEMAP_SITE, LISTING_SITE)}


def published_at_by_url(mirror: MirrorServer) -> dict[str, datetime]:
    return {canonical_url(mirror.article_url(article)): article.published_at for article in load_articles()}


def known_pages(mirror: MirrorServer, outcome: CrawlOutcome, path: Path) -> dict[str, KnownPage]:
    """What the warehouse would hand the next crawl: each landed article with its dates."""
    published = published_at_by_url(mirror)
    known = {
        canonical_url(row["url"]): KnownPage(
            row["url"],
            row["etag"],
            row["last_modified"],
            row["content_sha256"],
            row["fetched_at"],
            published.get(canonical_url(row["url"])),
        )
        for row in rows(outcome)
        if row["page_kind"] == "article" and row["http_status"] == 200
    }
    write_known_pages(known.values(), path)
    return known


def stats(outcome: CrawlOutcome) -> dict:
    return RunManifest.from_json(outcome.manifest_file.read_text(encoding="utf-8")).stats


def article_rows(outcome: CrawlOutcome) -> list[dict]:
    return [row for row in rows(outcome) if row["page_kind"] == "article"]


@pytest.mark.parametrize("name", [SITEMAP_SITE, LISTING_SITE])
def test_second_night_requests_no_unchanged_article_and_lands_nothing_new(
    mirror: MirrorServer, sites: dict[str, Site], first_nights: dict[str, CrawlOutcome], tmp_path: Path, name: str
) -> None:
    known = known_pages(mirror, first_nights[name], tmp_path / "known.parquet")
    second = crawl(sites[name], tmp_path, f"{name}-second", known_pages=tmp_path / "known.parquet")
    requested = article_rows(second)
    published = published_at_by_url(mirror)
    young = {url for url in known if published[url] > datetime.now(timezone.utc) - timedelta(days=sites[name].revisit.max_age_days)}
    assert second.status == "success"
    # Only young articles with no word from a sitemap are asked again, conditionally: all 304.
    assert [row["http_status"] for row in requested] == [304] * len(requested)
    assert {canonical_url(row["url"]) for row in requested} <= young
    assert stats(second)["provnews/articles_not_revisited"] + len(requested) == len(known)
    # Discovery is still fetched in full every night.
    assert {row["page_kind"] for row in rows(second)} >= {"robots", "listing"}


def test_sitemap_site_requests_no_known_article_at_all(
    mirror: MirrorServer, sites: dict[str, Site], first_nights: dict[str, CrawlOutcome], tmp_path: Path
) -> None:
    known = known_pages(mirror, first_nights[SITEMAP_SITE], tmp_path / "known.parquet")
    second = crawl(sites[SITEMAP_SITE], tmp_path, "sitemap-second", known_pages=tmp_path / "known.parquet")
    assert article_rows(second) == []
    assert stats(second)["provnews/articles_not_revisited"] == len(known)


def test_listing_pagination_stops_at_a_page_of_known_articles(
    mirror: MirrorServer, sites: dict[str, Site], first_nights: dict[str, CrawlOutcome], tmp_path: Path
) -> None:
    known_pages(mirror, first_nights[LISTING_SITE], tmp_path / "known.parquet")
    second = crawl(sites[LISTING_SITE], tmp_path, "listing-second", known_pages=tmp_path / "known.parquet")
    listings = lambda outcome: sum(row["page_kind"] == "listing" for row in rows(outcome))  # noqa: E731
    assert stats(second)["provnews/pagination_stopped_at_known"] >= 1
    assert listings(second) < listings(first_nights[LISTING_SITE])


def changed(article: MirrorArticle) -> MirrorArticle:
    return dataclasses.replace(
        article,
        lead=article.lead + " (Cập nhật: bổ sung số liệu mới.)",
        published_at=datetime.now(timezone.utc).replace(microsecond=0),
    )


def test_an_article_whose_lastmod_is_newer_is_fetched_again(
    mirror: MirrorServer, sites: dict[str, Site], first_nights: dict[str, CrawlOutcome], tmp_path: Path
) -> None:
    known = known_pages(mirror, first_nights[SITEMAP_SITE], tmp_path / "known.parquet")
    # The same site, one article edited since the first crawl; the known pages follow it to its new port.
    articles = [changed(article) if article.key == CHANGED_ARTICLE else article for article in load_articles()]
    edited = next(article for article in articles if article.key == CHANGED_ARTICLE)
    with MirrorServer(articles=articles) as edited_mirror:
        edited_sites = load_sites(mirror_port=edited_mirror.port)
        known_on_port = tmp_path / "known-edited.parquet"
        write_known_pages(
            (
                dataclasses.replace(page, url=page.url.replace(mirror.base_url, edited_mirror.base_url))
                for page in known.values()
            ),
            known_on_port,
        )
        second = crawl(edited_sites[SITEMAP_SITE], tmp_path, "edited-second", known_pages=known_on_port)
        url = canonical_url(edited_mirror.article_url(edited))
    requested = {canonical_url(row["url"]): row for row in article_rows(second)}
    assert list(requested) == [url]
    assert requested[url]["http_status"] == 200
    assert "Cập nhật: bổ sung số liệu mới." in requested[url]["body"].decode("utf-8")
    assert stats(second)["provnews/articles_not_revisited"] == len(known) - 1
