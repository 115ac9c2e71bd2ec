"""Scrapy settings for one site's crawl: politeness from the site file, limits that keep a run bounded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from provnews import settings
from scrapers.site import Site

USER_AGENT = "provnews/0.1 (+https://github.com/provnews; news archive for analysts)"
MAX_PAGE_BYTES = 10 * 1024 * 1024
WARN_PAGE_BYTES = 2 * 1024 * 1024
RETRY_HTTP_CODES = [500, 502, 503, 504, 408, 429]


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
        # Neither a telnet console nor the code-executing remote-control server belongs in a nightly job.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "COOKIES_ENABLED": False,
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
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "scrapers.middlewares.SiteGuardMiddleware": 50,
            "scrapers.middlewares.RobotsMiddleware": 100,
            "scrapers.middlewares.RetryAfterMiddleware": 550,
        },
        "LOGSTATS_INTERVAL": 60.0,
    }
