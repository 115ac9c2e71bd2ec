"""Scrapy settings for one site's crawl: politeness from the site file, limits that keep a run bounded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.settings import default_settings

from provnews import settings
from scrapers.site import Site

USER_AGENT = "provnews/0.1 (+https://github.com/provnews; news archive for analysts)"
MAX_PAGE_BYTES = 10 * 1024 * 1024
WARN_PAGE_BYTES = 2 * 1024 * 1024
RETRY_HTTP_CODES = [500, 502, 503, 504, 408, 429]

# Neither a telnet console nor the code-executing remote-control server belongs in a nightly job,
# and nothing here uses cookies, HTTP auth, a cache, feed exports or job state. They are taken
# out of Scrapy's base lists, not set to None: Scrapy imports every component named in its
# settings, even a disabled one (remote control pulls in aiohttp, cookies tldextract and
# requests), which was half a second of every crawl's start.
UNUSED_COMPONENTS = frozenset(
    {
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.extensions.remote_control.RemoteControl",
        "scrapy.extensions.feedexport.FeedExporter",
        "scrapy.extensions.memdebug.MemoryDebugger",
        "scrapy.extensions.spiderstate.SpiderState",
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
        "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
    }
)


def _without_unused(components: dict[str, int]) -> dict[str, int]:
    return {path: order for path, order in components.items() if path not in UNUSED_COMPONENTS}


def crawl_settings(
    site: Site,
    log_file: Path,
    download_timeout_seconds: float = 30,
    crawl_seconds: int = settings.CLOSESPIDER_TIMEOUT,
    retry_after_max_seconds: float = 30,
) -> dict[str, Any]:
    """Settings of one crawl of the site; mirror sites get no delays and no AutoThrottle."""
    polite = not site.mirror
    return {
        "BOT_NAME": "provnews",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_USER_AGENT": "provnews",
        # robots.txt is fetched by the spider (so it lands as a page) and applied by RobotsMiddleware.
        "ROBOTSTXT_OBEY": False,
        "EXTENSIONS_BASE": _without_unused(default_settings.EXTENSIONS_BASE),
        "LOG_FILE": str(log_file),
        # Scrapy opens the log twice (process, then crawler); appending keeps the first lines.
        "LOG_FILE_APPEND": True,
        "LOG_LEVEL": "DEBUG",
        "DOWNLOAD_DELAY": site.download_delay if polite else 0,
        "DOWNLOAD_DELAY_JITTER": 0.5 if polite else 0.0,
        "AUTOTHROTTLE_ENABLED": site.autothrottle and polite,
        "AUTOTHROTTLE_START_DELAY": max(site.download_delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrent_requests_per_domain,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        "RETRY_AFTER_MAX_SECONDS": retry_after_max_seconds,
        "DOWNLOAD_TIMEOUT": download_timeout_seconds,
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": WARN_PAGE_BYTES,
        "CLOSESPIDER_TIMEOUT": crawl_seconds,
        "REDIRECT_MAX_TIMES": 5,
        "DOWNLOADER_MIDDLEWARES_BASE": _without_unused(default_settings.DOWNLOADER_MIDDLEWARES_BASE),
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "scrapers.middlewares.SiteGuardMiddleware": 50,
            "scrapers.middlewares.RobotsMiddleware": 100,
            "scrapers.middlewares.RetryAfterMiddleware": 550,
        },
        "LOGSTATS_INTERVAL": 60.0,
        "DOWNLOAD_HANDLERS": {
            "http": "scrapers.download.LengthCheckingDownloadHandler",
            "https": "scrapers.download.LengthCheckingDownloadHandler",
        },
        # Real sites connect only to the addresses the site guard allows, checked as they are
        # connected to (the mirror lives on loopback by design).
        **({} if site.mirror else {"TWISTED_DNS_RESOLVER": "scrapers.middlewares.PublicAddressResolver"}),
    }
