"""Publication dates as Vietnamese pages write them: ISO 8601 in metadata, day-first on screen."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as fixed_zone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo


# 12/05/2025, 1-1-2023, 01.02.2026 and "ngày 12 tháng 5 năm 2025"
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})(?!\d)")
_WORDED_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm|,|/)\s*(\d{4})", re.IGNORECASE)
# 13:41, 13:41:05, 10h30, 10g30
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*(?::|h|g)\s*([0-5]\d)(?::([0-5]\d))?(?!\d)", re.IGNORECASE)
_OFFSET = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_ISO_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_AFTERNOON = re.compile(r"\b(?:PM|chiều|tối)\b", re.IGNORECASE)
# RFC 2822, as feeds and some meta tags write it: "Wed, 17 Apr 2024 06:23:00 +0700".
_MAIL_DATE = re.compile(r"^\s*(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{1,2}:\d{2}")
_MORNING = re.compile(r"\bAM\b", re.IGNORECASE)
# .NET's en-US DateTime.ToString(), which several CMSs print into their meta tags: "9/11/2021 3:29:47 PM".
US_CLOCK = re.compile(r"\d:\d{2}(?::\d{2})?\s*[AP]M\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date read from a text and how much of it the text gave: "minute" or "day"."""

    moment: datetime
    precision: str


def parse_date(
    text: str, *, day_first: bool = True, timezone: str = "Asia/Ho_Chi_Minh"
) -> datetime | None:
    """The first date (and time) written in the text, timezone-aware; None when there is none."""
    reading = read_date(text, day_first=day_first, timezone=timezone)
    return reading.moment if reading else None


def read_date(text: str, *, day_first: bool = True, timezone: str = "Asia/Ho_Chi_Minh") -> DateReading | None:
    """parse_date with its precision: a date without a time is a day, not midnight."""
    if not text:
        return None
    if _MAIL_DATE.match(text):
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        return DateReading(moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone)), "minute")
    if _ISO_LIKE.match(text):
        moment = parse_iso(text, timezone=timezone)
        if moment is None:
            return None
        # CMSs that store only the day write it as midnight: "2009-05-12T00:00:00".
        midnight = moment.hour == moment.minute == moment.second == 0
        return DateReading(moment, "day" if midnight or ":" not in text else "minute")
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
        elif hour == 12 and _MORNING.search(text):
            hour = 0
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return DateReading(naive.replace(tzinfo=_zone_in(text) or ZoneInfo(timezone)), "minute" if found_time else "day")


def reconcile_dates(
    readings: Sequence[DateReading | None], timezone: str = "Asia/Ho_Chi_Minh"
) -> DateReading | None:
    """The publication date from readings ranked best first: the first that exists, made finer by a
    later one that gives the time of the same day ("2009-05-12" in meta, "12/05/2009 08:15" on screen)."""
    found = [reading for reading in readings if reading is not None]
    if not found:
        return None
    best = found[0]
    if best.precision == "day":
        zone = ZoneInfo(timezone)
        day = best.moment.astimezone(zone).date() if best.moment.tzinfo else best.moment.date()
        for reading in found[1:]:
            if reading.precision == "minute" and reading.moment.astimezone(zone).date() == day:
                return reading
    return best


def same_minute(first: DateReading, second: DateReading, timezone: str = "Asia/Ho_Chi_Minh") -> bool:
    """Whether two readings name the same moment to the minute (the same day when either is only a day)."""
    if "day" in (first.precision, second.precision):
        zone = ZoneInfo(timezone)
        return first.moment.astimezone(zone).date() == second.moment.astimezone(zone).date()
    return abs((first.moment - second.moment).total_seconds()) < 60


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
    # "GMT+99" is no zone at all; plausible() notes it, the date itself is unreadable.
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


def plausible(
    text: str, reading: DateReading | None, fetched_at: datetime
) -> tuple[DateReading | None, str | None]:
    """(reading, note): the date read from the text when it can be true, else None and why.

    A time before 1990, more than a day after the page was fetched, or with an offset no zone
    has, is never stored: such a value is a CMS placeholder (0001-01-01, 9999-12-31) or damage,
    and letting it through breaks whatever sorts, converts or checks dates later.
    """
    shown = " ".join(text.split())[:80]
    if has_impossible_offset(text):
        return None, f"published date '{shown}' dropped: impossible UTC offset"
    if reading is None:
        return None, None
    moment = reading.moment
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > LARGEST_OFFSET:
        return None, f"published date '{shown}' dropped: impossible UTC offset"
    # Years are compared before any conversion: year 1 at +14:00 has no UTC time at all.
    if moment.year < EARLIEST_YEAR:
        return None, f"published date '{shown}' dropped: before {EARLIEST_YEAR}"
    if moment.year > fetched_at.year + 1 or moment - fetched_at > LATEST_AFTER_FETCH:
        return None, f"published date '{shown}' dropped: more than a day after the page was fetched"
    return reading, None
