"""Vietnamese number parsing: dot groups thousands, comma marks decimals, number words scale."""

from __future__ import annotations

import re
from decimal import Decimal

# "1.712" is one thousand seven hundred and twelve, "0,067" is a decimal: a dot only
# groups thousands when exactly three digits follow it.
DIGITS_PATTERN = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"

SCALE_WORDS: dict[str, Decimal] = {
    "nghìn": Decimal(10**3),
    "ngàn": Decimal(10**3),
    "vạn": Decimal(10**4),
    "triệu": Decimal(10**6),
    "tỷ": Decimal(10**9),
    "tỉ": Decimal(10**9),
}

_SCALE_EXPONENTS = {word: scale.adjusted() for word, scale in SCALE_WORDS.items()}

# "2,4 nghìn tỷ" stacks scale words: each one multiplies.
SCALE_PATTERN = r"(?:\s+(?:nghìn|ngàn|vạn|triệu|tỷ|tỉ)(?!\w))*"

_NUMBER = re.compile(rf"\s*({DIGITS_PATTERN})({SCALE_PATTERN})\s*")


def digits_value(digits: str) -> Decimal:
    """Value of a digit string written the Vietnamese way ("825.950,55" -> 825950.55)."""
    return Decimal(digits.replace(".", "").replace(",", "."))


# Up to this many digits, Decimal scales a number exactly: each scale word only adds zeros.
_EXACT_DIGITS = 28


def scaled_value(digits: str, scale_words: str) -> float:
    """Value of digits multiplied by every scale word in `scale_words` ("2,4", "nghìn tỷ" -> 2.4e12)."""
    number = digits.replace(".", "").replace(",", ".")
    if not scale_words:
        return float(number)
    # Scaling in binary floats would drift in the last digit ("825.950,55 triệu"). float() of
    # "825950.55e6" rounds the exact product once, as float() of the exact Decimal product does.
    if len(digits) <= _EXACT_DIGITS:
        return float(f"{number}e{sum(_SCALE_EXPONENTS[word] for word in scale_words.split())}")
    value = digits_value(digits)
    for word in scale_words.split():
        value *= SCALE_WORDS[word]
    return float(value)


def parse_vietnamese_number(text: str) -> float | None:
    """Value of a whole Vietnamese number expression ("4.690 tỷ" -> 4.69e12), None if it is not one."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    return scaled_value(match[1], match[2])
