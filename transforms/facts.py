"""Facts in article text: money, percentages, counts, measures, durations, ratios, legal documents and
people, with what each figure means: its range, qualifier, level or change, actual or target, period,
comparison period and place."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date
from dataclasses import replace
from operator import attrgetter

from transforms.legal import (
    DOCUMENT_TYPE_BEFORE, DOCUMENT_TYPES_BY_CODE, ISSUED_AFTER, ISSUED_BEFORE, document_key, issue_date, issuer_of,
)
from transforms.numbers import DIGITS_PATTERN, SCALE_PATTERN, scaled_value
from transforms.people import UPPER, find_people
from transforms.periods import PeriodMention, Span, find_periods, resolve_comparison
from transforms.places import PlaceMention, find_places, is_city, resolve_place
from transforms.qualifiers import change_of, qualifier_of, status_of
from transforms.quantities import Figure, count_figure, ratio_figure
from transforms.records import Article, Fact
from transforms.subjects import subject_after, subject_before

EXTRACTOR_VERSION = "facts-2"

NUMERIC_KINDS = frozenset({"money", "percent", "percentage_point", "ratio", "number", "measure", "duration"})

_CURRENCIES = {
    "đồng": "VND", "VNĐ": "VND", "VND": "VND", "USD": "USD", "đô la Mỹ": "USD", "đô la": "USD",
    "đô-la": "USD", "Euro": "EUR", "euro": "EUR", "EUR": "EUR",
}
_CURRENCY_PATTERN = (
    r"(?:đồng(?!\s+(?:bào|chí|thời|bằng|hồ|nghiệp|ruộng|đội|hành|lòng|tâm|thuận|ý|bộ))"
    r"|VNĐ|VND|USD|đô la Mỹ|đô la|đô-la|Euro|euro|EUR)(?![\w])"
)
# "2 triệu đồng/người/năm học": per-units chain, and a few of them are two words.
_PER_UNIT = r"(?:năm học|ngày công|[^\W\d_]+)"
_MEASURE_PATTERN = r"(?:km2|km²|km|m2|m²|m3|m³|ha|kg|MWh|MW|kWh|kW|GW|cm|mm|m|°C|‰)(?![\w])"
_DOCUMENT_CODE = rf"[{UPPER}][\w&]*"

_FACT = re.compile(
    r"(?<![\w.,/+-])(?:"
    r"(?P<phone>(?:\+84|0)\d{2,3}(?:[.\s]?\d{3,4}){2}|1[89]00[.\s]?\d{4})(?![\w])"
    r"|(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/(?:19|20)\d\d)(?![\d/])"
    rf"|(?P<doc_number>\d+[a-z]?(?:/\d{{4}})?\s?[-/]\s?{_DOCUMENT_CODE}(?:\s?[-/]\s?{_DOCUMENT_CODE})*)"
    rf"|(?P<amount>{DIGITS_PATTERN})(?![.,]\d)"
    rf"(?:(?P<low_scale>{SCALE_PATTERN})(?:\s*[-–]\s*|\s+(?:đến|tới)\s+)(?P<high>{DIGITS_PATTERN})(?![.,/]?\d))?(?:"
    rf"/(?P<denominator>{DIGITS_PATTERN})(?![.,/]?\d)"
    rf"|(?P<scale>{SCALE_PATTERN})(?P<compound>\s+\d{{1,3}}\s+(?:triệu|nghìn|ngàn)(?![\w]))?(?:"
    r"(?P<points>\s+điểm\s+(?:phần trăm|%))"
    r"|(?P<percent>\s?%|\s+phần trăm(?![\w]))"
    rf"|\s+(?P<currency>{_CURRENCY_PATTERN})(?:/(?P<per_unit>{_PER_UNIT}(?:/{_PER_UNIT})*))?"
    rf"|\s?(?P<measure>{_MEASURE_PATTERN})"
    r"|\s+(?P<word>[^\W\d_]+)(?:\s+(?P<second_word>[^\W\d_]+))?"
    r")?))"
)
# Where _FACT can start: a digit or the "+" of "+84" that no word, number or link runs into.
_CANDIDATE_START = re.compile(r"[\d+](?<![\w.,/+-].)")
_EACH_AFTER = re.compile(r"\s+(?:cho\s+)?mỗi\s+([^\W\d_]+)")
# Starts with one character class so the regex engine can skip plain text quickly.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)|[.!?…]*[”\"’']?(?=\s))")
_SEMICOLON = re.compile(r";")
# A clause break: a comma that is no decimal comma, a semicolon, a colon.
_CLAUSE_BREAK = re.compile(r"[;:]|,(?!\d)")
# Items of one list share what the first says: "giảm 4 sở, 12 chi cục và 152 phòng".
_LIST_GAP = re.compile(
    r"(?:\s+(?!(?:đạt|là|còn|có|lên|xuống|tăng|giảm|so|với|trong|của)(?![\w]))[^\W\d]+){0,3}"
    r"\s*,?\s*(?:và|hoặc|tương đương|tương ứng|tức là)?\s*"
)
# Where a comparison applies beyond a change: "gấp 2,3 lần giai đoạn …", "bằng 112% so với cùng kỳ".
_COMPARED_AFTER = re.compile(r"\s*(?:so với|so)(?![\w])")
_WHITESPACE = re.compile(r"\s+")
_DOCUMENT_NUMBER_SEPARATOR = re.compile(r"[-/]")
_ALIAS_OPENING = re.compile(r"\s*\(\s*$")
_FORMER_MARK = re.compile(r"\s*(?:\(?cũ\)?)?\s*$")
_CONCENTRATED_IN = re.compile(r"\s*(?:tập trung|chủ yếu|nhiều nhất)\s+(?:tại|ở)\s+", re.IGNORECASE)


class _Sentence:
    """One sentence of a text: its offsets and text, and what its numeric facts take from it."""

    __slots__ = ("start", "end", "text", "periods", "places", "semicolons", "clause_breaks")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.periods: list[PeriodMention] | None = None
        self.places: list[PlaceMention] | None = None
        self.semicolons: list[int] = []
        self.clause_breaks: list[int] = []


class _Text:
    """One text being scanned, with its sentences and the provenance its facts carry."""

    __slots__ = (
        "text", "source", "paragraph", "province_code", "sentence_ends", "sentence", "periods", "places", "documents"
    )

    def __init__(self, text: str, source: str, paragraph: int | None, province_code: str | None) -> None:
        self.text = text
        self.source = source
        self.paragraph = paragraph
        self.province_code = province_code
        self.sentence_ends: list[int] | None = None
        self.sentence: _Sentence | None = None
        # Found when the first numeric fact asks: many texts hold none.
        self.periods: list[PeriodMention] | None = None
        self.places: list[PlaceMention] | None = None
        # Documents whose issuer the text names, by number: a later citation of the same number
        # that names none ("và Nghị quyết số 09-NQ/TU …") is the same document.
        self.documents: dict[str, tuple[str, date | None]] = {}


def extract_facts(article: Article, province_code: str | None = None) -> list[Fact]:
    """Facts of the title, lead, each body paragraph and each caption, with offsets inside that text.
    `province_code` (the publishing site's province) reads place names that several provinces share;
    without it, the first province the title or lead names is used."""
    if province_code is None:
        province_code = main_province(article)
    facts = extract_facts_from_text(article.title, "title", None, province_code)
    facts += extract_facts_from_text(article.lead, "lead", None, province_code)
    for index, paragraph in enumerate(article.body):
        facts += extract_facts_from_text(paragraph, "body", index, province_code)
    for caption in article.captions:
        facts += extract_facts_from_text(caption.text, "caption", caption.position, province_code)
    return facts


def main_province(article: Article) -> str | None:
    """The province the article's title or lead names first, if any."""
    for text in (article.title, article.lead):
        for mention in find_places(text):
            place = resolve_place(mention, None)
            if place is not None:
                return place.province_code
    return None


def extract_facts_from_text(
    text: str, source: str, paragraph: int | None = None, province_code: str | None = None
) -> list[Fact]:
    """Facts of one text in order of position; `source` and `paragraph` are copied onto each fact."""
    scanned = _Text(text, source, paragraph, province_code)
    facts = _numbers_and_documents(scanned)
    people = find_people(text)
    if people:
        for person in people:
            facts.append(
                _fact(scanned, "person", person.start, person.end, name=person.name, role=person.role,
                      organisation=person.organisation)
            )
        facts.sort(key=attrgetter("start"))
    return facts


def _numbers_and_documents(scanned: _Text) -> list[Fact]:
    """Numeric and legal_ref facts found in one pass over the text."""
    text = scanned.text
    facts: list[Fact] = []
    covered = 0
    for candidate in _CANDIDATE_START.finditer(text):
        start = candidate.start()
        if start < covered or (match := _FACT.match(text, start)) is None:
            continue
        covered = match.end()
        if match["phone"] or match["date"]:
            continue
        if match["doc_number"]:
            document = _legal_reference(scanned, match)
            if document is not None:
                facts.append(document)
            continue
        if match["word"] == "dân" and text[max(0, start - 5) : start] == "trên ":
            facts = _with_population_base(text, facts, match)
            continue
        figure = _figure(scanned, match)
        if figure is not None:
            kind, end, low, high, unit, per_unit, denominator, subject = figure
            previous = next((fact for fact in reversed(facts) if fact.kind in NUMERIC_KINDS), None)
            facts.append(
                _numeric_fact(scanned, kind, start, end, low, high, unit, per_unit, denominator, subject, previous)
            )
    return facts


def _with_population_base(text: str, facts: list[Fact], base: re.Match[str]) -> list[Fact]:
    """Counts of the clause turned per-unit by "… 23 điều dưỡng trên 1 vạn dân"; the base is no fact."""
    clause_start = max(text.rfind(";", 0, base.start()), text.rfind(". ", 0, base.start()))
    per_unit = text[base.start() : base.end("word")]
    return [
        replace(fact, per_unit=per_unit)
        if fact.kind == "number" and fact.per_unit is None and fact.start > clause_start
        else fact
        for fact in facts
    ]




def _figure(scanned: _Text, match: re.Match[str]) -> Figure | None:
    """Kind, end, low, high, unit, per-unit, denominator and subject of the figure a match holds,
    or None when the number is no figure (a year, a level, a date, a slogan)."""
    text = scanned.text
    amount, high_amount, scale = match["amount"], match["high"], match["scale"] or ""
    high_value = scaled_value(high_amount or amount, scale)
    low_value = scaled_value(amount, match["low_scale"] or scale) if high_amount else high_value
    if match["compound"]:
        extra = scaled_value(*match["compound"].split())
        low_value, high_value = low_value + extra, high_value + extra
    if high_amount and low_value > high_value:
        return None
    end = match.end()
    if match["points"]:
        return ("percentage_point", end, low_value, high_value, "điểm phần trăm", None, None,
                _subject(text, scanned, match.start(), end, lower_case_after=True))
    if match["percent"]:
        return ("percent", end, low_value, high_value, "%", None, None,
                _subject(text, scanned, match.start(), end, lower_case_after=True))
    if match["currency"]:
        per_unit = match["per_unit"]
        if per_unit is None and (each := _EACH_AFTER.match(text, end)):
            per_unit = each[1]
        return ("money", end, low_value, high_value, _CURRENCIES[match["currency"]], per_unit, None,
                _subject(text, scanned, match.start(), end, lower_case_after=True))
    if match["denominator"]:
        return ratio_figure(text, match)
    return count_figure(text, match, low_value, high_value)


def _subject(text: str, scanned: _Text, start: int, end: int, lower_case_after: bool) -> str | None:
    """The subject after a money or percent figure ("0,04%/tổng số ca mắc"), else the clause before it."""
    position = end
    while position < len(text) and text[position] in " /":
        position += 1
    if lower_case_after and text[position : position + 1].islower():
        after = subject_after(text, position)
        if after:
            return after
    sentence = _sentence(scanned, start)
    return subject_before(text[sentence.start : start])


def _numeric_fact(
    scanned: _Text, kind: str, number_start: int, end: int, low: float, high: float, unit: str | None,
    per_unit: str | None, denominator: float | None, subject: str | None, previous: Fact | None,
) -> Fact:
    """A numeric fact at text[start:end] with its provenance and meaning."""
    text = scanned.text
    qualifier, start = qualifier_of(text, number_start, end)
    sentence = _context(scanned, start)
    in_list = previous is not None and previous.start >= sentence.start and _LIST_GAP.fullmatch(
        text, previous.end, start
    )
    if in_list:
        measure, direction = previous.measure, previous.direction  # type: ignore[union-attr]
    elif kind == "ratio":
        measure, direction = "level", None
    else:
        measure, direction = change_of(_clause_before(text, sentence, start), kind)
    period = _period(scanned, sentence, start, end)
    compared: Span | None = None
    if in_list and previous is not None and previous.compared_to_start is not None:
        compared = previous.compared_to_start, previous.compared_to_end  # type: ignore[assignment]
    elif measure == "change" or unit == "lần" or _COMPARED_AFTER.match(text, end):
        compared = _comparison(sentence, start, end, period)
    place = _place(scanned, sentence, start, end)
    resolved = resolve_place(place, scanned.province_code) if place else None
    return Fact(
        kind=kind, text=text[start:end], sentence=sentence.text, source=scanned.source, start=start, end=end,
        value=low if low == high else None, low=low, high=high, denominator=denominator, unit=unit,
        per_unit=per_unit, qualifier=qualifier, measure=measure, direction=direction,
        status=status_of(text[sentence.start : start], text[end : end + 60]),
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        compared_to_start=compared[0] if compared else None, compared_to_end=compared[1] if compared else None,
        place_name=place.text if place else None, place_code=resolved.code if resolved else None,
        place_level=resolved.level if resolved else None, subject=subject, paragraph=scanned.paragraph,
        extractor_version=EXTRACTOR_VERSION,
    )


def _clause_before(text: str, sentence: _Sentence, start: int) -> str:
    """The words of the figure's clause before it, with the periods it names taken out."""
    index = bisect_right(sentence.clause_breaks, start - 1)
    clause_start = sentence.clause_breaks[index - 1] + 1 if index else sentence.start
    clause = text[clause_start:start]
    for period in reversed(sentence.periods or ()):
        if clause_start <= period.start and period.end <= start:
            offset = period.start - clause_start
            clause = clause[:offset] + " " + clause[period.end - clause_start :]
    return clause


def _bounds(breaks: list[int], sentence: _Sentence, start: int, end: int) -> tuple[int, int]:
    """Offsets of the stretch of the sentence around text[start:end] that no break cuts."""
    index = bisect_right(breaks, start - 1)
    first = breaks[index - 1] + 1 if index else sentence.start
    index = bisect_right(breaks, end - 1)
    return first, breaks[index] if index < len(breaks) else sentence.end


def _period(scanned: _Text, sentence: _Sentence, start: int, end: int) -> Span | None:
    """The figure's own period: within its clause the nearest before, else the nearest after; else the
    nearest before in the sentence; else the last one of the paragraph before the sentence."""
    own = [period for period in sentence.periods or () if not period.comparison and period.span]
    clause_start, clause_end = _bounds(sentence.semicolons, sentence, start, end)
    in_clause = [period for period in own if clause_start <= period.start and period.end <= clause_end]
    before = [period for period in in_clause if period.end <= start]
    if before:
        return before[-1].span
    after = [period for period in in_clause if period.start >= end]
    if after:
        return after[0].span
    before = [period for period in own if period.end <= start]
    if before:
        return before[-1].span
    earlier = [
        period for period in scanned.periods or ()
        if period.end <= sentence.start and not period.comparison and period.span
    ]
    return earlier[-1].span if earlier else None


def _comparison(sentence: _Sentence, start: int, end: int, period: Span | None) -> Span | None:
    """What the figure is compared with: in its clause the nearest comparison after it, else before it."""
    comparisons = [period for period in sentence.periods or () if period.comparison]
    if not comparisons:
        return None
    clause_start, clause_end = _bounds(sentence.semicolons, sentence, start, end)
    in_clause = [mention for mention in comparisons if clause_start <= mention.start < clause_end]
    after = [mention for mention in in_clause if mention.start >= end]
    if not in_clause:
        return None
    chosen = after[0] if after else in_clause[-1]
    return resolve_comparison(chosen, period)


def _place(scanned: _Text, sentence: _Sentence, start: int, end: int) -> PlaceMention | None:
    """The place a figure is about: the place its brackets follow ("huyện Ba Chẽ (58 hộ)"); else the
    nearest place before it in its clause, else after it in its clause; else the nearest before it
    in the sentence."""
    places = sentence.places or []
    if not places:
        return None
    text = scanned.text
    opening = text.rfind("(", sentence.start, start)
    if opening >= 0 and text.find(")", opening, start) < 0:
        for place in reversed(places):
            if place.end <= opening and _FORMER_MARK.fullmatch(text, place.end, opening):
                return place
    clause_start, clause_end = _bounds(sentence.clause_breaks, sentence, start, end)
    in_clause = [place for place in places if clause_start <= place.start and place.end <= clause_end]
    before = [place for place in in_clause if place.end <= start]
    if before:
        return before[-1]
    if in_clause:
        return in_clause[0]
    concentrated = _CONCENTRATED_IN.match(text, clause_end + 1)
    if concentrated:
        return next((place for place in places if place.start == concentrated.end()), None)
    before = [place for place in places if place.end <= start]
    return before[-1] if before else None


def _context(scanned: _Text, position: int) -> _Sentence:
    """The sentence holding `position`, with the periods, places and breaks numeric facts take."""
    sentence = _sentence(scanned, position)
    if sentence.periods is None:
        text = scanned.text
        if scanned.periods is None:
            scanned.periods = find_periods(text)
            scanned.places = _without_aliases(text, find_places(text))
        sentence.periods = [period for period in scanned.periods if sentence.start <= period.start < sentence.end]
        sentence.places = [
            place for place in scanned.places or () if sentence.start <= place.start < sentence.end
        ]
        sentence.semicolons = [match.start() for match in _SEMICOLON.finditer(text, sentence.start, sentence.end)]
        sentence.clause_breaks = [
            match.start() for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end)
        ]
    return sentence


