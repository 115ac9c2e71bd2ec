"""Downloader middlewares of the crawl: where a request may go, robots.txt, and Retry-After."""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver

from provnews.settings import MIRROR_HOST
from scrapers.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.internet.defer import Deferred

class RefusedRequest(IgnoreRequest):
    """A request the crawl will not send: another host, or an address inside our own network."""


class RobotsDisallowed(IgnoreRequest):
    """A request robots.txt forbids; it is counted, not landed, since nothing was fetched."""


def host_refusal(url: str, base_url: str, mirror: bool) -> str | None:
    """Why url may not be fetched for the site at base_url, judging by its address alone; None if it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"refused: scheme {parts.scheme or '(none)'} is not http(s)"
    base = urlsplit(base_url)
    if mirror:
        # The mirror serves every site from one loopback port; nothing else is reachable.
        if parts.hostname != MIRROR_HOST or (parts.hostname, parts.port) != (base.hostname, base.port):
            return f"refused: {parts.netloc} is not the mirror at {base.netloc}"
        return None
    if urlsplit(canonical_url(url)).hostname != urlsplit(canonical_url(base_url)).hostname:
        return f"refused: {parts.hostname} is another host than {base.hostname}"
    return None


def address_refusal(address: str) -> str | None:
    """Why an IP address may not be contacted for a real site (private, loopback, link-local…); None if public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast:
        return f"refused: {address} is not a public address"
    return None


class SiteGuardMiddleware:
    """Refuses requests and redirects that leave the site or reach private addresses (SSRF guard)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._resolved: dict[str, str | None] = {}  # host → refusal reason, per run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        reason = host_refusal(request.url, spider.site.base_url, spider.site.mirror)
        if reason is None and not spider.site.mirror:
            reason = await self._address_refusal(urlsplit(request.url).hostname or "")
        if reason is not None:
            self.crawler.stats.inc_value("provnews/refused")
            raise RefusedRequest(reason)

    async def _address_refusal(self, host: str) -> str | None:
        if host not in self._resolved:
            self._resolved[host] = await _resolved_refusal(host)
        return self._resolved[host]


async def _resolved_refusal(host: str) -> str | None:
    try:
        return address_refusal(host)
    except ValueError:
        pass  # a name, not an address literal
    try:
        answers = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return None  # the download itself will fail and land the DNS error
    for answer in answers:
        reason = address_refusal(str(answer[4][0]))
        if reason is not None:
            return f"refused: {host} resolves to {answer[4][0]}, not a public address"
    return None


class RobotsMiddleware:
    """Applies the site's robots.txt, which the spider fetches (and lands) before anything else."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        if request.meta.get("page_kind") == "robots" or spider.robots is None:
            return
        user_agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or "provnews"
        if not spider.robots.can_fetch(request.url, user_agent):
            self.crawler.stats.inc_value("provnews/robots_forbidden")
            raise RobotsDisallowed(f"robots.txt disallows {request.url}")


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or HTTP date); None if absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as Retry-After asks (up to RETRY_AFTER_MAX_SECONDS) before retrying."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX_SECONDS", 30.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        retry = super().process_response(request, response)
        if retry is response:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait:
            # Sleeping here delays only this request; the rest of the crawl goes on.
            await asyncio.sleep(min(wait, self.max_wait))
        return retry



def refuse_private_address(address: str, name: str) -> str:
    """The address a name resolved to, if a real site may be contacted there; DNSLookupError if not."""
    from twisted.internet.error import DNSLookupError

    try:
        reason = address_refusal(address)
    except ValueError:
        reason = f"refused: {address} is not an address"
    if reason is not None:
        raise DNSLookupError(f"refused: {name} resolves to {address}, not a public address")
    return address


class PublicAddressResolver(CachingThreadedResolver):
    """The resolver real sites' crawls connect through: an address the guard would refuse is never used.

    SiteGuardMiddleware checks a host's addresses before the request, but the download resolves
    the name again to connect, and a name can answer a public address to the first lookup and a
    private one to the second (DNS rebinding). Checked here, the address connected to is the one
    checked, whatever the name answers in between.
    """

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's name
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(refuse_private_address, name)
        return resolved
