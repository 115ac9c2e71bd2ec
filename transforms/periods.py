"""Periods in Vietnamese news text: what time a figure is about, and what time it is compared with.

"Quý I/2026" is 2026-01-01..2026-03-31, "9 tháng đầu năm 2026" is 2026-01-01..2026-09-30, "giai
đoạn 2016 – 2020" is 2016-01-01..2020-12-31, "hết năm 2022" and "đến 30/6/2025" are single days.
A period after "so với", "cao hơn", "gấp … lần" is a comparison ("so với cùng kỳ năm 2025"), never
the period of the figure.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from transforms.people import by_first_letter

Span = tuple[date, date]

_ROMAN_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _year(name: str) -> str:
    return rf"(?P<{name}>(?:19|20)\d\d)(?!\d)"


def _day_month_year(prefix: str) -> str:
    return rf"(?P<{prefix}_day>\d{{1,2}})\s*/\s*(?P<{prefix}_month>\d{{1,2}})\s*/\s*{_year(prefix + '_year')}"


_MONTH_YEAR_GLUE = r"\s*(?:/|\s+năm\s+)\s*"
# Each alternative is one way of writing a period; its group names say how to read it.
_PERIOD = re.compile(
    rf"(?i:(?P<same_period>cùng kỳ))(?:\s+năm\s+{_year('same_year')}|\s+năm\s+trước)?"
    r"|(?P<previous>(?i:tháng|quý|năm)) (?:trước|liền kề|ngoái)(?![\w])"
    rf"|(?i:giai đoạn|thời kỳ|niên vụ|năm học|niên độ)\s+{_year('span_from')}\s*[-–—]\s*{_year('span_to')}"
    rf"|\({_year('bracket_from')}\s*[-–—]\s*{_year('bracket_to')}\)"
    rf"|(?P<months>\d{{1,2}}) tháng (?:(?P<part>đầu|cuối)\s+)?năm\s+{_year('months_year')}"
    rf"|(?i:quý) (?P<quarter>IV|III|II|I|[1-4]){_MONTH_YEAR_GLUE}{_year('quarter_year')}"
    rf"|(?i:tháng) (?P<month_from>\d{{1,2}})\s*(?:và|,|-|–|đến|tới)\s*tháng (?P<month_to>\d{{1,2}})"
    rf"{_MONTH_YEAR_GLUE}{_year('month_range_year')}"
    rf"|(?i:tháng) (?P<month>\d{{1,2}}){_MONTH_YEAR_GLUE}{_year('month_year')}"
    rf"|(?i:(?:tính\s+)?(?:đến\s+)?(?:hết|cuối))\s+năm\s+{_year('end_year')}"
    rf"|(?i:(?:tính\s+)?(?:đến\s+)?(?:hết|cuối))\s+tháng\s+(?P<end_month>\d{{1,2}}){_MONTH_YEAR_GLUE}"
    rf"{_year('end_month_year')}"
    rf"|(?i:(?:tính\s+)?(?:đến\s+)?(?:hết|cuối))\s+quý\s+(?P<end_quarter>IV|III|II|I|[1-4]){_MONTH_YEAR_GLUE}"
    rf"{_year('end_quarter_year')}"
    rf"|(?i:từ)\s+(?:ngày\s+)?{_day_month_year('from')}\s*(?:đến|tới|-|–)\s*(?:hết\s+)?(?:ngày\s+)?"
    rf"{_day_month_year('to')}"
    rf"|(?i:(?:tính\s+)?(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?){_day_month_year('until')}"
    rf"|(?i:năm)\s+{_year('year')}"
)
# A period right after one of these is what the figure is compared with ("so với dự toán năm 2025",
# "cao hơn năm 2024", "gấp 1,5 lần năm 2020"), allowing a few words between.
_COMPARISON_BEFORE = re.compile(r"(?<![\w])(?:so với|so|hơn|lần)\s+(?:[^\W\d]+\s+){0,3}$", re.IGNORECASE)
# "dự kiến hoàn thành vào quý IV/2026": when an event happens, not the period of the figures beside it.
_EVENT_BEFORE = re.compile(
    r"(?<![\w])(?:hoàn thành|khởi công|khánh thành|đưa vào sử dụng|đưa vào vận hành|vận hành|bàn giao|thông xe)"
    r"(?:\s+\S+){0,4}?(?:\s+(?:vào|trong|trước))?\s+$",
    re.IGNORECASE,
)
# "đến năm 2030" is a year the figure is about (a target), not a comparison.
_COMPARISON_LOOKBACK = 40


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A period written in a text: its offsets, its dates (None for relative ones such as
    "cùng kỳ" or "tháng trước", resolved against the figure's own period) and whether it is a
    comparison."""

    start: int
    end: int
    span: Span | None
    comparison: bool
    relative: str | None = None  # "same_period", "same_period:<year>", "previous:<tháng|quý|năm>"


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _span(match: re.Match[str]) -> Span | None:
    """The dates a period match names."""
    group = match.group
    if group("span_from"):
        first, last = int(group("span_from")), int(group("span_to"))
        return (date(first, 1, 1), date(last, 12, 31)) if first <= last else None
    if group("bracket_from"):
        first, last = int(group("bracket_from")), int(group("bracket_to"))
        return (date(first, 1, 1), date(last, 12, 31)) if first <= last else None
    if group("months"):
        months, year = int(group("months")), int(group("months_year"))
        if not 1 <= months <= 12:
            return None
        if group("part") == "cuối":
            return date(year, 13 - months, 1), date(year, 12, 31)
        return date(year, 1, 1), _last_day(year, months)
    if group("quarter"):
        quarter, year = _ROMAN_QUARTERS[group("quarter").upper()], int(group("quarter_year"))
        return date(year, quarter * 3 - 2, 1), _last_day(year, quarter * 3)
    if group("month_from"):
        first, last, year = int(group("month_from")), int(group("month_to")), int(group("month_range_year"))
        return (date(year, first, 1), _last_day(year, last)) if 1 <= first <= last <= 12 else None
    if group("month"):
        month, year = int(group("month")), int(group("month_year"))
        return (date(year, month, 1), _last_day(year, month)) if 1 <= month <= 12 else None
    if group("end_month"):
        month, year = int(group("end_month")), int(group("end_month_year"))
        return (_last_day(year, month),) * 2 if 1 <= month <= 12 else None  # type: ignore[return-value]
    if group("end_quarter"):
        quarter, year = _ROMAN_QUARTERS[group("end_quarter").upper()], int(group("end_quarter_year"))
        return (_last_day(year, quarter * 3),) * 2  # type: ignore[return-value]
    if group("end_year"):
        end = date(int(group("end_year")), 12, 31)
        return end, end
    if group("from_day"):
        first = _safe_date(group("from_year"), group("from_month"), group("from_day"))
        last = _safe_date(group("to_year"), group("to_month"), group("to_day"))
        return (first, last) if first and last and first <= last else None
    if group("until_day"):
        day = _safe_date(group("until_year"), group("until_month"), group("until_day"))
        return (day, day) if day else None
    year = int(group("year"))
    return date(year, 1, 1), date(year, 12, 31)


