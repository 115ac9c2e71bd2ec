"""Bylines as Vietnamese papers print them: roles, outlets, honorifics, agencies and syndication credits.

"Tin: Tường Minh - Ảnh: Đỗ Hiền" is two credits with two roles; "Tạ Nguyên/Báo Tin tức" a writer and
her outlet; "Bác sĩ Nguyễn Trung Cấp" a name behind an honorific; "Theo Vietnamnet" no byline at all
but the outlet the text was taken from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborNode

from transforms.authors import is_acronym, is_name, normal_case
from transforms.records import Byline
from transforms.text import comparison_key, normalise_text

# Role labels as printed, by the role they give; longer labels first so "Tin và ảnh" is not "Tin".
_ROLE_LABELS: dict[str, str | None] = {
    **dict.fromkeys(
        (
            "tin và ảnh", "bài và ảnh", "tin, ảnh", "bài, ảnh", "tin - ảnh", "bài - ảnh", "tin/ảnh", "bài/ảnh",
            "tin & ảnh", "bài & ảnh", "bài viết", "nội dung", "tác giả", "văn bản", "nhóm pv", "nhóm phóng viên",
            "phóng viên", "pv", "ghi chép", "lược dịch", "biên dịch", "tin", "bài", "ghi",
        ),
        "text",
    ),
    **dict.fromkeys(("ảnh", "hình ảnh", "hình", "photo", "chụp ảnh"), "photo"),
    **dict.fromkeys(("video", "clip", "quay phim", "quay", "ảnh và video", "video và ảnh"), "video"),
    # Credits that name no writer, photographer or camera: they end a byline but add nobody.
    **dict.fromkeys(
        (
            "trình bày", "đồ họa", "đồ hoạ", "thiết kế", "biên tập", "thực hiện", "kỹ thuật", "dựng", "dựng phim",
            "infographic", "minh họa", "minh hoạ", "chỉ đạo", "sản xuất", "kỹ thuật dựng",
        ),
        None,
    ),
}
_ROLE_PATTERN = "|".join(re.escape(label) for label in sorted(_ROLE_LABELS, key=len, reverse=True))
# A role label starts the line or follows a separator: "Tin: A - Ảnh: B", "Bài: A; Ảnh: B", "Nội dung: A | Trình bày: B".
_ROLE_LABEL = re.compile(rf"(?:^|\s*[-–—|;,]\s*|\s+)({_ROLE_PATTERN})\s*:\s*", re.IGNORECASE)
_NAME_SEPARATOR = re.compile(r"\s*(?:,|;|&|\s[-–—]\s|\bvà\b)\s*", re.IGNORECASE)
# Honorifics, ranks and degrees printed before a name; kept apart from it.
_HONORIFIC_WORDS = (
    "phó giáo sư", "giáo sư", "tiến sĩ", "tiến sỹ", "thạc sĩ", "thạc sỹ", "bác sĩ", "bác sỹ", "dược sĩ", "dược sỹ",
    "luật sư", "kỹ sư", "kiến trúc sư", "nhà báo", "nhà văn", "nhà thơ", "nhà giáo", "nhạc sĩ", "họa sĩ", "nghệ sĩ",
    "nghệ nhân", "đại tá", "thượng tá", "trung tá", "thiếu tá", "đại úy", "thượng úy", "trung úy", "thiếu úy",
    "chuyên gia", "điều dưỡng", "lương y", "y sĩ", "thầy thuốc", "phóng viên", "cộng tác viên", "biên tập viên",
    "chuyên viên", "cử nhân",
)
_DEGREE = r"(?:PGS|GS|TS|ThS|Ths|BS|BSCKII|BSCKI|BSCK2|BSCK1|CKII|CKI|BSNT|DS|LS|KS|CN|NCS|TTND|TTƯT|NSND|NSƯT|TTUT)"
_HONORIFIC = re.compile(
    rf"^(?:(?:{'|'.join(_HONORIFIC_WORDS)})\b\.?|{_DEGREE}(?:\s*\.\s*{_DEGREE})*\s*[.,]?(?=\s|$))\s*",
    re.IGNORECASE,
)
# News agencies and staff marks printed in capitals; they stay in capitals.
_AGENCIES = frozenset(("TTXVN", "VNA", "AFP", "AP", "REUTERS", "BBC", "CNN", "XINHUA", "VOV", "VTV", "VTC", "PV", "CTV", "BTV"))
# "Theo Vietnamnet", "(Theo TTXVN)", "Nguồn: Báo Chính phủ", "Theo tuoitre.vn".
_SYNDICATION = re.compile(r"^\(?\s*(?:theo|nguồn)\s*:?\s+([^\s()].{0,48}?)\s*\)?\s*\.?$", re.IGNORECASE)
_OUTLET_START = re.compile(r"^(?:báo|tạp chí|đài|cổng|trang|thông tấn|tttđt|tuần báo|bản tin)\b", re.IGNORECASE)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov\.vn)$", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SENTENCE_MARK = re.compile(r"[!?]|\.\s|:\s*\S.*\.\s")


@dataclass(frozen=True, slots=True)
class BylineLine:
    """What one printed line credits: people with their roles, and the outlet the text was taken from."""

    bylines: tuple[Byline, ...]
    syndicated_from: str | None = None


def read_byline(line: str, *, marked: bool = False) -> BylineLine | None:
    """The credits of one byline line; None when the line is article text, not a byline.

    marked: the page set the line apart as a byline does (bold, italic, right-aligned, an author
    class), so an honorific or a "(theo …)" does not make it text.
    """
    return _read_byline(normalise_text(line), marked)


@lru_cache(maxsize=4096)
def _read_byline(text: str, marked: bool) -> BylineLine | None:
    text = text.strip(" .")
    if not text or len(text) > 90:
        return None
    syndicated = syndication_credit(text)
    if syndicated:
        return BylineLine((), syndicated)
    if _ROLE_LABEL.match(text):
        return _role_line(text)
    parts = [part for part in _NAME_SEPARATOR.split(text) if part.strip(" .")]
    credits = [_credit(part, None) for part in parts]
    if not credits or any(credit is None for credit in credits):
        return None
    bylines = tuple(byline for byline, _ in credits if byline is not None)
    syndicated = next((source for _, source in credits if source), None)
    # An unmarked line of several bare names could be a list in the text; one name or a credit form is not.
    if not marked and len(bylines) > 3:
        return None
    return BylineLine(bylines, syndicated) if bylines or syndicated else None


def starts_with_role(line: str) -> bool:
    """Whether the line opens with a credit's role label ("Tin và ảnh:", "Video:")."""
    return _ROLE_LABEL.match(normalise_text(line)) is not None


