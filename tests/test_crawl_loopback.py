"""The crawl end to end over loopback, against a small site served by this file's HTTP server."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scrapers.crawl import CrawlOutcome, KnownPage, run_crawl, write_known_pages
from scrapers.landing import RunManifest
from scrapers.site import Site, parse_site
from tests.crawl_samples import crawl, rows

ARTICLE = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>Nội dung bài {0}.</p></body></html>"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    gzipped: bool = False  # compress the body as sent, like a .xml.gz sitemap
    delay_seconds: float = 0.0


class LoopbackSite:
    """A ThreadingHTTPServer on 127.0.0.1 serving fixed routes and counting hits per path."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.hits[self.path] += 1
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    route = Route(404, b"not found")
                time.sleep(route.delay_seconds)
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = route.body.replace(b"{base}", site.base_url.encode())
                if route.gzipped:
                    body = gzip.compress(body)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value.replace("{base}", site.base_url))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the crawler hung up first

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/site"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def html(text: str) -> Route:
    return Route(body=text.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def article(slug: str, etag: str | None = None) -> Route:
    route = html(ARTICLE.format(slug))
    if etag:
        route.headers["ETag"] = etag
    return route


def sitemap(*paths: str) -> bytes:
    entries = "".join(f"<url><loc>{{base}}{path}</loc></url>" for path in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


def site_file(base_url: str, **overrides: object) -> Site:
    document = {
        "name": "loopback",
        "province": "Quảng Ninh",
        "base_url": base_url,
        "mirror": True,
        "discover": {
            "sitemaps": ["/sitemap-index.xml"],
            "rss": ["/rss.xml"],
            "categories": ["/kinh-te"],
            "pagination": "a.next",
            "max_category_pages": 2,
        },
        "article_url": r"-\d{4}\.html$",
    }
    document.update(overrides)
    return parse_site(document)


def good_site_routes() -> dict[str, Route]:
    feed = (
        "<?xml version='1.0'?><rss version='2.0'><channel><link>{base}/</link>"
        "<item><link>{base}/feed-only-1004.html?utm_source=rss&amp;utm_medium=feed</link></item>"
        "</channel></rss>"
    )
    return {
        "/robots.txt": Route(body=b"User-agent: *\nDisallow: /site/secret-\n"),
        "/site/sitemap-index.xml": Route(
            body=b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<sitemap><loc>{base}/sitemap-1.xml.gz</loc></sitemap></sitemapindex>"
        ),
        "/site/sitemap-1.xml.gz": Route(
            body=sitemap("/sitemap-article-1001.html", "/secret-1009.html"),
            headers={"Content-Type": "application/gzip"},
            gzipped=True,
        ),
        "/site/rss.xml": Route(body=feed.encode(), headers={"Content-Type": "application/rss+xml"}),
        "/site/kinh-te": html(
            '<a href="/site/listed-1002.html?fbclid=abc">a</a><a href="listed-1002.html#top">b</a>'
            '<a href="/site/about">not an article</a><a class="next" href="/site/kinh-te?page=2">next</a>'
        ),
        "/site/kinh-te?page=2": html(
            '<a href="{base}/page-two-1003.html">c</a><a class="next" href="/site/kinh-te?page=3">next</a>'
        ),
        "/site/kinh-te?page=3": html('<a href="{base}/too-deep-1008.html">d</a>'),
        "/site/sitemap-article-1001.html": article("sitemap-article-1001", etag='"v1"'),
        "/site/listed-1002.html": article("listed-1002", etag='"v2"'),
        "/site/page-two-1003.html": article("page-two-1003"),
        "/site/feed-only-1004.html": article("feed-only-1004"),
        "/site/secret-1009.html": article("secret-1009"),
        "/site/too-deep-1008.html": article("too-deep-1008"),
    }


@pytest.fixture(scope="module")
def good_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LoopbackSite, CrawlOutcome, Path]]:
    tmp = tmp_path_factory.mktemp("good")
    with LoopbackSite(good_site_routes()) as server:
        outcome = crawl(site_file(server.base_url), tmp, "loopback-good")
        yield server, outcome, tmp


