"""The one spider: reads a site file's discovery rules and lands every page it tries as a row."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from protego import Protego
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet import error as network_errors
from twisted.python.failure import Failure

from scrapers.crawl import KnownPage
from scrapers.discovery import DiscoveryError, feed_links, sitemap_links
from scrapers.download import EXTRA_BYTES_HEADER
from scrapers.landing import PageWriter
from scrapers.middlewares import RefusedRequest, RobotsDisallowed
from scrapers.revisit import RevisitDecision, decide, sitemap_lastmod
from scrapers.site import Site
from scrapers.urls import canonical_url, fetchable_url

# Every status reaches the callbacks (so 404s and 500s land as rows) except redirects,
# which RedirectMiddleware must still follow.
# Sitemaps that sitemap indexes may link to in one crawl, and how deep indexes may nest (a site
# file's sitemaps are depth 0). A large site splits its articles into a few hundred sitemaps
# under one index; a site that links a new sitemap from every sitemap (next.xml?n=N+1) would
# otherwise keep the crawl reading sitemaps until its budget runs out.
MAX_SITEMAPS_LINKED = 1000
MAX_SITEMAP_DEPTH = 3
HANDLED_STATUSES = [status for status in range(100, 600) if status not in {301, 302, 303, 307, 308}]

_NETWORK_ERRORS: tuple[tuple[type[BaseException] | str, str], ...] = (
    ("scrapy.exceptions.DownloadTimeoutError", "timeout"),
    (network_errors.TimeoutError, "timeout"),
    (network_errors.TCPTimedOutError, "timeout"),
    ("scrapy.exceptions.DownloadConnectionRefusedError", "connection refused"),
    (network_errors.ConnectionRefusedError, "connection refused"),
    ("scrapy.exceptions.CannotResolveHostError", "DNS lookup failed"),
    (network_errors.DNSLookupError, "DNS lookup failed"),
    ("scrapy.exceptions.DownloadCancelledError", "too large"),
    ("scrapy.exceptions.ResponseDataLossError", "response truncated: shorter than its Content-Length"),
    (network_errors.ConnectionLost, "connection reset"),
    (network_errors.ConnectionDone, "connection closed"),
    ("scrapy.exceptions.DownloadFailedError", "download failed"),
)

# Reasons Twisted gives inside ResponseFailed, most specific first.
_TWISTED_REASONS: tuple[tuple[str | type[BaseException], str], ...] = (
    (network_errors.ConnectionLost, "connection reset"),
    ("twisted.web.http._DataLoss", "response truncated: shorter than its Content-Length"),
    (network_errors.ConnectionDone, "connection closed before the response ended"),
)


def failure_text(failure: Failure, max_bytes: int) -> str:
    """One line saying why a request failed: timeout, refused, DNS, reset, too large, refusal…"""
    exception = failure.value
    if isinstance(exception, IgnoreRequest):
        message = str(exception) or "request ignored"
        if "max redirections" in message:
            return "too many redirects"
        if "DOWNLOAD_MAXSIZE" in message:
            return f"too large once decompressed: over {max_bytes} bytes"
        return message
    detail = " ".join(str(exception).split())[:200]
    # Twisted reports a reset as ResponseFailed carrying the real reasons; look through it.
    reasons = [reason for reason in getattr(exception.__cause__, "reasons", None) or () if isinstance(reason, Failure)]
    for kind, label in _TWISTED_REASONS:
        if any(reason.check(kind) for reason in reasons):
            return label
    if failure.check(network_errors.DNSLookupError) and "refused: " in detail:
        # PublicAddressResolver's refusal: the name resolved, to an address the guard forbids.
        return detail[detail.index("refused: "):]
    for kind, label in _NETWORK_ERRORS:
        if failure.check(kind):
            if label == "too large":
                return f"too large: over {max_bytes} bytes"
            return label
    name = type(exception).__name__
    return f"{name}: {detail}" if detail else name


class SiteSpider(scrapy.Spider):
    """Discovers a site's articles from its sitemaps, feeds and category pages, and lands every page."""

    name = "provnews"

    def __init__(
        self,
        site: Site,
        run_id: str,
        writer: PageWriter,
        known_pages: dict[str, KnownPage] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.run_id = run_id
        self.writer = writer
        self.known_pages = known_pages or {}
        self.robots: Protego | None = None
        self.first_error: str | None = None
        # Canonical URLs already scheduled: this set, not Scrapy's dupefilter, stops a second
        # fetch, because requests carry dont_filter so redirects always reach the site guard.
        self._scheduled: set[str] = set()
        self._articles_scheduled = 0
        self._started_at = datetime.now(timezone.utc)
        # Known articles a sitemap vouched for: a feed or listing naming them later changes nothing.
        self._unchanged: set[str] = set()
        self._not_revisited: set[str] = set()
        self._sitemaps_linked = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.site.obey_robots:
            # robots.txt lives at the root of the host, whatever path the site's base URL has.
            root = urlsplit(self.site.base_url)
            request = self._request(f"{root.scheme}://{root.netloc}/robots.txt", "robots", self.parse_robots)
            if request is not None:
                yield request
            return
        for request in self._discovery_requests():
            yield request

    def _discovery_requests(self) -> Iterator[scrapy.Request]:
        discovery = self.site.discovery
        sources = (
            [(path, "sitemap", self.parse_sitemap) for path in discovery.sitemaps]
            + [(path, "feed", self.parse_feed) for path in discovery.rss]
            + [(path, "listing", self.parse_listing) for path in discovery.categories]
            # A site whose category pages a script fills lists its newest articles on the home page.
            + ([("/", "listing", self.parse_listing)] if discovery.home_page else [])
        )
        for path, kind, callback in sources:
            request = self._request(self.site.absolute(path), kind, callback, listing_page=1)
            if request is not None:
                yield request

    def _request(
        self,
        url: str,
        kind: str,
        callback: Any,
        listing_page: int | None = None,
        lastmod: str | None = None,
    ) -> scrapy.Request | None:
        url = fetchable_url(url, self.site.base_url)
        key = canonical_url(url)
        if key in self._scheduled or not url.startswith(("http://", "https://")):
            return None
        headers: dict[str, str] = {}
        if kind == "article":
            if not self._worth_revisiting(key, lastmod):
                return None
            if self.site.max_pages is not None and self._articles_scheduled >= self.site.max_pages:
                self.crawler.stats.inc_value("provnews/articles_over_max_pages")
                return None
            self._articles_scheduled += 1
            known = self.known_pages.get(key)
            if known is not None:
                if known.etag:
                    headers["If-None-Match"] = known.etag
                if known.last_modified:
                    headers["If-Modified-Since"] = known.last_modified
        self._scheduled.add(key)
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            dont_filter=True,
            meta={"page_kind": kind, "listing_page": listing_page, "handle_httpstatus_list": HANDLED_STATUSES},
        )

    def _worth_revisiting(self, key: str, lastmod: str | None) -> bool:
        """False for a known article the revisit policy skips tonight (scrapers.revisit)."""
        known = self.known_pages.get(key)
        if known is None:
            return True
        if lastmod is None and key in self._unchanged:
            return False
        decision = decide(
            known,
            sitemap_lastmod(lastmod, self.site.timezone),
            self._started_at,
            self.site.revisit.max_age_days,
        )
        if decision is RevisitDecision.REQUEST:
            return True
        if decision is RevisitDecision.UNCHANGED:
            self._unchanged.add(key)
        self._not_revisited.add(key)
        return False

    def _article_requests(
        self, urls: Iterable[str], lastmods: dict[str, str] | None = None
    ) -> Iterator[scrapy.Request]:
        for url in urls:
            if self.site.is_article(canonical_url(url)):
                lastmod = lastmods.get(url) if lastmods else None
                request = self._request(url, "article", self.parse_article, lastmod=lastmod)
                if request is not None:
                    yield request

    def closed(self, reason: str) -> None:
        # Counted at the end: a page skipped on a feed's word may still be requested on a sitemap's.
        self.crawler.stats.set_value(
            "provnews/articles_not_revisited", len(self._not_revisited - self._scheduled)
        )

    def _land_response(self, response: Response, error: str | None = None) -> bool:
        """Write the response's row and count it; True if it is a 2xx page worth reading."""
        kind = response.meta["page_kind"]
        body = response.body if response.status != 304 else b""
        headers = response.headers
        past_length = _header(headers, EXTRA_BYTES_HEADER)
        if past_length is not None and error is None:
            # Cut at a Content-Length shorter than the page: kept out, like a page cut the other way.
            error = f"response truncated: {past_length} bytes past its Content-Length"
            body = b""
        self._count(kind, response.status, error)
        self.writer.write(
            {
                "run_id": self.run_id,
                "site": self.site.name,
                "url": (response.meta.get("redirect_urls") or [response.request.url])[0],
                "final_url": response.url,
                "page_kind": kind,
                "http_status": response.status,
                "fetched_at": datetime.now(timezone.utc),
                "content_type": _header(headers, b"Content-Type"),
                "body": body or None,
                "content_sha256": hashlib.sha256(body).hexdigest() if body else None,
                "content_length": len(body) if body else None,
                "etag": _header(headers, b"ETag"),
                "last_modified": _header(headers, b"Last-Modified"),
                "error": error,
            }
        )
        if error is not None:
            self._remember_error(f"{error} ({response.url})", kind)
        elif not _answered(response.status) and not _robots_absent(kind, response.status):
            self._remember_error(f"HTTP {response.status} ({response.url})", kind)
        return error is None and 200 <= response.status < 300

    def _count(self, kind: str, status: int | None, error: str | None) -> None:
        stats = self.crawler.stats
        if error is None and status is not None and 200 <= status < 300:
            stats.inc_value("provnews/pages_fetched")
            stats.inc_value(f"provnews/fetched/{kind}")
        elif status == 304:
            stats.inc_value("provnews/pages_not_modified")
        elif error is None and status is not None and _robots_absent(kind, status):
            stats.inc_value("provnews/robots_absent")  # no robots.txt: everything allowed, not a failure
        else:
            stats.inc_value("provnews/pages_failed")
            stats.inc_value(f"provnews/failed/{kind}")

    def _remember_error(self, error: str, kind: str) -> None:
        if self.first_error is None:
            self.first_error = f"{kind}: {error}"

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        if failure.check(RobotsDisallowed):
            return
        kind = request.meta["page_kind"]
        error = failure_text(failure, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        if failure.check(RefusedRequest):
            self.crawler.stats.inc_value("provnews/pages_refused")
        self._count(kind, None, error)
        original = (request.meta.get("redirect_urls") or [request.url])[0]
        self._remember_error(f"{error} ({original})", kind)
        self.writer.write(
            {
                "run_id": self.run_id,
                "site": self.site.name,
                "url": original,
                "final_url": request.url,
                "page_kind": kind,
                "http_status": None,
                "fetched_at": datetime.now(timezone.utc),
                "error": error,
            }
        )

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        self._land_response(response)
        if 200 <= response.status < 300:
            self.robots = Protego.parse(response.body.decode("utf-8", "replace"))
        elif response.status >= 500:
            # RFC 9309: an unreachable robots.txt means the whole site is disallowed for now.
            return
        yield from self._discovery_requests()

    def _sitemap_request(self, url: str, depth: int) -> scrapy.Request | None:
        """A sitemap an index links to, within the caps: a site can't keep a crawl reading sitemaps."""
        stats = self.crawler.stats
        if depth > MAX_SITEMAP_DEPTH:
            stats.inc_value("provnews/sitemaps_too_deep")
            return None
        if self._sitemaps_linked >= MAX_SITEMAPS_LINKED:
            stats.inc_value("provnews/sitemaps_over_limit")
            return None
        request = self._request(url, "sitemap", self.parse_sitemap)
        if request is not None:
            self._sitemaps_linked += 1
            stats.inc_value("provnews/sitemaps_linked")
            request.meta["sitemap_depth"] = depth
        return request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        links, error = None, None
        if 200 <= response.status < 300:
            try:
                links = sitemap_links(response.body)
            except DiscoveryError as problem:
                error = f"sitemap refused: {problem}"
        self._land_response(response, error)
        if links is None:
            return
        depth = response.meta.get("sitemap_depth", 0) + 1
        for url in links.sitemaps:
            request = self._sitemap_request(response.urljoin(url), depth)
            if request is not None:
                yield request
        lastmods = {response.urljoin(url): lastmod for url, lastmod in links.lastmods.items()}
        yield from self._article_requests((response.urljoin(url) for url in links.pages), lastmods)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        links, error = None, None
        if 200 <= response.status < 300:
            try:
                links = feed_links(response.body)
            except DiscoveryError as problem:
                error = f"feed refused: {problem}"
        self._land_response(response, error)
        if links is not None:
            yield from self._article_requests(response.urljoin(url) for url in links)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._land_response(response) or not hasattr(response, "css"):
            return
        links = [response.urljoin(href) for href in response.css("a::attr(href)").getall()]
        yield from self._article_requests(links)
        page = response.meta.get("listing_page") or 1
        pagination = self.site.discovery.pagination
        if pagination and self.site.revisit.stop_pagination_at_known and self._only_known_articles(links):
            # Listings run newest first: a page of known articles means the next ones hold no new story.
            self.crawler.stats.inc_value("provnews/pagination_stopped_at_known")
            return
        if pagination and page < self.site.discovery.max_category_pages:
            next_href = response.css(pagination).css("::attr(href)").get()
            if next_href:
                request = self._request(response.urljoin(next_href), "listing", self.parse_listing, page + 1)
                if request is not None:
                    yield request

    def _only_known_articles(self, links: Iterable[str]) -> bool:
        articles = [
            canonical_url(fetchable_url(link, self.site.base_url))
            for link in links
            if self.site.is_article(canonical_url(link))
        ]
        return bool(articles) and all(article in self.known_pages for article in articles)

    def parse_article(self, response: Response) -> None:
        if self._land_response(response):
            self.crawler.stats.inc_value("provnews/articles_landed")


def _answered(status: int) -> bool:
    return 200 <= status < 300 or status == 304


def _robots_absent(kind: str, status: int) -> bool:
    return kind == "robots" and 400 <= status < 500


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None
