"""Authors from metadata and from the byline Vietnamese papers print at the end of an article."""

from __future__ import annotations

import re
from functools import lru_cache

from transforms.text import comparison_key, normalise_text

# Roles whose holder wrote the text; layout, photo and graphics credits are not authors.
_WRITER_ROLES = frozenset(
    comparison_key(role)
    for role in ("nội dung", "bài", "bài và ảnh", "bài, ảnh", "bài - ảnh", "tác giả", "văn bản", "nhóm pv", "pv")
)
_OTHER_ROLES = frozenset(
    comparison_key(role)
    for role in (
        "trình bày", "ảnh", "đồ họa", "đồ hoạ", "thiết kế", "video", "biên tập", "thực hiện",
        "clip", "kỹ thuật", "dựng", "quay phim", "infographic", "nguồn",
    )
)
_ROLE_LINE = re.compile(r"^\s*([^:–—]{1,24}?)\s*[:–—]\s*(.+)$")
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\s-\s|\s–\s|\bvà\b|\band\b)\s*", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_.'’-]*(?:[-'’][^\W\d_]+)?\.?$")
_NOT_A_NAME = frozenset(
    comparison_key(word)
    for word in ("theo", "nguồn", "ảnh", "video", "tin", "bài", "xem", "đọc", "liên", "quan", "thêm", "tags", "từ khóa")
)


_VOWELS = frozenset("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def is_acronym(text: str) -> bool:
    """One word in capitals with no vowel, which no Vietnamese syllable lacks: TTXVN, PV, BTV."""
    return text.isupper() and " " not in text and 2 <= len(text) <= 8 and not any(
        letter in _VOWELS for letter in text.lower()
    )


def normal_case(name: str) -> str:
    """A name in normal case: "HÀ CHI" → "Hà Chi"; names in mixed case and acronyms (TTXVN) are kept."""
    name = normalise_text(name)
    if is_acronym(name):
        return name
    if name.isupper() or name.islower():
        return " ".join(word[:1].upper() + word[1:].lower() for word in name.split(" "))
    return name


def split_names(text: str) -> list[str]:
    """The people named in an author field or byline, in normal case, each once."""
    return list(_split_names(text))


# parse meets one byline up to three times (the author element, the closing paragraph, the merge
# of all authors); this and _byline_authors work its names out once. Tuples: a cached list could be changed.
@lru_cache(maxsize=4096)
def _split_names(text: str) -> tuple[str, ...]:
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(normalise_text(text).strip(" .")):
        part = part.strip(" .()")
        if part and is_name(part):
            name = normal_case(part)
            if comparison_key(name) not in {comparison_key(known) for known in names}:
                names.append(name)
    return tuple(names)


def is_name(text: str) -> bool:
    """True for a short run of capitalised words such as "Hà Chi", "HOÀNG NGA", "Nguyễn Văn A"."""
    words = normalise_text(text).split(" ")
    if not 1 <= len(words) <= 5 or comparison_key(words[0]) in _NOT_A_NAME:
        return False
    return all(_NAME_WORD.match(word) and word[0].isupper() for word in words)


def byline_authors(line: str) -> list[str] | None:
    """Authors named by one byline line ("HÀ CHI", "Nội dung: Hà Chi"); None when it is not a byline."""
    names = _byline_authors(line)
    return None if names is None else list(names)


@lru_cache(maxsize=4096)
def _byline_authors(line: str) -> tuple[str, ...] | None:
    text = normalise_text(line)
    if not text or len(text) > 80:
        return None
    role_line = _ROLE_LINE.match(text)
    if role_line:
        role = comparison_key(role_line.group(1))
        if role in _WRITER_ROLES:
            return _split_names(role_line.group(2)) or None
        if role in _OTHER_ROLES:
            return ()
        return None
    names = _split_names(text)
    parts = [part for part in _NAME_SEPARATORS.split(text.strip(" .")) if part.strip(" .()")]
    return names if names and len(names) == len(parts) else None