# Where a period can start: a literal word the regex engine can skip to quickly; _PERIOD is then
# tried only there, instead of at every offset of the text.
_PERIOD_WORDS = "cùng kỳ|tháng|quý|năm|giai đoạn|thời kỳ|niên|tính|đến|tới|hết|cuối|từ".split("|")
_PERIOD_START = re.compile(
    "(?:" + by_first_letter([case(word) for word in _PERIOD_WORDS for case in (str.lower, str.capitalize)]) + ")"
    r"(?![\w])|\((?=\d)|\d{1,2} tháng"
)


def _period_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The non-overlapping matches of _PERIOD in text[start:end], left to right."""
    matches = []
    covered = start
    for candidate in _PERIOD_START.finditer(text, start, end):
        if candidate.start() < covered:
            continue
        if (candidate.start() and text[candidate.start() - 1].isalnum()) or (
            match := _PERIOD.match(text, candidate.start(), end)
        ) is None:
            continue
        matches.append(match)
        covered = match.end()
    return matches


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[PeriodMention]:
    """The periods written in text[start:end], in order, each marked as a comparison or not."""
    mentions = []
    for match in _period_matches(text, start, len(text) if end is None else end):
        before = text[max(start, match.start() - _COMPARISON_LOOKBACK) : match.start()]
        comparison = _COMPARISON_BEFORE.search(before) is not None
        if _EVENT_BEFORE.search(before):
            continue
        if match["same_period"]:
            relative = f"same_period:{match['same_year']}" if match["same_year"] else "same_period"
            mentions.append(PeriodMention(match.start(), match.end(), None, True, relative))
        elif match["previous"]:
            relative = f"previous:{match['previous'].lower()}"
            mentions.append(PeriodMention(match.start(), match.end(), None, comparison, relative))
        elif (span := _span(match)) is not None:
            mentions.append(PeriodMention(match.start(), match.end(), span, comparison))
    return mentions


def _shift_years(span: Span, year: int) -> Span | None:
    """The same months and days of `span` in another year (`span` within one year)."""
    first, last = span
    if first.year != last.year:
        return None
    day = min(last.day, calendar.monthrange(year, last.month)[1])
    return date(year, first.month, first.day), date(year, last.month, day)


def resolve_comparison(mention: PeriodMention, period: Span | None) -> Span | None:
    """The dates of a comparison, relative ones ("cùng kỳ", "tháng trước") read against the
    figure's own period."""
    if mention.span is not None:
        return mention.span
    if period is None or mention.relative is None:
        return None
    first, last = period
    if mention.relative.startswith("same_period"):
        _, _, year = mention.relative.partition(":")
        return _shift_years(period, int(year) if year else first.year - 1)
    unit = mention.relative.partition(":")[2]
    if unit == "năm":
        return _shift_years(period, first.year - 1)
    if unit == "tháng" and first.month == last.month and first.year == last.year and first.day == 1:
        previous_month = first.month - 1 or 12
        year = first.year - (first.month == 1)
        return date(year, previous_month, 1), _last_day(year, previous_month)
    if unit == "quý" and first.year == last.year and (last.month - first.month) == 2 and first.month % 3 == 1:
        month = first.month - 3 if first.month > 3 else 10
        year = first.year - (first.month <= 3)
        return date(year, month, 1), _last_day(year, month + 2)
    return None
