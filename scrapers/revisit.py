"""The revisit policy: whether an article page already landed is worth requesting again tonight.

A production crawler does not re-request its whole archive every night. A known article is
skipped when the site says it has not changed (a sitemap <lastmod> no newer than the landed
copy) or, lacking any word from the site, when it is older than the site's revisit age: news
articles are corrected in their first days, rarely after. Everything else is requested with
its validators (a conditional GET), so an unchanged page costs a 304. A page whose lastmod is
newer than the landed copy is always requested.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from enum import Enum
from zoneinfo import ZoneInfo

from scrapers.crawl import KnownPage


class RevisitDecision(Enum):
    REQUEST = "request"  # unknown, young, or changed: fetch (conditionally when known)
    UNCHANGED = "unchanged"  # the sitemap's lastmod is not newer than the landed copy
    TOO_OLD = "too old"  # no word from the site and older than the revisit age


def sitemap_lastmod(text: str | None, site_timezone: str) -> datetime | None:
    """A sitemap <lastmod> (W3C datetime) as an aware datetime; None when absent or unreadable.

    A day without a time stands for the end of that day, so a page changed later that day
    still counts as changed; a time without an offset is in the site's timezone.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(site_timezone))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(site_timezone))


def landed_copy_time(page: KnownPage) -> datetime | None:
    """When the landed copy was current: its Last-Modified (the site's own clock), else its fetch time."""
    if page.last_modified:
        try:
            modified = parsedate_to_datetime(page.last_modified)
        except (TypeError, ValueError):
            modified = None
        if modified is not None:
            return modified if modified.tzinfo is not None else modified.replace(tzinfo=timezone.utc)
    return page.landed_at


def decide(page: KnownPage, lastmod: datetime | None, now: datetime, max_age_days: int) -> RevisitDecision:
    """Whether to request a known page again, given what its sitemap entry says (if anything)."""
    copy_time = landed_copy_time(page)
    if lastmod is not None and copy_time is not None:
        return RevisitDecision.UNCHANGED if lastmod <= copy_time else RevisitDecision.REQUEST
    if page.published_at is not None and now - page.published_at > timedelta(days=max_age_days):
        return RevisitDecision.TOO_OLD
    return RevisitDecision.REQUEST
