"""Legal references: a document's number, type, issuer and issue date, and a key that tells apart
documents sharing a number ("06-NQ/TU" of 2021 and of 2026, or of two provincial Party committees)."""

from __future__ import annotations

import re
from datetime import date

DOCUMENT_TYPE_BEFORE = re.compile(
    r"(?:(?P<doc_type>Nghị quyết|Nghị định|Quyết định|Kế hoạch|Thông tư liên tịch|Thông tư|Chỉ thị|"
    r"Công văn|Thông báo|Kết luận|Quy định|Hướng dẫn|Bộ luật|Luật|Pháp lệnh|Công điện|Văn bản|Tờ trình|"
    r"Báo cáo|Đề án|Chương trình)(?:\s+[^\W\d][\w ]{0,38}?)?)?\s*(?P<number_word>số)?\s*$"
)
DOCUMENT_TYPES_BY_CODE = {
    "NQ": "Nghị quyết", "NĐ": "Nghị định", "QĐ": "Quyết định", "KH": "Kế hoạch", "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch", "CT": "Chỉ thị", "CV": "Công văn", "TB": "Thông báo", "KL": "Kết luận",
    "QĐi": "Quy định", "HD": "Hướng dẫn", "CĐ": "Công điện", "TTr": "Tờ trình", "BC": "Báo cáo",
    "ĐA": "Đề án", "CTr": "Chương trình",
}
# The issuer a code names when the text does not: the last code of the number.
_ISSUERS_BY_CODE = {
    "TTg": "Thủ tướng Chính phủ", "CP": "Chính phủ", "TW": "Ban Chấp hành Trung ương", "BCT": "Bộ Công Thương",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội", "QH": "Quốc hội", "BTC": "Bộ Tài chính", "BYT": "Bộ Y tế",
    "BGDĐT": "Bộ Giáo dục và Đào tạo", "BTNMT": "Bộ Tài nguyên và Môi trường", "BNV": "Bộ Nội vụ",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn", "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BXD": "Bộ Xây dựng", "BGTVT": "Bộ Giao thông vận tải", "BTP": "Bộ Tư pháp", "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng", "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội", "NHNN": "Ngân hàng Nhà nước",
    "SYT": "Sở Y tế", "SGDĐT": "Sở Giáo dục và Đào tạo", "STC": "Sở Tài chính",
}
# Codes whose issuer is a provincial body, named after the kind of province it is.
_PROVINCIAL_CODES = {"UBND": "UBND", "HĐND": "HĐND", "TU": "ủy"}
# "của Thủ tướng Chính phủ", "của Ban Thường vụ Tỉnh ủy": the issuer named after the number.
_ISSUER_AFTER = re.compile(
    r"\s*(?:,?\s*(?:ban hành\s+)?ngày\s+\d{1,2}\s*(?:/|-|\s+tháng\s+)\d{1,2}\s*(?:/|-|\s+năm\s+)\d{4})?"
    r"\s+của\s+(?P<issuer>[^,.;:()]{2,60}?)"
    r"(?=\s+(?:về|ngày|đến|từ|tới|giai đoạn|phê duyệt|quy định|hướng dẫn|ban hành|đối với|với|trong|tại|nhằm|để|đã|thì|năm"
    r"|và\s+(?:Nghị|Quyết|Kế|Chỉ|Thông|Kết|Công|Tờ|Luật|Đề án|Chương trình))(?![\w])|\s*[,.;:()]|\s*$)"
)
# "Thủ tướng Chính phủ ký Quyết định …", "UBND tỉnh ban hành Kế hoạch …": the issuer before the type.
_ISSUER_BEFORE = re.compile(
    r"(?P<issuer>(?:Chủ tịch\s+|Ban Thường vụ\s+|Thường trực\s+)?(?:UBND|HĐND|Ủy ban nhân dân|Hội đồng nhân dân|"
    r"Tỉnh ủy|Thành ủy|Thủ tướng Chính phủ|Thủ tướng|Chính phủ|Quốc hội|Bộ Chính trị|Ban Bí thư|Bộ\s+[A-ZĐ][\w ]+?|"
    r"Sở\s+[A-ZĐ][\w ]+?)(?:\s+(?:tỉnh|thành phố|xã|phường))?)\s+(?:đã\s+|vừa\s+)?(?:ký(?:\s+ban hành)?|ban hành)\s+$"
)
_ISSUER_NAMES = {
    "Ủy ban nhân dân": "UBND", "Uỷ ban nhân dân": "UBND", "Hội đồng nhân dân": "HĐND",
    "Ban Chấp hành Đảng bộ tỉnh": "Tỉnh ủy", "Ban Chấp hành Đảng bộ thành phố": "Thành ủy",
    "Tỉnh uỷ": "Tỉnh ủy", "Thành uỷ": "Thành ủy",
}
ISSUED_BEFORE = re.compile(
    r"ngày\s+(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})\s*,?\s+(?:[^.;]{0,60}?\s)?"
    r"(?:ban hành|ký)\s+$",
    re.IGNORECASE,
)
# "…, ngày 03/3/2015" or "… của Tỉnh ủy ngày 03 tháng 3 năm 2015", but not "… của Chính phủ đến ngày …".
ISSUED_AFTER = re.compile(
    r"\s*,?\s*(?:của\s+(?:(?!đến|từ|tới|trước|sau)[^\s.;,]+\s+){1,6})?(?:ban hành\s+)?ngày\s+"
    r"(?P<day>\d{1,2})\s*(?:/|-|\s+tháng\s+)(?P<month>\d{1,2})\s*(?:/|-|\s+năm\s+)(?P<year>\d{4})"
)
_YEAR_IN_NUMBER = re.compile(r"/((?:19|20)\d\d)/")
_CODE_SEPARATOR = re.compile(r"[-/]")
_TRAILING_DIGITS = re.compile(r"\d+$")


