"""Facts in article text: money, percentages, ratios, counts, legal documents and people."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from transforms.numbers import DIGITS_PATTERN, SCALE_PATTERN, digits_value, scaled_value
from transforms.people import LOWER, UPPER, find_people
from transforms.records import Article, Fact

EXTRACTOR_VERSION = "facts-1"

NUMERIC_KINDS = frozenset({"money", "percent", "ratio", "number"})

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
_MEASURE_PATTERN = r"(?:km2|km²|km|m2|m²|m3|m³|ha|kg|MW|kWh|kW|GW|cm|mm)(?![\w])"
_DOCUMENT_CODE = rf"[{UPPER}][\w&]*"

_FACT = re.compile(
    r"(?<![\w.,/+-])(?:"
    r"(?P<phone>(?:\+84|0)\d{2,3}(?:[.\s]?\d{3,4}){2})(?![\w])"
    r"|(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/(?:19|20)\d\d)(?![\d/])"
    rf"|(?P<doc_number>\d+[a-z]?(?:/\d{{4}})?\s?[-/]\s?{_DOCUMENT_CODE}(?:\s?[-/]\s?{_DOCUMENT_CODE})*)"
    rf"|(?P<amount>{DIGITS_PATTERN})(?![.,]\d)(?:"
    rf"/(?P<denominator>{DIGITS_PATTERN})(?![.,/]?\d)"
    rf"|(?P<scale>{SCALE_PATTERN})(?:"
    r"(?P<percent>\s?%|\s+phần trăm(?![\w]))"
    rf"|\s+(?P<currency>{_CURRENCY_PATTERN})(?:/(?P<per_unit>{_PER_UNIT}(?:/{_PER_UNIT})*))?"
    rf"|\s?(?P<measure>{_MEASURE_PATTERN})"
    r"|\s+(?P<word>[^\W\d_]+)(?:\s+(?P<second_word>[^\W\d_]+))?"
    r")?))"
)

# Where _FACT can start: a digit or the "+" of "+84" that no word, number or link runs into.
# The look-behind comes after the character so the regex engine can skip plain text quickly.
_CANDIDATE_START = re.compile(r"[\d+](?<![\w.,/+-].)")


class _Groups(NamedTuple):
    """The groups of a _FACT match, in the pattern's order: one groups() call costs less than
    looking several of them up by name."""

    phone: str | None
    date: str | None
    doc_number: str | None
    amount: str
    denominator: str | None
    scale: str | None
    percent: str | None
    currency: str | None
    per_unit: str | None
    measure: str | None
    word: str | None
    second_word: str | None


# Words after which a number names a level, an ordinal, a stage or a place rather than
# counting something: "mức độ 3, 4", "mũi 3", "thôn 2", "giai đoạn 2", "năm 2022", "Đề án 196".
_LEVEL_WORDS = frozenset(
    {
        "mức độ", "mức", "mũi", "thôn", "khu phố", "khu", "tổ dân phố", "tổ", "giai đoạn", "nhiệm kỳ", "khóa",
        "khoá", "cấp", "lần thứ", "thứ", "số", "đợt", "kỳ", "năm", "tháng", "ngày", "quý", "tuần", "lớp",
        "phòng", "tầng", "điểm", "bước", "hạng", "loại", "nhóm", "phố", "xóm", "bản", "ấp", "tập", "chương",
        "điều", "khoản", "mục", "phần", "đề án", "quốc lộ", "tỉnh lộ", "km", "lô", "căn", "phiên", "vòng",
        "bảng", "top", "đoạn", "tuyến", "cụm", "ngõ", "ngách", "hẻm", "kiệt", "lần", "sư đoàn", "trung đoàn",
        # "chiều 30 Tết", "sáng 2/6": a day, not a count.
        "sáng", "trưa", "chiều", "tối", "đêm", "hôm", "mùng", "mồng",
    }
)
# Every level word ends with one of these: most numbers follow none of them.
_LEVEL_LAST_WORDS = frozenset(phrase.split()[-1] for phrase in _LEVEL_WORDS)
# Glue inside a list of levels: the "3, " of "mức độ 3, 4".
_LEVEL_LIST_GLUE = frozenset({",", "và", "-", "–", "/"})
# "trong vòng 24 giờ" measures a delay; "vòng 2" names a round.
_NOT_LEVEL_PHRASES = frozenset({"trong vòng", "danh mục", "tổng điểm"})
# "tổng số 258 hộ" counts; "số 5" names.
_COUNTING_BEFORE_NUMBER_WORD = "tổng"
_APPROXIMATIONS = frozenset(
    {"xấp xỉ", "ít nhất", "tối thiểu", "tối đa", "gần như", "khoảng", "chừng", "hơn", "gần", "trên", "dưới", "ước"}
)
# Every approximation ends with one of these words: most numbers follow none of them.
_APPROXIMATION_LAST_WORDS = frozenset(phrase.split()[-1] for phrase in _APPROXIMATIONS)
# Every character whose lower case is the last letter of one of those words: that letter in either
# case, as a check over all code points confirms.
_APPROXIMATION_LAST_LETTERS = frozenset(
    character for word in _APPROXIMATION_LAST_WORDS for character in (word[-1], word[-1].upper())
)
_OPENING_QUOTES = "(“\"'"
_COMPARATIVES = frozenset(
    "cao thấp nhiều ít lớn nhỏ sớm muộn chậm nhanh tốt kém dài ngắn rộng hẹp đông mạnh".split()
)
# "trực 24/24 giờ", "7/7 ngày" say "round the clock", not a part of a whole.
_ROUND_THE_CLOCK_UNITS = re.compile(r"\s*(?:giờ|h|ngày|tuần)(?![\w])")
_DATE_WORDS = frozenset(
    "ngày sáng trưa chiều tối đêm hôm mùng mồng tháng từ đến tới trước sau".split()
)
_DOCUMENT_TYPE_BEFORE = re.compile(
    r"(?P<doc_type>Nghị quyết|Nghị định|Quyết định|Kế hoạch|Thông tư liên tịch|Thông tư|Chỉ thị|"
    r"Công văn|Thông báo|Kết luận|Quy định|Hướng dẫn|Luật|Pháp lệnh|Công điện|Văn bản|Tờ trình|"
    r"Báo cáo|Đề án|Chương trình)?\s*(?P<number_word>số)?\s*$"
)
_DOCUMENT_TYPES_BY_CODE = {
    "NQ": "Nghị quyết", "NĐ": "Nghị định", "QĐ": "Quyết định", "KH": "Kế hoạch", "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch", "CT": "Chỉ thị", "CV": "Công văn", "TB": "Thông báo", "KL": "Kết luận",
    "QĐi": "Quy định", "HD": "Hướng dẫn", "CĐ": "Công điện", "TTr": "Tờ trình", "BC": "Báo cáo",
    "ĐA": "Đề án", "CTr": "Chương trình",
}
# "Ngày 12/9/2025, UBND tỉnh ban hành Quyết định số 3456/QĐ-UBND": the date leads the sentence.
_ISSUED_BEFORE = re.compile(
    r"ngày\s+(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})\s*,?\s+(?:[^.;]{0,60}?\s)?ban hành\s+$",
    re.IGNORECASE,
)
# "…, ngày 03/3/2015" or "… của Tỉnh ủy ngày 03 tháng 3 năm 2015", but not "… của Chính phủ đến ngày …".
_ISSUED_AFTER = re.compile(
    r"\s*,?\s*(?:của\s+(?:(?!đến|từ|tới|trước|sau)[^\s.;,]+\s+){1,6})?(?:ban hành\s+)?ngày\s+"
    r"(?P<day>\d{1,2})\s*(?:/|-|\s+tháng\s+)(?P<month>\d{1,2})\s*(?:/|-|\s+năm\s+)(?P<year>\d{4})"
)

_NOT_UNIT_WORDS = frozenset(
    "của và là với trong trên tại ở cho đến từ khi thì mà được đã sẽ đang có không này đó trước sau "
    "nữa hoặc hay so để về theo bằng như cũng vẫn đều chỉ mới tới lên xuống ra vào nên do bị "
    "chỗ trăm mươi lẻ rưỡi".split()
)
_COMPOUND_UNITS = frozenset(
    {
        "bác sĩ", "dược sĩ", "điều dưỡng", "giường bệnh", "dự án", "thủ tục", "doanh nghiệp", "học sinh",
        "sinh viên", "công nhân", "lao động", "đề án", "hành khách", "du khách", "địa phương", "dịch vụ",
        "hồ sơ", "cán bộ", "đảng viên", "hội viên", "đoàn viên", "giáo viên", "công trình", "chương trình",
        "mô hình", "sản phẩm", "trường học", "gia đình", "cơ sở", "nhà ở", "căn hộ", "tàu cá", "phương tiện",
        "đơn vị", "tiêu chí", "suất quà", "cơ quan", "tổ chức", "thôn bản", "khu phố", "nhân khẩu", "chi bộ", "quốc gia",
        "trung tâm", "nghị quyết", "quyết định", "văn bản", "kế hoạch", "đề tài", "sáng kiến", "hội nghị",
        "lớp học", "phòng học", "tuyến đường", "công ty", "bệnh viện", "điểm trường", "ngôi nhà",
        "căn nhà", "con đường", "cây cầu", "chuyến bay", "chuyến xe", "người dân", "hộ dân",
        "công dân", "vụ việc", "vụ án", "độ c", "học viên", "thí sinh", "cử tri", "đại biểu", "bệnh nhân",
        "trẻ em", "chiến sĩ", "việc làm", "ô tô", "xe máy", "tấn hàng", "điểm thi", "phòng thi", "khách hàng",
        "chỉ tiêu", "hoạt động", "gian hàng", "đặc khu", "biên bản", "đối tượng", "diễn viên", "thành viên",
        "thành phố", "dự thảo",
    }
)
_SUBJECT_STOP_WORDS = frozenset(
    "trên trong của đạt chiếm được là với tại ở không đã có và cho theo từ đến so tương tăng giảm hoàn "
    "khi nhưng song để thì mà vào ra lên bằng gồm như nên do bị sẽ đang vẫn này đó qua trước sau "
    "chỉ thấp cao hơn dưới".split()
)
_SUBJECT_LEADING_WORDS = frozenset("với và có đến nay cụ thể trong đó đồng thời".split())
_SUBJECT_TRAILING_WORDS = frozenset(
    "là đạt chiếm tăng giảm ước thực hiện khoảng hơn gần trên dưới tỷ lệ ở mức bằng tương đương được "
    "đã với lên xuống gấp còn có".split()
)
_CLAUSE_BEFORE_SUBJECT = re.compile(r"[,;:(]|\svới\s")
_WHITESPACE = re.compile(r"\s+")
_DOCUMENT_NUMBER_SEPARATOR = re.compile(r"[-/]")
# "6 tháng đầu năm", "10 tháng năm 2025", "9 tháng năm nay" name a period, not a count.
_MONTHS_OF_YEAR_AFTER = re.compile(r"\s+(?:(?:đầu|cuối)\s+)?năm(?!\s+(?:tháng|ngày|giờ)(?![\w]))(?![\w])")
# "trong vòng 24 giờ" is a duration; "từ 7 giờ đến 17 giờ" and "lúc 9 giờ" are clock times.
_CLOCK_UNITS = frozenset({"giờ", "phút"})
_DURATION_WORDS = frozenset({"vòng", "trong", "sau", "mất", "suốt", "tới", "hơn", "gần"})
_CLOCK_TIME_AFTER = re.compile(r"\s+(?:\d|sáng|trưa|chiều|tối|đêm|ngày)")
_EACH_AFTER = re.compile(r"\s+(?:cho\s+)?mỗi\s+([^\W\d_]+)")
# Punctuation, or a comma that is not a decimal comma ("1,5"). Every branch starts with the
# character it matches, so the regex engine can skip plain text.
_SUBJECT_END = re.compile(r"[.;:()\"“”]|,(?:(?<!\d,)|(?!\s?\d))")
_CLAUSE_BREAK = re.compile(r"[,;()]")

# Starts with one character class so the regex engine can skip plain text quickly.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)|[.!?…]*[”\"’']?(?=\s))")
_YEARS = r"\d{4}\s*[-–]\s*\d{4}"
# Every branch opens with a literal character, which lets the regex engine skip plain text quickly.
_PERIOD = re.compile(
    rf"giai đoạn\s+{_YEARS}|nhiệm kỳ\s+{_YEARS}|thời kỳ\s+{_YEARS}"
    r"|năm\s*\d{4}(?!\d)|tháng \d{1,2}/\s*\d{4}(?!\d)|quý [IV]+/\s*\d{4}(?!\d)"
    rf"|\((?P<bracketed>{_YEARS})\)"
)
_PLACE_WORDS = (
    "tỉnh", "Tỉnh", "thành phố", "Thành phố", "TP.", "TP", "huyện", "Huyện", "thị xã", "Thị xã", "TX", "xã", "Xã",
    "phường", "Phường", "thị trấn", "Thị trấn", "quận", "Quận", "đặc khu", "Đặc khu",
)
# Each place word checks after itself that no letter runs into it: a look-behind ahead of the
# words would keep the regex engine from skipping quickly to where a place word can start.
_PLACE = re.compile(
    "(?:" + "|".join(rf"{re.escape(word)}(?<!\w{re.escape(word)})" for word in _PLACE_WORDS) + ")"
    rf"\s+[{UPPER}][{LOWER}]*(?:\s+[{UPPER}][{LOWER}]*(?![\w]))*"
)


class _Text:
    """One text being scanned, with its sentences and the provenance its facts carry."""

    __slots__ = ("text", "source", "paragraph", "sentence_ends", "sentences", "contexts")

    def __init__(self, text: str, source: str, paragraph: int | None) -> None:
        self.text = text
        self.source = source
        self.paragraph = paragraph
        self.sentence_ends = [match.end() for match in _SENTENCE_END.finditer(text)]
        # Several facts share a sentence: its bounds, clauses, places and periods are found once,
        # however many facts stand in it.
        self.sentences: dict[int, tuple[int, int, str]] = {}
        self.contexts: dict[int, _SentenceContext] = {}


class _SentenceContext(NamedTuple):
    """What the numeric facts of one sentence take from it: offsets of its clause breaks and of its
    semicolons, and its periods and places with their offsets."""

    clause_breaks: list[int]
    semicolons: list[int]
    periods: list[tuple[int, int, str]]
    places: list[tuple[int, str]]


def extract_facts(article: Article) -> list[Fact]:
    """Facts of the title, lead, each body paragraph and each caption, with offsets inside that text."""
    facts = extract_facts_from_text(article.title, "title")
    facts += extract_facts_from_text(article.lead, "lead")
    for index, paragraph in enumerate(article.body):
        facts += extract_facts_from_text(paragraph, "body", index)
    for caption in article.captions:
        facts += extract_facts_from_text(caption.text, "caption", caption.position)
    return facts


def extract_facts_from_text(text: str, source: str, paragraph: int | None = None) -> list[Fact]:
    """Facts of one text in order of position; `source` and `paragraph` are copied onto each fact."""
    scanned = _Text(text, source, paragraph)
    facts = _numbers_and_documents(scanned)
    for person in find_people(text):
        facts.append(_fact(scanned, "person", person.start, person.end, name=person.name, role=person.role))
    facts.sort(key=attrgetter("start"))
    return facts


def _numbers_and_documents(scanned: _Text) -> list[Fact]:
    """Money, percent, ratio, number and legal_ref facts found in one pass over the text."""
    text = scanned.text
    facts: list[Fact] = []
    for match in _fact_candidates(text):
        groups = _Groups._make(match.groups())
        if groups.phone or groups.date:
            continue
        if groups.doc_number:
            document = _legal_reference(scanned, match)
            if document is not None:
                facts.append(document)
            continue
        if groups.percent:
            value = scaled_value(groups.amount, groups.scale)
            facts.append(_measured(scanned, "percent", _fact_start(text, match), match.end(), value=value))
        elif groups.currency:
            facts.append(_money(scanned, match, groups, _fact_start(text, match)))
        elif groups.denominator:
            if _is_ratio(text, match, groups):
                facts.append(
                    _fact(scanned, "ratio", _fact_start(text, match), match.end(),
                          value=float(digits_value(groups.amount)),
                          denominator=float(digits_value(groups.denominator)),
                          subject=_subject_after(text, match.end()))
                )
        elif groups.word == "dân" and _approximation_before(text, match.start()) == "trên":
            facts = _with_population_base(text, facts, match)
        elif groups.measure or groups.word:
            number = _count(scanned, match, groups)
            if number is not None:
                facts.append(number)
    return facts


def _fact_start(text: str, match: re.Match[str]) -> int:
    """Where the fact begins: at its approximation word ("khoảng 300 ngàn ca") or at its number."""
    approximation = _approximation_before(text, match.start())
    return match.start() - len(approximation) - 1 if approximation else match.start()


def _fact_candidates(text: str) -> Iterator[re.Match[str]]:
    """The non-overlapping matches of the fact pattern, left to right, as finditer would give them."""
    # Hopping between the offsets where a candidate can start is several times faster than
    # letting the large pattern try every offset.
    position = 0
    for candidate in _CANDIDATE_START.finditer(text):
        start = candidate.start()
        if start >= position and (match := _FACT.match(text, start)):
            yield match
            position = match.end()


def _count(scanned: _Text, match: re.Match[str], groups: _Groups) -> Fact | None:
    """A `number` fact when the amount is followed by a measure or a counting noun, not a level or year."""
    text = scanned.text
    word, second_word = groups.word, groups.second_word
    if groups.measure:
        unit, end = groups.measure, match.end("measure")
    elif second_word and f"{word} {second_word}".lower() in _COMPOUND_UNITS:
        unit, end = f"{word} {second_word}", match.end("second_word")
    elif word and word.lower() not in _NOT_UNIT_WORDS:
        unit, end = word, match.end("word")
    else:
        return None
    if _is_year(groups) or _is_slogan(text, match.start()) or _names_a_level(text, match.start()):
        return None
    if unit == "tháng" and _MONTHS_OF_YEAR_AFTER.match(text, end):
        return None
    start = _fact_start(text, match)
    if unit in _CLOCK_UNITS and not _is_duration(text, start, end):
        return None
    value = scaled_value(groups.amount, groups.scale)
    # The unit heads the subject even when it is a word that would end a phrase ("chỉ tiêu").
    subject = " ".join(filter(None, (unit, _subject_after(text, end))))
    if text.startswith(" rưỡi", end):
        value, end = value + 0.5, end + len(" rưỡi")
    return _fact(scanned, "number", start, end, value=value, unit=unit, subject=subject)


def _is_duration(text: str, start: int, end: int) -> bool:
    """Whether "24 giờ" at text[start:end] is a length of time rather than a time of day."""
    previous_words = text[max(0, start - 12) : start].split()
    return (
        bool(previous_words)
        and previous_words[-1].lower() in _DURATION_WORDS
        and _CLOCK_TIME_AFTER.match(text, end) is None
    )


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


def _money(scanned: _Text, match: re.Match[str], groups: _Groups, start: int) -> Fact:
    """A `money` fact in currency units, keeping "/người" or "cho mỗi thôn" as the per-unit."""
    value = scaled_value(groups.amount, groups.scale)
    per_unit = groups.per_unit
    if per_unit is None:
        each = _EACH_AFTER.match(scanned.text, match.end())
        per_unit = each[1] if each else None
    return _measured(scanned, "money", start, match.end(), value=value,
                     unit=_CURRENCIES[groups.currency], per_unit=per_unit)


def _measured(scanned: _Text, kind: str, start: int, end: int, **fields: object) -> Fact:
    """A money or percent fact; its subject follows it ("0,04%/tổng số ca mắc") or precedes it."""
    text = scanned.text
    subject_start = end
    while subject_start < len(text) and text[subject_start] in " /":
        subject_start += 1
    subject = _subject_after(text, subject_start) if text[subject_start : subject_start + 1].islower() else None
    if subject is None:
        subject = _subject_before(scanned, start)
    return _fact(scanned, kind, start, end, subject=subject, **fields)


def _approximation_before(text: str, start: int) -> str | None:
    """The word such as "khoảng" or "hơn" that stands, followed by one space, right before `start`."""
    # Most numbers follow a word that ends in none of the letters an approximation ends in.
    if start < 2 or text[start - 1] != " " or text[start - 2] not in _APPROXIMATION_LAST_LETTERS:
        return None
    words = text[max(0, start - 24) : start - 1].lower().split(" ")
    if words[-1].lstrip(_OPENING_QUOTES) not in _APPROXIMATION_LAST_WORDS:
        return None
    for length in (2, 1):
        phrase = " ".join(words[-length:]).lstrip(_OPENING_QUOTES)
        phrase_start = start - 1 - len(phrase)
        if phrase in _APPROXIMATIONS and (phrase_start == 0 or not text[phrase_start - 1].isalnum()):
            if len(words) > length and words[-length - 1] in _COMPARATIVES:
                return None  # "cao hơn 1,8 điểm": the number is a difference, "hơn" belongs to "cao"
            return phrase
    return None


def _names_a_level(text: str, start: int) -> bool:
    """Whether the number at `start` follows a level word, itself or through a list ("mức độ 3, 4")."""
    # Lowering word by word gives the same words; only the last few are ever lowered.
    words = text[max(0, start - 40) : start].replace(",", " , ").split()
    while words and ((word := words[-1].lower()) in _LEVEL_LIST_GLUE or word.isdigit()):
        words.pop()
    if not words or ((last_word := words[-1].lower()) != "số" and last_word not in _LEVEL_LAST_WORDS):
        return False
    words = [word.lower() for word in words[-3:]]
    if " ".join(words[-2:]) in _NOT_LEVEL_PHRASES:
        return False
    if words[-1] == "số":
        return len(words) < 2 or words[-2] != _COUNTING_BEFORE_NUMBER_WORD
    return any(" ".join(words[-length:]) in _LEVEL_WORDS for length in (1, 2, 3))


def _is_ratio(text: str, match: re.Match[str], groups: _Groups) -> bool:
    """Whether "a/b" is a part of a whole rather than a day and month ("Sáng 12/2", "ngày 2/9")."""
    numerator = digits_value(groups.amount)
    denominator = digits_value(groups.denominator)
    if numerator > denominator or denominator == 0:
        return False
    if 1900 <= numerator <= 2100 and 1900 <= denominator <= 2100:
        return False
    if numerator == denominator and _ROUND_THE_CLOCK_UNITS.match(text, match.end()):
        return False
    previous_words = text[max(0, match.start() - 12) : match.start()].split()
    return not previous_words or previous_words[-1].lower() not in _DATE_WORDS


def _is_year(groups: _Groups) -> bool:
    """Whether the amount is written like a year: four bare digits between 1900 and 2100."""
    amount = groups.amount
    return len(amount) == 4 and amount.isdigit() and 1900 <= int(amount) <= 2100 and not groups.scale


def _is_slogan(text: str, start: int) -> bool:
    """Whether the number at `start` opens a short quoted slogan such as “3 trước” or “4 tại chỗ”."""
    if start == 0 or text[start - 1] not in "“\"'‘":
        return False
    return any(quote in text[start : start + 20] for quote in "”\"'’")


def _legal_reference(scanned: _Text, match: re.Match[str]) -> Fact | None:
    """A `legal_ref` fact with a normalised number, its type and its issue date when given."""
    text = scanned.text
    number = _WHITESPACE.sub("", match["doc_number"])
    before = _DOCUMENT_TYPE_BEFORE.search(text, max(0, match.start() - 40), match.start())
    stated_type = before["doc_type"] if before else None
    # "2030 - Đây là…" looks like a number with one code; a real one has two codes or follows "số".
    codes = [code for code in _DOCUMENT_NUMBER_SEPARATOR.split(number)[1:] if not code.isdigit()]
    if len(codes) < 2 and not (stated_type or (before and before["number_word"])):
        return None
    sentence_start, _, _ = _sentence(scanned, match.start())
    issued = _ISSUED_AFTER.match(text, match.end()) or _ISSUED_BEFORE.search(text, sentence_start, before.start())
    doc_type = stated_type or _DOCUMENT_TYPES_BY_CODE.get(codes[0] if codes else "")
    return _fact(scanned, "legal_ref", match.start("doc_number"), match.end("doc_number"),
                 doc_number=number, doc_type=doc_type, issued_on=_issue_date(issued))


def _issue_date(issued: re.Match[str] | None) -> date | None:
    """The calendar date an issue-date match names, None when absent or impossible (31/2)."""
    if issued is None:
        return None
    try:
        return date(int(issued["year"]), int(issued["month"]), int(issued["day"]))
    except ValueError:
        return None


def _fact(scanned: _Text, kind: str, start: int, end: int, **fields: object) -> Fact:
    """A fact of `kind` at text[start:end] with its provenance, and period and place for numeric kinds."""
    sentence_start, sentence_end, sentence = _sentence(scanned, start)
    if kind in NUMERIC_KINDS:
        context = _sentence_context(scanned, sentence_start, sentence_end)
        fields["period"] = _period(context, sentence_start, sentence_end, start, end)
        fields["place"] = _place(context, sentence_start, sentence_end, start, end)
    return Fact(
        kind=kind, text=scanned.text[start:end], sentence=sentence, source=scanned.source, start=start, end=end,
        paragraph=scanned.paragraph, extractor_version=EXTRACTOR_VERSION, **fields,  # type: ignore[arg-type]
    )


def _sentence(scanned: _Text, position: int) -> tuple[int, int, str]:
    """Offsets of the sentence holding `position`, and its text without the spaces around it."""
    index = bisect_right(scanned.sentence_ends, position)
    sentence = scanned.sentences.get(index)
    if sentence is None:
        start = scanned.sentence_ends[index - 1] if index else 0
        end = scanned.sentence_ends[index] if index < len(scanned.sentence_ends) else len(scanned.text)
        sentence = scanned.sentences[index] = (start, end, scanned.text[start:end].strip())
    return sentence


def _sentence_context(scanned: _Text, sentence_start: int, sentence_end: int) -> _SentenceContext:
    """The clause breaks, semicolons, periods and places of the sentence at text[sentence_start:sentence_end]."""
    context = scanned.contexts.get(sentence_start)
    if context is None:
        text = scanned.text
        # A period or a place holds no clause break, so each one found in the whole sentence is
        # the one a search within its clause would find.
        clause_breaks = [match.start() for match in _CLAUSE_BREAK.finditer(text, sentence_start, sentence_end)]
        context = scanned.contexts[sentence_start] = _SentenceContext(
            clause_breaks,
            [position for position in clause_breaks if text[position] == ";"],
            [
                (period.start(), period.end(), period["bracketed"] or period[0])
                for period in _PERIOD.finditer(text, sentence_start, sentence_end)
            ],
            [(place.start(), place[0]) for place in _PLACE.finditer(text, sentence_start, sentence_end)],
        )
    return context


def _clause(breaks: list[int], sentence_start: int, sentence_end: int, start: int, end: int) -> tuple[int, int]:
    """Offsets of the stretch of the sentence around text[start:end] that no break in `breaks` cuts."""
    index = bisect_left(breaks, start)
    clause_start = breaks[index - 1] + 1 if index else sentence_start
    index = bisect_left(breaks, end, index)
    return clause_start, breaks[index] if index < len(breaks) else sentence_end


def _period(context: _SentenceContext, sentence_start: int, sentence_end: int, start: int, end: int) -> str | None:
    """The period nearest before the fact within its clause of the sentence, else the nearest after."""
    if not context.periods:
        return None
    segment_start, segment_end = _clause(context.semicolons, sentence_start, sentence_end, start, end)
    before: str | None = None
    for period_start, period_end, period in context.periods:
        if period_start < segment_start or period_end > segment_end:
            continue
        if period_end <= start:
            before = period
        elif period_start >= end:
            return before or period
    return before


def _place(context: _SentenceContext, sentence_start: int, sentence_end: int, start: int, end: int) -> str | None:
    """A named place ("huyện Ba Chẽ") in the same comma-delimited clause as the fact."""
    if not context.places:
        return None
    clause_start, clause_end = _clause(context.clause_breaks, sentence_start, sentence_end, start, end)
    for place_start, place in context.places:
        if place_start >= clause_start:
            return place if place_start < clause_end else None
    return None


def _subject_after(text: str, position: int) -> str | None:
    """The noun phrase starting at `position`, up to punctuation or a verb or preposition."""
    window = text[position : position + 120]
    cut = _SUBJECT_END.search(window)
    words: list[str] = []
    for word in (window[: cut.start()] if cut else window).split()[:9]:
        if word.lower() in _SUBJECT_STOP_WORDS:
            break
        words.append(word)
    return " ".join(words) or None


def _subject_before(scanned: _Text, start: int) -> str | None:
    """The noun phrase of the clause before `start` ("GRDP bình quân đầu người" in "… đạt 7.614 USD")."""
    sentence_start, _, _ = _sentence(scanned, start)
    before = scanned.text[sentence_start:start]
    # A comma, semicolon, colon or bracket always ends a piece of the split, so the last piece
    # lies after the last of them and splitting only that tail gives it.
    last_mark = max(before.rfind(","), before.rfind(";"), before.rfind(":"), before.rfind("("))
    clause = before[last_mark + 1 :]
    if "với" in clause:
        clause = _CLAUSE_BEFORE_SUBJECT.split(clause)[-1]
    clause = _PERIOD.sub(" ", clause)
    words = clause.split()[-8:]
    while words and words[0].lower() in _SUBJECT_LEADING_WORDS:
        words.pop(0)
    while words and words[-1].lower() in _SUBJECT_TRAILING_WORDS:
        words.pop()
    return " ".join(words) or None
