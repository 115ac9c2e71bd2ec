"""Facts in article text: money, percentages, ratios, counts, legal documents and people."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from datetime import date
from operator import attrgetter

from transforms.numbers import DIGITS_PATTERN, SCALE_PATTERN, digits_value, scaled_value
from transforms.people import LOWER, UPPER, by_first_letter, find_people
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
# Every period starts with one of these: most sentences hold none of them.
_PERIOD_OPENINGS = ("năm", "(", "tháng ", "quý ", "kỳ", "giai đoạn")
_PLACE_WORDS = (
    "tỉnh", "Tỉnh", "thành phố", "Thành phố", "TP.", "TP", "huyện", "Huyện", "thị xã", "Thị xã", "TX", "xã", "Xã",
    "phường", "Phường", "thị trấn", "Thị trấn", "quận", "Quận", "đặc khu", "Đặc khu",
)
# Each place word checks after itself that no letter runs into it: a look-behind ahead of the
# words would keep the regex engine from skipping quickly to where a place word can start.
_PLACE = re.compile(
    "(?:" + by_first_letter(_PLACE_WORDS, lambda word: rf"(?<!\w{re.escape(word)})") + ")"
    rf"\s+[{UPPER}][{LOWER}]*(?:\s+[{UPPER}][{LOWER}]*(?![\w]))*"
)


class _Sentence:
    """One sentence of a text being scanned: its offsets and its text without the spaces around it,
    and, once a numeric fact in it asks, what such facts take from it: its periods and places with
    their offsets, and the offsets of the clause breaks and semicolons that bound them."""

    __slots__ = ("start", "end", "text", "periods", "places", "clause_breaks", "semicolons")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.periods: list[tuple[int, int, str]] = []
        self.places: list[tuple[int, str]] | None = None
        # Only a sentence with a place or a period needs its clauses: most have neither.
        self.clause_breaks: list[int] | None = None
        self.semicolons: list[int] | None = None


class _Text:
    """One text being scanned, with its sentences and the provenance its facts carry."""

    __slots__ = ("text", "source", "paragraph", "sentence_ends", "sentence")

    def __init__(self, text: str, source: str, paragraph: int | None) -> None:
        self.text = text
        self.source = source
        self.paragraph = paragraph
        # Found when the first fact asks: many texts hold no fact at all.
        self.sentence_ends: list[int] | None = None
        # Numbers and documents are found left to right, so most facts stand in the sentence of
        # the fact before them, and a sentence's clauses, places and periods are found once.
        self.sentence: _Sentence | None = None


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
    people = find_people(text)
    if people:
        for person in people:
            facts.append(_fact(scanned, "person", person.start, person.end, name=person.name, role=person.role))
        # Numbers and documents come in order of position already: only people need sorting in.
        facts.sort(key=attrgetter("start"))
    return facts


def _numbers_and_documents(scanned: _Text) -> list[Fact]:
    """Money, percent, ratio, number and legal_ref facts found in one pass over the text."""
    text = scanned.text
    facts: list[Fact] = []
    # The non-overlapping matches of the fact pattern, left to right, as finditer would give them:
    # hopping between the offsets where a candidate can start is several times faster than
    # letting the large pattern try every offset.
    covered = 0
    for candidate in _CANDIDATE_START.finditer(text):
        start = candidate.start()
        if start < covered or (match := _FACT.match(text, start)) is None:
            continue
        end = covered = match.end()
        # One groups() call costs less than looking several of them up by name.
        (phone, day, doc_number, amount, denominator, scale, percent, currency, per_unit, measure, word,
         second_word) = match.groups()
        if phone or day:
            continue
        if doc_number:
            document = _legal_reference(scanned, match)
            if document is not None:
                facts.append(document)
        elif percent:
            facts.append(_measured(scanned, "percent", _fact_start(text, start), end, scaled_value(amount, scale)))
        elif currency:
            facts.append(_money(scanned, _fact_start(text, start), end, amount, scale, currency, per_unit))
        elif denominator:
            ratio = _ratio(scanned, start, end, amount, denominator)
            if ratio is not None:
                facts.append(ratio)
        elif word == "dân" and _approximation_before(text, start) == "trên":
            facts = _with_population_base(text, facts, match)
        elif measure or word:
            number = _count(scanned, match, amount, scale, measure, word, second_word)
            if number is not None:
                facts.append(number)
    return facts


def _fact_start(text: str, start: int) -> int:
    """Where the fact of the number at `start` begins: at its approximation word ("khoảng 300 ngàn
    ca") or at the number."""
    approximation = _approximation_before(text, start)
    return start - len(approximation) - 1 if approximation else start


def _count(
    scanned: _Text, match: re.Match[str], amount: str, scale: str, measure: str | None, word: str | None,
    second_word: str | None,
) -> Fact | None:
    """A `number` fact when the amount is followed by a measure or a counting noun, not a level or year."""
    text = scanned.text
    if measure:
        unit, end = measure, match.end("measure")
    elif second_word and f"{word} {second_word}".lower() in _COMPOUND_UNITS:
        unit, end = f"{word} {second_word}", match.end("second_word")
    elif word and word.lower() not in _NOT_UNIT_WORDS:
        unit, end = word, match.end("word")
    else:
        return None
    number_start = match.start()
    if _is_year(amount, scale) or _is_slogan(text, number_start) or _names_a_level(text, number_start):
        return None
    if unit == "tháng" and _MONTHS_OF_YEAR_AFTER.match(text, end):
        return None
    start = _fact_start(text, number_start)
    if unit in _CLOCK_UNITS and not _is_duration(text, start, end):
        return None
    value = scaled_value(amount, scale)
    # The unit heads the subject even when it is a word that would end a phrase ("chỉ tiêu").
    subject_after = _subject_after(text, end)
    subject = f"{unit} {subject_after}" if subject_after else unit
    if text.startswith(" rưỡi", end):
        value, end = value + 0.5, end + len(" rưỡi")
    return _numeric_fact(scanned, _numeric_sentence(scanned, start), "number", start, end, value, subject, unit=unit)


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


def _money(
    scanned: _Text, start: int, end: int, amount: str, scale: str, currency: str, per_unit: str | None
) -> Fact:
    """A `money` fact in currency units, keeping "/người" or "cho mỗi thôn" as the per-unit."""
    value = scaled_value(amount, scale)
    if per_unit is None:
        each = _EACH_AFTER.match(scanned.text, end)
        per_unit = each[1] if each else None
    return _measured(scanned, "money", start, end, value, unit=_CURRENCIES[currency], per_unit=per_unit)


def _measured(
    scanned: _Text, kind: str, start: int, end: int, value: float, unit: str | None = None,
    per_unit: str | None = None,
) -> Fact:
    """A money or percent fact; its subject follows it ("0,04%/tổng số ca mắc") or precedes it."""
    text = scanned.text
    sentence = _numeric_sentence(scanned, start)
    subject_start = end
    while subject_start < len(text) and text[subject_start] in " /":
        subject_start += 1
    subject = _subject_after(text, subject_start) if text[subject_start : subject_start + 1].islower() else None
    if subject is None:
        subject = _subject_before(text, sentence, start)
    return _numeric_fact(scanned, sentence, kind, start, end, value, subject, unit=unit, per_unit=per_unit)


def _ratio(scanned: _Text, start: int, end: int, amount: str, denominator: str) -> Fact | None:
    """A `ratio` fact when "a/b" is a part of a whole rather than a day and month ("Sáng 12/2")."""
    text = scanned.text
    numerator_value = digits_value(amount)
    denominator_value = digits_value(denominator)
    if numerator_value > denominator_value or denominator_value == 0:
        return None
    if 1900 <= numerator_value <= 2100 and 1900 <= denominator_value <= 2100:
        return None
    if numerator_value == denominator_value and _ROUND_THE_CLOCK_UNITS.match(text, end):
        return None
    previous_words = text[max(0, start - 12) : start].split()
    if previous_words and previous_words[-1].lower() in _DATE_WORDS:
        return None
    fact_start = _fact_start(text, start)
    return _numeric_fact(
        scanned, _numeric_sentence(scanned, fact_start), "ratio", fact_start, end, float(numerator_value),
        _subject_after(text, end), denominator=float(denominator_value),
    )


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
    window_start = max(0, start - 40)
    # Most numbers follow, after one space, a plain word that is neither a level word nor list
    # glue: that word alone settles it, without splitting the window.
    if text[start - 1 : start] == " ":
        space = text.rfind(" ", window_start, start - 1)
        previous_word = text[space + 1 : start - 1]
        if space >= 0 and previous_word.isalpha():
            previous_word = previous_word.lower()
            if previous_word not in _LEVEL_LAST_WORDS and previous_word not in _LEVEL_LIST_GLUE:
                return False
    # Lowering word by word gives the same words; only the last few are ever lowered.
    words = text[window_start:start].replace(",", " , ").split()
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


def _is_year(amount: str, scale: str) -> bool:
    """Whether the amount is written like a year: four bare digits between 1900 and 2100."""
    return len(amount) == 4 and amount.isdigit() and 1900 <= int(amount) <= 2100 and not scale


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
    sentence_start = _sentence(scanned, match.start()).start
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
    """A legal_ref or person fact at text[start:end] with its provenance."""
    return Fact(
        kind=kind, text=scanned.text[start:end], sentence=_sentence(scanned, start).text, source=scanned.source,
        start=start, end=end, paragraph=scanned.paragraph, extractor_version=EXTRACTOR_VERSION,
        **fields,  # type: ignore[arg-type]
    )


def _numeric_fact(
    scanned: _Text, sentence: _Sentence, kind: str, start: int, end: int, value: float, subject: str | None,
    denominator: float | None = None, unit: str | None = None, per_unit: str | None = None,
) -> Fact:
    """A money, percent, ratio or number fact at text[start:end] in `sentence`, with its provenance
    and the period and place of its clause."""
    return Fact(
        kind=kind, text=scanned.text[start:end], sentence=sentence.text, source=scanned.source, start=start,
        end=end, value=value, denominator=denominator, unit=unit, per_unit=per_unit, subject=subject,
        period=_period(scanned.text, sentence, start, end) if sentence.periods else None,
        place=_place(scanned.text, sentence, start, end) if sentence.places else None,
        paragraph=scanned.paragraph, extractor_version=EXTRACTOR_VERSION,
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


def _numeric_sentence(scanned: _Text, position: int) -> _Sentence:
    """The sentence holding `position`, with the clause breaks, periods and places its numeric facts take."""
    sentence = _sentence(scanned, position)
    if sentence.places is None:
        text, start, end = scanned.text, sentence.start, sentence.end
        # A period or a place holds no clause break, so each one found in the whole sentence is
        # the one a search within its clause would find.
        sentence_text = sentence.text
        if any(word in sentence_text for word in _PERIOD_OPENINGS):
            sentence.periods = [
                (period.start(), period.end(), period["bracketed"] or period[0])
                for period in _PERIOD.finditer(text, start, end)
            ]
        sentence.places = [(place.start(), place[0]) for place in _PLACE.finditer(text, start, end)]
    return sentence


def _clause_breaks(text: str, sentence: _Sentence) -> list[int]:
    """Offsets of the commas, semicolons and brackets of the sentence."""
    if sentence.clause_breaks is None:
        sentence.clause_breaks = [match.start() for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end)]
    return sentence.clause_breaks


def _semicolons(text: str, sentence: _Sentence) -> list[int]:
    """Offsets of the semicolons of the sentence."""
    if sentence.semicolons is None:
        sentence.semicolons = [position for position in _clause_breaks(text, sentence) if text[position] == ";"]
    return sentence.semicolons


def _clause(breaks: list[int], sentence: _Sentence, start: int, end: int) -> tuple[int, int]:
    """Offsets of the stretch of the sentence around text[start:end] that no break in `breaks` cuts."""
    index = bisect_left(breaks, start)
    clause_start = breaks[index - 1] + 1 if index else sentence.start
    index = bisect_left(breaks, end, index)
    return clause_start, breaks[index] if index < len(breaks) else sentence.end


def _period(text: str, sentence: _Sentence, start: int, end: int) -> str | None:
    """The period nearest before the fact within its clause of the sentence, else the nearest after."""
    segment_start, segment_end = _clause(_semicolons(text, sentence), sentence, start, end)
    before: str | None = None
    for period_start, period_end, period in sentence.periods:
        if period_start < segment_start or period_end > segment_end:
            continue
        if period_end <= start:
            before = period
        elif period_start >= end:
            return before or period
    return before


def _place(text: str, sentence: _Sentence, start: int, end: int) -> str | None:
    """A named place ("huyện Ba Chẽ") in the same comma-delimited clause as the fact."""
    clause_start, clause_end = _clause(_clause_breaks(text, sentence), sentence, start, end)
    for place_start, place in sentence.places:  # type: ignore[union-attr]
        if place_start >= clause_start:
            return place if place_start < clause_end else None
    return None


def _subject_after(text: str, position: int) -> str | None:
    """The noun phrase starting at `position`, up to punctuation or a verb or preposition."""
    window = text[position : position + 120]
    cut = _SUBJECT_END.search(window)
    words: list[str] = []
    for word in (window[: cut.start()] if cut else window).split(maxsplit=9)[:9]:
        if word.lower() in _SUBJECT_STOP_WORDS:
            break
        words.append(word)
    return " ".join(words) or None


def _subject_before(text: str, sentence: _Sentence, start: int) -> str | None:
    """The noun phrase of the clause before `start` ("GRDP bình quân đầu người" in "… đạt 7.614 USD")."""
    # A comma, semicolon, colon or bracket always ends a piece of the split, so the last piece
    # lies after the last of them and splitting only that tail gives it.
    sentence_start = sentence.start
    last_mark = max(
        text.rfind(",", sentence_start, start), text.rfind(";", sentence_start, start),
        text.rfind(":", sentence_start, start), text.rfind("(", sentence_start, start),
    )
    clause = text[max(sentence_start, last_mark + 1) : start]
    if "với" in clause:
        clause = _CLAUSE_BEFORE_SUBJECT.split(clause)[-1]
    # A period the clause holds is one the sentence holds: in a sentence without any, there is none to drop.
    if sentence.periods:
        clause = _PERIOD.sub(" ", clause)
    words = clause.rsplit(maxsplit=8)[-8:]
    while words and words[0].lower() in _SUBJECT_LEADING_WORDS:
        words.pop(0)
    while words and words[-1].lower() in _SUBJECT_TRAILING_WORDS:
        words.pop()
    return " ".join(words) or None