_TRAILING_SOURCE = re.compile(r"\s*[(\[]\s*(?:theo|nguồn\s*:?)\s+([^()\[\]]{2,48}?)\s*[)\]]\s*\.?$", re.IGNORECASE)


def trailing_source(paragraph: str) -> tuple[str, str | None]:
    """(paragraph, outlet) with a closing "(Theo TTXVN)" cut off the paragraph it ends; outlet None when absent."""
    match = _TRAILING_SOURCE.search(paragraph) if paragraph.endswith((")", ").", "]")) else None
    if match is None or match.start() == 0:
        return paragraph, None
    return paragraph[: match.start()].rstrip(), match.group(1)


def _role_line(text: str) -> BylineLine | None:
    labels = list(_ROLE_LABEL.finditer(text))
    bylines: list[Byline] = []
    syndicated = None
    for number, label in enumerate(labels):
        end = labels[number + 1].start() if number + 1 < len(labels) else len(text)
        role_key = comparison_key(label.group(1))
        role = next((role for known, role in _ROLE_LABELS.items() if comparison_key(known) == role_key), None)
        names = text[label.end() : end].strip(" .-–—|;,")
        if role is None:
            continue
        for part in _NAME_SEPARATOR.split(names):
            if not part.strip(" ."):
                continue
            credit = _credit(part, role)
            if credit is None:
                return None
            byline, source = credit
            syndicated = syndicated or source
            if byline is not None:
                bylines.append(byline)
    return BylineLine(tuple(_unique(bylines)), syndicated)


def _credit(part: str, role: str | None) -> tuple[Byline | None, str | None] | None:
    """(byline, syndicated outlet) of one credited name: "Quang Minh (theo Healthline)", "Tạ Nguyên/Báo Tin tức"."""
    part = part.strip(" .")
    outlet = syndicated = None
    bracketed = re.match(r"^(.*?)\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]$", part)
    if bracketed:
        part, inside = bracketed.group(1), bracketed.group(2)
        source = _SYNDICATION.match(inside)
        if source:
            syndicated = source.group(1)
        elif is_outlet(inside) or (inside[:1].isupper() and len(inside) <= 30 and not is_name(inside)):
            # "(TTXVN)", "(Vietnam+)": the writer's outlet; "(Hà Nội)" is where a reader writes from.
            outlet = inside
        elif not is_name(inside) and not _EMAIL.fullmatch(inside):
            return None
        if not part:
            return (None, syndicated) if syndicated else None
    if "/" in part:
        name, _, after = part.partition("/")
        if not after.strip() or not (is_outlet(after.strip()) or is_name(after.strip())):
            return None
        part, outlet = name.strip(), outlet or after.strip()
    name = person_name(part)
    if name is None:
        return None
    return Byline(name, role, outlet), syndicated


def person_name(text: str) -> str | None:
    """The name in a credit, honorifics and degrees left out, in normal case; None when it is no name."""
    text = normalise_text(text).strip(" .,")
    while True:
        stripped = _HONORIFIC.sub("", text, count=1)
        if stripped == text or not stripped:
            break
        text = stripped.strip(" .,")
    if is_agency(text):
        return text
    return normal_case(text) if is_name(text) else None


def is_agency(text: str) -> bool:
    """An agency or staff mark in capitals: TTXVN, VNA, PV."""
    return is_acronym(text) or text in _AGENCIES


def is_outlet(text: str) -> bool:
    """A newspaper, channel or site rather than a person: "Báo Tin tức", "TTXVN", "vnexpress.net"."""
    text = text.strip()
    return bool(_OUTLET_START.match(text) or is_agency(text) or _DOMAIN.match(text))