def test_every_discovered_article_lands_once(good_crawl: tuple[LoopbackSite, CrawlOutcome, Path]) -> None:
    server, outcome, _ = good_crawl
    landed = sorted(row["url"].removeprefix(server.base_url) for row in rows(outcome) if row["page_kind"] == "article")
    assert landed == [
        "/feed-only-1004.html",
        "/listed-1002.html",
        "/page-two-1003.html",
        "/sitemap-article-1001.html",
    ]


def test_clean_crawl_is_a_success(good_crawl: tuple[LoopbackSite, CrawlOutcome, Path]) -> None:
    _, outcome, _ = good_crawl
    assert (outcome.status, outcome.finish_reason, outcome.pages_failed) == ("success", "finished", 0)


def test_robots_sitemaps_feed_and_listings_land_with_their_kind(
    good_crawl: tuple[LoopbackSite, CrawlOutcome, Path],
) -> None:
    _, outcome, _ = good_crawl
    kinds = Counter(row["page_kind"] for row in rows(outcome))
    assert kinds == Counter({"robots": 1, "sitemap": 2, "feed": 1, "listing": 2, "article": 4})


def test_tracking_parameter_variants_are_fetched_once(good_crawl: tuple[LoopbackSite, CrawlOutcome, Path]) -> None:
    server, _, _ = good_crawl
    assert [path for path in server.hits if "listed-1002" in path] == ["/site/listed-1002.html"]
    assert server.hits["/site/listed-1002.html"] == 1


def test_robots_disallowed_article_is_not_fetched(good_crawl: tuple[LoopbackSite, CrawlOutcome, Path]) -> None:
    server, outcome, _ = good_crawl
    assert server.hits["/site/secret-1009.html"] == 0
    manifest = RunManifest.from_json(outcome.manifest_file.read_text(encoding="utf-8"))
    assert manifest.stats["provnews/robots_forbidden"] == 1


def test_pagination_stops_at_max_category_pages(good_crawl: tuple[LoopbackSite, CrawlOutcome, Path]) -> None:
    server, _, _ = good_crawl
    assert server.hits["/site/kinh-te?page=3"] == 0


def test_landed_rows_keep_raw_body_and_validators(good_crawl: tuple[LoopbackSite, CrawlOutcome, Path]) -> None:
    _, outcome, _ = good_crawl
    row = next(row for row in rows(outcome) if row["url"].endswith("/listed-1002.html"))
    assert row["body"] == ARTICLE.format("listed-1002").encode("utf-8")
    assert (row["http_status"], row["etag"], row["content_length"]) == (200, '"v2"', len(row["body"]))
    assert len(row["content_sha256"]) == 64


def test_manifest_records_the_run_and_stats(good_crawl: tuple[LoopbackSite, CrawlOutcome, Path]) -> None:
    _, outcome, _ = good_crawl
    manifest = json.loads(outcome.manifest_file.read_text(encoding="utf-8"))
    assert (manifest["run_id"], manifest["status"], manifest["stats"]["provnews/pages_fetched"]) == (
        "loopback-good",
        "success",
        10,
    )


def test_second_crawl_with_known_pages_gets_not_modified_rows(
    good_crawl: tuple[LoopbackSite, CrawlOutcome, Path],
) -> None:
    server, first, tmp = good_crawl
    known = tmp / "known.parquet"
    write_known_pages(
        (KnownPage(row["url"], row["etag"], row["last_modified"], row["content_sha256"])
         for row in rows(first) if row["page_kind"] == "article"),
        known,
    )
    second = crawl(site_file(server.base_url), tmp, "loopback-second", known_pages=known)
    not_modified = sorted(
        row["url"].removeprefix(server.base_url) for row in rows(second) if row["http_status"] == 304
    )
    assert not_modified == ["/listed-1002.html", "/sitemap-article-1001.html"]
    assert second.pages_not_modified == 2
    assert all(row["body"] is None for row in rows(second) if row["http_status"] == 304)


def test_max_pages_caps_article_pages(tmp_path: Path) -> None:
    with LoopbackSite(good_site_routes()) as server:
        outcome = crawl(site_file(server.base_url, max_pages=2), tmp_path, "loopback-capped")
    assert sum(row["page_kind"] == "article" for row in rows(outcome)) == 2


