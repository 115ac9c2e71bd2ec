"""Unicode helpers for Vietnamese text: composed storage form and a comparison key."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

# Zero-width characters and soft hyphens that CMS editors paste in; str.split() folds the spaces.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

_TONE_MARKS = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc, huyền, hỏi, ngã, nặng


def _placements() -> dict[str, str]:
    """Open oa, oe and uy syllables: tone on the second vowel → tone on the first (hoà → hòa)."""
    moves = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in _TONE_MARKS:
            toned_second = unicodedata.normalize("NFC", second + mark)
            toned_first = unicodedata.normalize("NFC", first + mark)
            moves[first + toned_second] = toned_first + second
    return moves


_MOVES = _placements()
# Only at the end of a word (an open syllable). A pattern that starts with a character class
# lets the regex engine skip to the candidates; a look-behind for the q of "quý" would not.
_MOVABLE = re.compile(r"[ou][àáảãạèéẻẽẹỳýỷỹỵ](?!\w)")


def normalise_text(text: str) -> str:
    """NFC text on one line: invisible characters removed, whitespace runs folded to one space."""
    # compose() inlined: this runs for every text node of every page.
    composed = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    # Invisible characters and every whitespace but the plain space are unprintable, so for most
    # paragraphs one printable check shows there is nothing to remove; and splitting into words
    # to join them again allocates a string per word, which single plain spaces do not need.
    if composed.isprintable():
        if "  " not in composed and composed[:1] != " " and composed[-1:] != " ":
            return composed
        return " ".join(composed.split())
    return " ".join(_INVISIBLE.sub("", composed).split())


# Keys are asked for again and again: names against each other, captions against their repetitions
# and the paragraphs, box labels that every page of a site repeats.
@lru_cache(maxsize=4096)
def comparison_key(text: str) -> str:
    """Lower-case NFC text with one tone-mark placement (hoà → hòa, khoẻ → khỏe, thuý → thúy)."""
    return tone_key(normalise_text(text))


def tone_key(text: str) -> str:
    """Lower-case NFC text with one tone-mark placement; spacing and line breaks kept."""
    lowered = compose(text).lower()
    return _MOVABLE.sub(_move_tone, lowered)


def _move_tone(match: re.Match[str]) -> str:
    syllable_end = match.group()
    start = match.start()
    # "uy" after q is "quý", whose u is a consonant: its tone stays where it is.
    if start and match.string[start - 1] == "q":
        return syllable_end
    return _MOVES.get(syllable_end, syllable_end)


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)


def decode_page(raw: bytes, content_type: str | None) -> str:
    """Page bytes as NFC text: charset from the header, then <meta>, then detection; never raises."""
    return read_page(raw, content_type)[0]


def read_page(raw: bytes, content_type: str | None) -> tuple[str, bool]:
    """(decode_page's text, whether the bytes are exactly that text in UTF-8)."""
    wide = _wide_encoding(raw)
    if wide is not None:
        return compose(raw.decode(wide, errors="replace").removeprefix("\ufeff")), False
    try:
        # Legacy-codec text that happens to be valid UTF-8 is vanishingly rare, so valid UTF-8
        # wins over any declaration: servers often send a stale charset header.
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        text = _decode_not_utf8(raw, _declared_charset(raw, content_type), error)
        return compose(text.removeprefix("\ufeff")), False
    if text.startswith("\ufeff"):
        return compose(text[1:]), False
    if _is_composed(raw) or unicodedata.is_normalized("NFC", text):
        return text, True
    return unicodedata.normalize("NFC", text), False


# A byte-order mark says the encoding whatever a header claims (as browsers read it). UTF-32's
# little-endian mark starts with UTF-16's, so it is looked for first.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """utf-16 or utf-32 when the page starts with that encoding's byte-order mark."""
    return next((encoding for mark, encoding in _BYTE_ORDER_MARKS if raw.startswith(mark)), None)


_ASCII = bytes(range(0x80))


def _is_composed(utf8: bytes) -> bool:
    """True when the UTF-8 text is NFC by a check of its non-ASCII characters alone; False means unknown.

    An ASCII character never reorders and never composes with the character before it, so it
    cuts the text into pieces that normalise apart. The one composition it starts is with a
    combining mark of U+0300–U+036F (lead bytes CC and CD); without those the text is NFC
    when its non-ASCII characters, run together, are. On a Vietnamese page they are under a
    tenth of the characters: deleting the ASCII bytes and checking the rest costs a third of
    checking the whole page.
    """
    if b"\xcc" in utf8 or b"\xcd" in utf8:
        return False
    return unicodedata.is_normalized("NFC", utf8.translate(None, _ASCII).decode("utf-8"))


def compose(text: str) -> str:
    """NFC form of the text; the quick check skips the copy for text that is already composed."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _declared_charset(raw: bytes, content_type: str | None) -> str | None:
    """The codec name the header (first) or a <meta> tag declares, if Python knows it."""
    names = []
    if content_type:
        header = _HEADER_CHARSET.search(content_type)
        if header:
            names.append(header.group(1))
    meta = _META_CHARSET.search(raw[:4096])
    if meta:
        names.append(meta.group(1).decode("ascii", errors="ignore"))
    for name in names:
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return None


def _decode_not_utf8(raw: bytes, declared: str | None, error: UnicodeDecodeError) -> str:
    """Bytes that are not valid UTF-8: a cut-off tail, a declared legacy codec, or windows-1258."""
    if error.start >= len(raw) - 3:
        # A page truncated in the middle of a multi-byte character.
        return raw.decode("utf-8", errors="ignore")
    if declared not in (None, "utf-8"):
        return raw.decode(declared, errors="replace")
    utf8_errors = raw.decode("utf-8", errors="replace").count("\ufffd")
    non_ascii = sum(1 for byte in raw if byte >= 0x80)
    # A handful of stray bytes in a UTF-8 page is damage; many is a legacy Vietnamese codec.
    if utf8_errors * 20 < non_ascii:
        return raw.decode("utf-8", errors="replace")
    return raw.decode("cp1258", errors="replace")
