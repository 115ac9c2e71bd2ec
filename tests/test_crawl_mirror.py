"""Real crawls of the offline mirror over loopback: coverage, traps, conditional GET, faults."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mirror.server import DISALLOWED, MirrorServer
from scrapers.crawl import CrawlOutcome, KnownPage, write_known_pages
from scrapers.landing import RunManifest
from scrapers.site import Site, load_sites
from scrapers.urls import canonical_url
from tests.crawl_samples import crawl, mirror, rows, sites  # noqa: F401 (mirror, sites: fixtures)

CONTENT_SITES = ("mirror-baoquangninh", "mirror-quangninh-gov", "mirror-tuoitrethudo", "mirror-faulty")


@pytest.fixture(scope="module")
def mirror_crawls(
    mirror: MirrorServer, sites: dict[str, Site], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, CrawlOutcome]:
    tmp = tmp_path_factory.mktemp("mirror")
    # Two at a time: each crawl is a separate process, mostly waiting on its own start-up.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(crawl, sites[name], tmp, f"{name}-first") for name in CONTENT_SITES}
        return {name: future.result() for name, future in futures.items()}


def served_articles(mirror: MirrorServer, site: Site) -> set[str]:
    return {
        canonical_url(mirror.base_url + key)
        for key in mirror.pages
        if key.startswith(f"/{site.name}/")
        and site.is_article(mirror.base_url + key)
        and not key.startswith(DISALLOWED)
    }


@pytest.mark.parametrize("name", CONTENT_SITES)
def test_crawl_lands_every_article_the_mirror_serves(
    mirror: MirrorServer, sites: dict[str, Site], mirror_crawls: dict[str, CrawlOutcome], name: str
) -> None:
    outcome = mirror_crawls[name]
    landed = {
        canonical_url(row["url"])
        for row in rows(outcome)
        if row["page_kind"] == "article" and row["http_status"] == 200
    }
    assert outcome.status == "success"
    assert landed == served_articles(mirror, sites[name])


def test_tracking_parameter_variant_is_fetched_once(
    mirror: MirrorServer, mirror_crawls: dict[str, CrawlOutcome]
) -> None:
    urls = [row["url"] for row in rows(mirror_crawls["mirror-baoquangninh"])]
    assert urls.count(mirror.planted["tracking_clean"]) == 1
    assert mirror.planted["tracking"] not in urls


def test_print_variant_is_not_fetched_beside_its_article(
    mirror: MirrorServer, mirror_crawls: dict[str, CrawlOutcome]
) -> None:
    urls = [row["url"] for row in rows(mirror_crawls["mirror-baoquangninh"])]
    assert mirror.planted["print"] not in urls


def test_robots_disallowed_page_is_not_fetched(mirror: MirrorServer, mirror_crawls: dict[str, CrawlOutcome]) -> None:
    outcome = mirror_crawls["mirror-tuoitrethudo"]
    assert mirror.planted["private"] not in [row["url"] for row in rows(outcome)]
    manifest = RunManifest.from_json(outcome.manifest_file.read_text(encoding="utf-8"))
    assert manifest.stats["provnews/robots_forbidden"] >= 1


def test_second_crawl_revalidates_landed_articles_with_304(
    sites: dict[str, Site], mirror_crawls: dict[str, CrawlOutcome], tmp_path: Path
) -> None:
    first = rows(mirror_crawls["mirror-quangninh-gov"])
    articles = [row for row in first if row["page_kind"] == "article"]
    known = tmp_path / "known.parquet"
    write_known_pages(
        (KnownPage(row["url"], row["etag"], row["last_modified"], row["content_sha256"]) for row in articles), known
    )
    second = crawl(sites["mirror-quangninh-gov"], tmp_path, "mirror-quangninh-gov-second", known_pages=known)
    statuses = {row["url"]: row["http_status"] for row in rows(second) if row["page_kind"] == "article"}
    assert statuses == {row["url"]: 304 for row in articles}
    assert second.pages_not_modified == len(articles)


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawlOutcome]:
    tmp = tmp_path_factory.mktemp("faulty")
    with MirrorServer(faults=True, slow_seconds=3, huge_bytes=12_000_000, bomb_bytes=64_000_000) as server:
        site = load_sites(mirror_port=server.port)["mirror-faulty"]
        yield crawl(site, tmp, "mirror-faulty-faults", download_timeout_seconds=1, retry_after_max_seconds=0.2)


def fault_row(outcome: CrawlOutcome, path: str) -> dict:
    return next(row for row in rows(outcome) if row["url"].endswith(f"/mirror-faulty{path}"))


def test_fault_site_run_is_partial_and_its_good_articles_land(fault_crawl: CrawlOutcome) -> None:
    good = [row for row in rows(fault_crawl) if row["page_kind"] == "article" and row["http_status"] == 200]
    assert fault_crawl.status == "partial"
    # Fault pages are numbered 9000001 on; the hostile ones among them answer 200 too.
    assert len([row for row in good if "-90000" not in row["url"]]) == 3


@pytest.mark.parametrize(("path", "status"), [("/loi-may-chu-9000002.html", 500), ("/qua-tai-9000003.html", 503)])
def test_server_errors_land_as_status_rows_after_retries(fault_crawl: CrawlOutcome, path: str, status: int) -> None:
    assert fault_row(fault_crawl, path)["http_status"] == status


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/cham-phan-hoi-9000001.html", "timeout"),
        ("/ngat-ket-noi-9000004.html", "connection reset"),
        ("/cat-cut-9000005.html", "response truncated"),
        ("/trang-khong-lo-9000008.html", "too large"),
        ("/vong-lap-9000009.html", "too many redirects"),
        ("/chuyen-ngoai-9000011.html", "refused: example.invalid"),
        ("/chuyen-noi-bo-9000012.html", "refused: 10.0.0.1"),
        ("/sitemap.xml.gz", "sitemap refused: over"),
        ("/sitemap-news.xml", "too large once decompressed"),
    ],
)
def test_faults_land_as_error_rows(fault_crawl: CrawlOutcome, path: str, error: str) -> None:
    assert fault_row(fault_crawl, path)["error"].startswith(error)