def test_site_that_is_down_fails_with_one_line_error_and_a_manifest(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    outcome = crawl(site_file(f"http://127.0.0.1:{port}/site"), tmp_path, "loopback-down")
    assert outcome.status == "failed"
    assert outcome.error is not None and "\n" not in outcome.error and "connection refused" in outcome.error
    assert RunManifest.from_json(outcome.manifest_file.read_text(encoding="utf-8")).status == "failed"


def test_real_site_on_a_private_address_is_refused_before_any_request(tmp_path: Path) -> None:
    with LoopbackSite(good_site_routes()) as server:
        site = site_file(f"http://localhost:{server.port}/site", mirror=False)
        outcome = crawl(site, tmp_path, "loopback-private")
    assert outcome.status == "failed"
    assert outcome.error is not None and "refused: localhost resolves to" in outcome.error
    assert sum(server.hits.values()) == 0


def test_spider_process_that_dies_still_leaves_a_failed_manifest(tmp_path: Path) -> None:
    broken = tmp_path / "known.parquet"
    broken.write_bytes(b"not parquet at all")
    with LoopbackSite(good_site_routes()) as server:
        outcome = crawl(site_file(server.base_url), tmp_path, "loopback-crash", known_pages=broken)
    manifest = RunManifest.from_json(outcome.manifest_file.read_text(encoding="utf-8"))
    assert (manifest.status, outcome.status) == ("failed", "failed")
    assert outcome.error is not None and outcome.error.startswith("spider process exited with 1: ")
    assert "Traceback" in outcome.log_file.read_text(encoding="utf-8")


def test_run_that_reaches_its_time_budget_is_partial(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": Route(body=b"User-agent: *\nAllow: /\n"),
        "/site/kinh-te": html('<a href="/site/quick-3001.html">a</a><a href="/site/slow-3002.html">b</a>'),
        "/site/quick-3001.html": article("quick-3001"),
        "/site/slow-3002.html": Route(body=b"late", delay_seconds=2.5),
    }
    with LoopbackSite(routes) as server:
        site = site_file(server.base_url, discover={"categories": ["/kinh-te"]})
        outcome = run_crawl(site, "loopback-budget", tmp_path / "landing", tmp_path / "logs", timeout_seconds=1)
    assert (outcome.status, outcome.finish_reason) == ("partial", "closespider_timeout")
    assert fault_row(outcome, "quick-3001")["http_status"] == 200


def fault_routes() -> dict[str, Route]:
    # Network faults (timeouts, resets, size limits, redirects, bombs) are met in the mirror's
    # fault site; this one keeps what needs counting requests on the server side.
    return {
        "/robots.txt": Route(404, b"no robots here"),
        "/site/kinh-te": html("".join(f'<a href="/site/{slug}.html">{slug}</a>' for slug in ("good-2001", "missing-2002", "broken-2003"))),
        "/site/good-2001.html": article("good-2001"),
        "/site/broken-2003.html": Route(503, b"busy", {"Retry-After": "0"}),
    }


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LoopbackSite, CrawlOutcome]]:
    tmp = tmp_path_factory.mktemp("faults")
    with LoopbackSite(fault_routes()) as server:
        site = site_file(server.base_url, discover={"categories": ["/kinh-te"]})
        yield server, crawl(site, tmp, "loopback-faults")


def fault_row(outcome: CrawlOutcome, slug: str) -> dict:
    return next(row for row in rows(outcome) if row["url"].endswith(f"/{slug}.html"))


def test_missing_robots_txt_allows_everything_and_is_not_a_failure(
    fault_crawl: tuple[LoopbackSite, CrawlOutcome],
) -> None:
    _, outcome = fault_crawl
    robots = next(row for row in rows(outcome) if row["page_kind"] == "robots")
    assert (robots["http_status"], robots["error"]) == (404, None)
    assert fault_row(outcome, "good-2001")["http_status"] == 200


def test_http_errors_land_as_status_rows_and_make_the_run_partial(
    fault_crawl: tuple[LoopbackSite, CrawlOutcome],
) -> None:
    _, outcome = fault_crawl
    statuses = (fault_row(outcome, "missing-2002")["http_status"], fault_row(outcome, "broken-2003")["http_status"])
    assert (statuses, outcome.status, outcome.pages_failed) == ((404, 503), "partial", 2)


def test_server_errors_are_retried_twice_and_client_errors_not_at_all(
    fault_crawl: tuple[LoopbackSite, CrawlOutcome],
) -> None:
    server, _ = fault_crawl
    assert (server.hits["/site/broken-2003.html"], server.hits["/site/missing-2002.html"]) == (3, 1)
