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
    return fixed_zone(sign * delta)
