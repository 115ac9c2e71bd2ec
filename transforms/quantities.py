"""What a number in Vietnamese news text counts: its unit and kind, or that it is no figure at all
(a year, a level such as "mức độ 4" or "thôn 2", a slogan, a clock time, a reporting period)."""

from __future__ import annotations

import re

from transforms.numbers import digits_value
from transforms.subjects import subject_after

# Words after which a number names a level, an ordinal, a stage or a place rather than
# counting something: "mức độ 3, 4", "mũi 3", "thôn 2", "giai đoạn 2", "năm 2022", "Đề án 196".
LEVEL_WORDS = frozenset(
    {
        "mức độ", "mức", "mũi", "thôn", "khu phố", "khu", "tổ dân phố", "tổ", "giai đoạn", "nhiệm kỳ", "khóa",
        "khoá", "cấp", "lần thứ", "thứ", "số", "đợt", "kỳ", "năm", "tháng", "ngày", "quý", "tuần", "lớp",
        "phòng", "tầng", "điểm", "bước", "hạng", "loại", "nhóm", "phố", "xóm", "bản", "ấp", "tập", "chương",
        "điều", "khoản", "mục", "phần", "đề án", "quốc lộ", "tỉnh lộ", "km", "lô", "căn", "phiên", "vòng",
        "bảng", "top", "đoạn", "tuyến", "cụm", "ngõ", "ngách", "hẻm", "kiệt", "lần", "sư đoàn", "trung đoàn",
        "phường", "kỳ họp", "nhi đồng",
        # "chiều 30 Tết", "sáng 2/6": a day, not a count.
        "sáng", "trưa", "chiều", "tối", "đêm", "hôm", "mùng", "mồng",
    }
)
# Every level word ends with one of these: most numbers follow none of them.
_LEVEL_LAST_WORDS = frozenset(phrase.split()[-1] for phrase in LEVEL_WORDS)
# Glue inside a list of levels: the "3, " of "mức độ 3, 4".
_LEVEL_LIST_GLUE = frozenset({",", "và", "-", "–", "/"})
# "trong vòng 24 giờ" measures a delay; "vòng 2" names a round.
_NOT_LEVEL_PHRASES = frozenset(
    {"trong vòng", "danh mục", "tổng điểm", "xuất cấp", "được cấp", "đã cấp", "cấp phát", "sẽ cấp", "vừa cấp"}
)
# "tổng số 258 hộ" counts; "số 5" names.
_COUNTING_BEFORE_NUMBER_WORD = "tổng"
# Words after a number that rate rather than count: "3 sao" of an OCOP product.
RATING_UNITS = frozenset({"sao"})

NOT_UNIT_WORDS = frozenset(
    "của và là với trong trên tại ở cho đến từ khi thì mà được đã sẽ đang có không này đó trước sau "
    "nữa hoặc hay so để về theo bằng như cũng vẫn đều chỉ mới tới lên xuống ra vào nên do bị "
    "chỗ trăm mươi lẻ rưỡi trở".split()
)
COMPOUND_UNITS = frozenset(
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
        "thành phố", "dự thảo", "hợp tác", "tập thể", "cá nhân", "khu công", "chi cục", "giám đốc",
    }
)
# Units of physical quantities: a figure in one of them is a `measure`, whatever it measures.
MEASURE_UNITS = frozenset(
    {
        "km", "km²", "m", "m²", "m³", "ha", "kg", "tấn", "tạ", "MW", "kW", "kWh", "GW", "MWh", "cm", "mm",
        "°C", "‰", "lít", "héc-ta", "hécta", "mét",
    }
)
_MEASURE_SPELLINGS = {"km2": "km²", "m2": "m²", "m3": "m³"}
# Units of time: a figure in one of them is a `duration` ("3 tháng", "24 giờ").
DURATION_UNITS = frozenset({"giây", "phút", "giờ", "ngày", "tuần", "tháng", "năm"})
# "6 tháng đầu năm", "10 tháng năm 2025", "9 tháng năm nay" name a period, not a count.
_MONTHS_OF_YEAR_AFTER = re.compile(r"\s+(?:(?:đầu|cuối)\s+)?năm(?!\s+(?:tháng|ngày|giờ)(?![\w]))(?![\w])")
# "trong 9 tháng", "3 năm qua", "5 năm liền" are the stretch the figures around them cover.
_REPORTING_SPAN_AFTER = re.compile(r"\s+(?:qua|vừa qua|gần đây|trở lại đây|liền|liên tiếp|đầu|cuối)(?![\w])")
_REPORTING_SPAN_UNITS = frozenset({"tháng", "năm", "quý"})
# "trong vòng 24 giờ" is a duration; "từ 7 giờ đến 17 giờ" and "lúc 9 giờ" are clock times.
_CLOCK_UNITS = frozenset({"giờ", "phút"})
_DURATION_WORDS = frozenset({"vòng", "trong", "sau", "mất", "suốt", "tới", "hơn", "gần", "khoảng", "hạn"})
_CLOCK_TIME_AFTER = re.compile(r"\s+(?:\d|sáng|trưa|chiều|tối|đêm|ngày)")


