"""Publication dates as Vietnamese pages write them: ISO 8601 in metadata, day-first on screen."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone as fixed_zone
from zoneinfo import ZoneInfo

# 12/05/2025, 1-1-2023, 01.02.2026 and "ngày 12 tháng 5 năm 2025"
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})(?!\d)")
_WORDED_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm|,|/)\s*(\d{4})", re.IGNORECASE)
# 13:41, 13:41:05, 10h30, 10g30
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*(?::|h|g)\s*([0-5]\d)(?::([0-5]\d))?(?!\d)", re.IGNORECASE)
_OFFSET = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_ISO_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_AFTERNOON = re.compile(r"\b(?:PM|chiều|tối)\b", re.IGNORECASE)


def parse_date(
    text: str, *, day_first: bool = True, timezone: str = "Asia/Ho_Chi_Minh"
) -> datetime | None:
    """The first date (and time) written in the text, timezone-aware; None when there is none."""
    if not text:
        return None
    if _ISO_LIKE.match(text):
        return parse_iso(text, timezone=timezone)
    day_month_year = _find_date(text, day_first=day_first)
    if day_month_year is None:
        return None
    day, month, year, date_end = day_month_year
    hour = minute = second = 0
    # A time usually sits next to the date, before or after it ("10:30 12/05/2025").
    found_time = _TIME.search(text, date_end) or _TIME.search(text)
    if found_time:
        hour, minute = int(found_time.group(1)), int(found_time.group(2))
        second = int(found_time.group(3) or 0)
        if hour < 12 and _AFTERNOON.search(text):
            hour += 12
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return naive.replace(tzinfo=_zone_in(text) or ZoneInfo(timezone))


def parse_iso(text: str, *, timezone: str = "Asia/Ho_Chi_Minh") -> datetime | None:
    """An ISO 8601 timestamp from metadata; a missing zone means the site's zone."""
    cleaned = text.strip().replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", cleaned):
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


def _find_date(text: str, *, day_first: bool) -> tuple[int, int, int, int] | None:
    """(day, month, year, end offset) of the first plausible date in the text."""
    worded = _WORDED_DATE.search(text)
    if worded:
        return int(worded.group(1)), int(worded.group(2)), int(worded.group(3)), worded.end()
    for match in _NUMERIC_DATE.finditer(text):
        first, second, third = (int(group) for group in match.groups())
        if len(match.group(1)) == 4:
            year, month, day = first, second, third
        else:
            day, month = (first, second) if day_first else (second, first)
            # A value above 12 can only be the day, whatever the site's habit.
            if month > 12 >= day:
                day, month = month, day
            year = third + 2000 if third < 100 else third
        if 1 <= month <= 12 and 1 <= day <= 31 and 1990 <= year <= 2100:
            return day, month, year, match.end()
    return None


def _zone_in(text: str) -> fixed_zone | None:
    offset = _OFFSET.search(text)
    if offset is None:
        return None
    sign = -1 if offset.group(1) == "-" else 1
    delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
    # "GMT+99" is no zone at all; read_published notes it, the date itself is unreadable.
    return fixed_zone(sign * delta) if delta <= LARGEST_OFFSET else None


# Real UTC offsets run from -12:00 to +14:00.
LARGEST_OFFSET = timedelta(hours=14)
# No Vietnamese news site published online before this; a date before it is a placeholder.
EARLIEST_YEAR = 1990
# A page may be dated a little ahead (a wrong zone, an embargo); more than this can't be true.
LATEST_AFTER_FETCH = timedelta(days=1)
_TRAILING_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})\s*$")


def has_impossible_offset(text: str) -> bool:
    """Whether the text writes a UTC offset no zone has ("GMT+99", "+25:00")."""
    offset = _OFFSET.search(text) or (_TRAILING_OFFSET.search(text) if _ISO_LIKE.match(text) else None)
    if offset is None:
        return False
    hours, minutes = int(offset.group(2)), int(offset.group(3) or 0)
    return minutes >= 60 or timedelta(hours=hours, minutes=minutes) > LARGEST_OFFSET


def read_published(
    text: str | None,
    fetched_at: datetime,
    *,
    day_first: bool = True,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> tuple[datetime | None, str | None]:
    """(publication time, note): the time written in the text when it can be true, else None and why.

    A time before 1990, more than a day after the page was fetched, or with an offset no zone
    has, is never stored: such a value is a CMS placeholder (0001-01-01, 9999-12-31) or damage,
    and letting it through breaks whatever sorts, converts or checks dates later.
    """
    if not text:
        return None, None
    shown = " ".join(text.split())[:80]
    if has_impossible_offset(text):
        return None, f"published date '{shown}' dropped: impossible UTC offset"
    moment = parse_date(text, day_first=day_first, timezone=timezone)
    if moment is None:
        return None, None
    offset_of_moment = moment.utcoffset()
    if offset_of_moment is not None and abs(offset_of_moment) > LARGEST_OFFSET:
        return None, f"published date '{shown}' dropped: impossible UTC offset"
    # Years are compared before any conversion: year 1 at +14:00 has no UTC time at all.
    if moment.year < EARLIEST_YEAR:
        return None, f"published date '{shown}' dropped: before {EARLIEST_YEAR}"
    if moment.year > fetched_at.year + 1 or moment - fetched_at > LATEST_AFTER_FETCH:
        return None, f"published date '{shown}' dropped: more than a day after the page was fetched"
    return moment, None
