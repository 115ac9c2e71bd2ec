"""Names of people as bylines and metadata print them: which texts are names, and their normal case."""

from __future__ import annotations

import re
from functools import lru_cache

from transforms.text import comparison_key, normalise_text

_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\||\s-\s|\s–\s|\bvà\b|\band\b)\s*", re.IGNORECASE)
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


# One author field is met several times (the author element, the merge of all credits); its names
# are worked out once. Tuples: a cached list could be changed.
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