def _without_aliases(text: str, places: list[PlaceMention]) -> list[PlaceMention]:
    """Places without the ones in brackets that only rename the place before them
    ("phường Phong Điền (huyện Phong Điền cũ)")."""
    kept: list[PlaceMention] = []
    for place in places:
        if kept and _ALIAS_OPENING.fullmatch(text, kept[-1].end, place.start):
            continue
        kept.append(place)
    return kept


def _legal_reference(scanned: _Text, match: re.Match[str]) -> Fact | None:
    """A `legal_ref` fact with a normalised number, its type, issuer, issue date and key."""
    text = scanned.text
    number = _WHITESPACE.sub("", match["doc_number"])
    before = DOCUMENT_TYPE_BEFORE.search(text, max(0, match.start() - 40), match.start())
    stated_type = before["doc_type"] if before else None
    # "2030 - Đây là…" looks like a number with one code; a real one has two codes or follows "số".
    codes = [code for code in _DOCUMENT_NUMBER_SEPARATOR.split(number)[1:] if not code.isdigit()]
    if len(codes) < 2 and not (stated_type or (before and before["number_word"])):
        return None
    sentence_start = _sentence(scanned, match.start()).start
    type_start = before.start() if before else match.start()
    issued = ISSUED_AFTER.match(text, match.end()) or ISSUED_BEFORE.search(text, sentence_start, type_start)
    issued_on = issue_date(issued)
    doc_type = stated_type or DOCUMENT_TYPES_BY_CODE.get(codes[0] if codes else "")
    city = bool(scanned.province_code) and is_city(scanned.province_code)  # type: ignore[arg-type]
    issuer, named = issuer_of(text, match.end(), type_start, sentence_start, number, city)
    if named:
        scanned.documents[number] = (issuer, issued_on)  # type: ignore[assignment]
    elif number in scanned.documents and scanned.documents[number][1] in (None, issued_on):
        issuer, issued_on = scanned.documents[number][0], issued_on or scanned.documents[number][1]
    return _fact(scanned, "legal_ref", match.start("doc_number"), match.end("doc_number"),
                 doc_number=number, doc_type=doc_type, issued_on=issued_on, issuer=issuer,
                 doc_key=document_key(number, issuer, issued_on))


def _fact(scanned: _Text, kind: str, start: int, end: int, **fields: object) -> Fact:
    """A legal_ref or person fact at text[start:end] with its provenance."""
    return Fact(
        kind=kind, text=scanned.text[start:end], sentence=_sentence(scanned, start).text, source=scanned.source,
        start=start, end=end, paragraph=scanned.paragraph, extractor_version=EXTRACTOR_VERSION,
        **fields,  # type: ignore[arg-type]
    )


def _sentence(scanned: _Text, position: int) -> _Sentence:
    """The sentence holding `position`."""
    sentence = scanned.sentence
    if sentence is not None and sentence.start <= position < sentence.end:
        return sentence
    text = scanned.text
    sentence_ends = scanned.sentence_ends
    if sentence_ends is None:
        sentence_ends = scanned.sentence_ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    index = bisect_right(sentence_ends, position)
    start = sentence_ends[index - 1] if index else 0
    end = sentence_ends[index] if index < len(sentence_ends) else len(text)
    sentence = scanned.sentence = _Sentence(start, end, text[start:end].strip())
    return sentence