def syndication_credit(line: str) -> str | None:
    """The outlet of a credit line that says where the text was taken from ("Theo Vietnamnet"), else None."""
    text = normalise_text(line).strip()
    if len(text) > 60:
        return None
    if is_agency(text.strip(" .()")) and text.strip(" .()") not in ("PV", "CTV", "BTV"):
        return text.strip(" .()")
    match = _SYNDICATION.match(text)
    if match is None:
        return None
    outlet = match.group(1).strip(" .")
    # "Theo kế hoạch", "Theo ông Hùng, …": a sentence, not a credit.
    if not outlet[:1].isupper() and not _DOMAIN.match(outlet):
        return None
    if "," in outlet or _SENTENCE_MARK.search(outlet) or len(outlet.split()) > 6:
        return None
    if comparison_key(outlet.split()[0]) in _NOT_OUTLET_WORDS:
        return None
    return outlet


_NOT_OUTLET_WORDS = frozenset(
    comparison_key(word)
    for word in ("ông", "bà", "anh", "chị", "em", "đó", "đây", "như", "quy", "kế", "quyết", "nghị", "thông", "báo cáo")
)


def _unique(bylines: list[Byline]) -> list[Byline]:
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for byline in bylines:
        key = (comparison_key(byline.name), byline.role)
        if key not in seen:
            seen.add(key)
            unique.append(byline)
    return unique


def merge_bylines(*groups: tuple[Byline, ...] | list[Byline]) -> tuple[Byline, ...]:
    """The credits of several places on the page, each person and role once, first place first."""
    merged: list[Byline] = []
    for group in groups:
        for byline in group:
            same = next((index for index, known in enumerate(merged) if comparison_key(known.name) == comparison_key(byline.name)), None)
            if same is None:
                merged.append(byline)
            elif merged[same].role is None and byline.role is not None or merged[same].outlet is None and byline.outlet:
                known = merged[same]
                merged[same] = Byline(known.name, known.role or byline.role, known.outlet or byline.outlet)
    return tuple(merged)


def author_names(bylines: tuple[Byline, ...]) -> tuple[str, ...]:
    """The writers: names credited for the text or with no role."""
    return tuple(dict.fromkeys(byline.name for byline in bylines if byline.role in ("text", None)))


def metadata_bylines(names: tuple[str, ...], site_name: str | None) -> tuple[Byline, ...]:
    """Bylines from JSON-LD or <meta> author strings: split only where names really part.

    "TTXVN, Lý Thường Kiệt, Hà Nội" is an agency and its address, not three writers.
    """
    site_key = comparison_key(site_name or "")
    bylines: list[Byline] = []
    for text in names:
        text = normalise_text(text)
        if not text or comparison_key(text) == site_key:
            continue
        line = _read_byline(text, True)
        if line is not None and line.bylines:
            parts = [part.strip() for part in text.split(",")]
            if len(parts) > 1 and (is_outlet(parts[0]) or is_agency(parts[0])):
                # An organisation followed by its address.
                bylines.append(Byline(parts[0], None, parts[0] if is_outlet(parts[0]) else None))
                continue
            bylines.extend(line.bylines)
            continue
        first = text.split(",")[0].strip()
        name = person_name(first)
        if name is not None and comparison_key(name) != site_key:
            bylines.append(Byline(name, None, name if is_agency(name) else None))
    return tuple(_unique(bylines))


_RIGHT = re.compile(r"text-align\s*:\s*right", re.IGNORECASE)
_BYLINE_CLASS = re.compile(r"right|author|tac-?gia|signature|byline|sign", re.IGNORECASE)
_EMPHASIS = frozenset(("strong", "b", "em", "i"))
_CLOSING_ELEMENTS = 15  # the paragraphs a closing byline can be among


def set_apart_lines(root: LexborNode) -> frozenset[str]:
    """Comparison keys of the short closing paragraphs the page sets apart as bylines are set:
    bold or italic throughout, right-aligned, or classed as the author's."""
    lines = set()
    for node in root.css("p, div[align], div[style], div[class*=author]")[-_CLOSING_ELEMENTS:]:
        text = normalise_text(node.text())
        if not text or len(text) > 90:
            continue
        attributes = node.attributes
        aligned = (attributes.get("align") or "").lower() == "right" or _RIGHT.search(attributes.get("style") or "")
        if aligned or _BYLINE_CLASS.search(attributes.get("class") or "") or _emphasised(node, text):
            lines.add(comparison_key(text))
    return frozenset(lines)


def _emphasised(node: LexborNode, text: str) -> bool:
    emphasised = "".join(child.text() or "" for child in node.traverse() if child.tag in _EMPHASIS and not _nested_emphasis(child, node))
    return normalise_text(emphasised) == text


def _nested_emphasis(child: LexborNode, root: LexborNode) -> bool:
    parent = child.parent
    while parent is not None and parent.mem_id != root.mem_id:
        if parent.tag in _EMPHASIS:
            return True
        parent = parent.parent
    return False