def kind_of_unit(unit: str) -> str:
    """The kind of a counted figure by its unit: measure, duration or number."""
    if unit in MEASURE_UNITS:
        return "measure"
    if unit.lower() in DURATION_UNITS:
        return "duration"
    return "number"


def measure_unit(spelling: str) -> str:
    """One spelling per measure unit ("m2" and "m²" are one unit)."""
    return _MEASURE_SPELLINGS.get(spelling, spelling)


def names_a_level(text: str, start: int) -> bool:
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
    return any(" ".join(words[-length:]) in LEVEL_WORDS for length in (1, 2, 3))


def is_year(amount: str, scale: str) -> bool:
    """Whether the amount is written like a year: four bare digits between 1900 and 2100."""
    return len(amount) == 4 and amount.isdigit() and 1900 <= int(amount) <= 2100 and not scale


def is_slogan(text: str, start: int) -> bool:
    """Whether the number at `start` opens a short quoted slogan such as “3 trước” or “4 tại chỗ”."""
    if start == 0 or text[start - 1] not in "“\"'‘":
        return False
    return any(quote in text[start : start + 20] for quote in "”\"'’")


def is_reporting_span(text: str, start: int, end: int, unit: str) -> bool:
    """Whether "9 tháng" at text[start:end] names the stretch of time the text reports on
    ("6 tháng đầu năm", "trong 9 tháng,", "3 năm qua") rather than a length of time."""
    if unit not in _REPORTING_SPAN_UNITS:
        return False
    if (unit == "tháng" and _MONTHS_OF_YEAR_AFTER.match(text, end)) or _REPORTING_SPAN_AFTER.match(text, end):
        return True
    previous_words = text[max(0, start - 12) : start].split()
    return bool(previous_words) and previous_words[-1].lower() == "trong"


def is_clock_time(text: str, start: int, end: int, unit: str) -> bool:
    """Whether "9 giờ" at text[start:end] is a time of day rather than a length of time."""
    if unit not in _CLOCK_UNITS:
        return False
    previous_words = text[max(0, start - 12) : start].split()
    return not (
        previous_words
        and previous_words[-1].lower() in _DURATION_WORDS
        and _CLOCK_TIME_AFTER.match(text, end) is None
    )


# A figure: kind, end offset, low, high, unit, per-unit, denominator and subject.
Figure = tuple[str, int, float, float, "str | None", "str | None", "float | None", "str | None"]
# "trực 24/24 giờ", "7/7 ngày" say "round the clock", not a part of a whole.
_ROUND_THE_CLOCK_UNITS = re.compile(r"\s*(?:giờ|h|ngày|tuần)(?![\w])")
_DATE_WORDS = frozenset("ngày sáng trưa chiều tối đêm hôm mùng mồng tháng từ đến tới trước sau lễ dịp".split())
# "30/4 - 1/5": the second day of a holiday, not a ratio.
_DAY_RANGE_BEFORE = re.compile(r"\d{1,2}/\d{1,2}\s*[-–]\s*$")
_PER_AFTER = re.compile(r"/([^\W\d_]+)")


def ratio_figure(text: str, match: re.Match[str]) -> Figure | None:
    """A ratio when "a/b" is a part of a whole rather than a day and month ("Sáng 12/2", "30/4 - 1/5")."""
    start, end = match.start(), match.end()
    numerator, denominator = digits_value(match["amount"]), digits_value(match["denominator"])
    if match["high"] or numerator > denominator or denominator == 0:
        return None
    if 1900 <= numerator <= 2100 and 1900 <= denominator <= 2100:
        return None
    if numerator == denominator and _ROUND_THE_CLOCK_UNITS.match(text, end):
        return None
    previous_words = text[max(0, start - 12) : start].split()
    if (previous_words and previous_words[-1].lower() in _DATE_WORDS) or _DAY_RANGE_BEFORE.search(
        text, max(0, start - 12), start
    ):
        return None
    return "ratio", end, float(numerator), float(numerator), None, None, float(denominator), subject_after(text, end)


def count_figure(text: str, match: re.Match[str], low: float, high: float) -> Figure | None:
    """A number, measure or duration when the amount is followed by a unit, not a level or year."""
    word, second_word = match["word"], match["second_word"]
    if match["measure"]:
        unit, end = measure_unit(match["measure"]), match.end("measure")
    elif word in MEASURE_UNITS:
        unit, end = word, match.end("word")
    elif second_word and f"{word} {second_word}".lower() in COMPOUND_UNITS:
        unit, end = f"{word} {second_word}", match.end("second_word")
    elif word and word.lower() not in NOT_UNIT_WORDS:
        unit, end = word, match.end("word")
    else:
        return None
    start, amount = match.start(), match["amount"]
    if is_year(amount, match["scale"] or "") or is_slogan(text, start) or names_a_level(text, start):
        return None
    if unit in RATING_UNITS or is_reporting_span(text, start, end, unit) or is_clock_time(text, start, end, unit):
        return None
    per = _PER_AFTER.match(text, end)
    after = subject_after(text, end)
    subject = f"{unit} {after}" if after else unit
    if text.startswith(" rưỡi", end):
        low, high, end = low + 0.5, high + 0.5, end + len(" rưỡi")
    return kind_of_unit(unit), end, low, high, unit, per[1] if per else None, None, subject