def issue_date(issued: re.Match[str] | None) -> date | None:
    """The calendar date an issue-date match names, None when absent or impossible (31/2)."""
    if issued is None:
        return None
    try:
        return date(int(issued["year"]), int(issued["month"]), int(issued["day"]))
    except ValueError:
        return None


def _normalised_issuer(issuer: str) -> str:
    issuer = issuer.strip()
    for long_name, short_name in _ISSUER_NAMES.items():
        issuer = issuer.replace(long_name, short_name)
    return issuer


def issuer_of(
    text: str, number_end: int, type_start: int, sentence_start: int, number: str, city: bool
) -> tuple[str | None, bool]:
    """Who issued the document, and whether the text names it: named after the number ("của …"),
    before its type ("… ký"), or read off its code ("QĐ-TTg", "NQ/TU")."""
    after = _ISSUER_AFTER.match(text, number_end)
    if after is not None:
        return _normalised_issuer(after["issuer"]), True
    before = _ISSUER_BEFORE.search(text, sentence_start, type_start)
    if before is not None:
        return _normalised_issuer(before["issuer"]), True
    return _issuer_of_code(number, city), False


def _issuer_of_code(number: str, city: bool) -> str | None:
    codes = [_TRAILING_DIGITS.sub("", code) for code in _CODE_SEPARATOR.split(number)[1:] if not code.isdigit()]
    for code in reversed(codes):
        if code in _ISSUERS_BY_CODE:
            return _ISSUERS_BY_CODE[code]
        if code in _PROVINCIAL_CODES:
            if code == "TU":
                return "Thành ủy" if city else "Tỉnh ủy"
            return f"{_PROVINCIAL_CODES[code]} {'thành phố' if city else 'tỉnh'}"
    return None


def document_key(number: str, issuer: str | None, issued_on: date | None) -> str:
    """number|issuer|year: the same number from another year or issuer is another document."""
    year_in_number = _YEAR_IN_NUMBER.search(number)
    year = str(issued_on.year) if issued_on else (year_in_number[1] if year_in_number else "")
    return f"{number}|{issuer or ''}|{year}"
