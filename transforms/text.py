"""Unicode helpers for Vietnamese text: composed storage form and a comparison key."""

from __future__ import annotations

import codecs
import re
import unicodedata

# Non-breaking, zero-width and other exotic spaces that CMS editors paste in.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WHITESPACE = re.compile(r"\s+")

# Combining marks that carry the tone; the others (circumflex, breve, horn) shape the vowel.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_SHAPED_VOWELS = frozenset("ăâêôơư")
_SYLLABLE = re.compile(
    r"^(?P<initial>ngh|ng|gh|gi|qu|ch|kh|nh|ph|th|tr|[bcdđghklmnpqrstvx])?"
    r"(?P<vowels>[aăâeêioôơuưy]{1,3})"
    r"(?P<final>ch|ng|nh|[cmnpt])?$"
)


def normalise_text(text: str) -> str:
    """NFC text on one line: invisible characters removed, whitespace runs folded to one space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_INVISIBLE)).strip()


def comparison_key(text: str) -> str:
    """Lower-case NFC text with one tone-mark placement (hoà → hòa, khoẻ → khỏe, thuý → thúy)."""
    lowered = normalise_text(text).lower()
    return re.sub(r"\w+", lambda match: _retone(match.group()), lowered)


def _retone(word: str) -> str:
    """The syllable with its tone mark on the vowel that carries it in the key's spelling."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [mark for mark in decomposed if mark in _TONES]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in _TONES))
    syllable = _SYLLABLE.match(bare)
    # Words that are not one Vietnamese syllable (names, loanwords) keep their spelling.
    if syllable is None:
        return word
    initial, vowels, final = syllable.group("initial") or "", syllable.group("vowels"), syllable.group("final")
    index = _tone_index(vowels, closed=final is not None)
    start = len(initial)
    toned = unicodedata.normalize("NFC", bare[start + index] + tones[0])
    return bare[: start + index] + toned + bare[start + index + 1 :]


def _tone_index(vowels: str, *, closed: bool) -> int:
    """Which vowel of the cluster takes the tone mark."""
    shaped = [index for index, vowel in enumerate(vowels) if vowel in _SHAPED_VOWELS]
    if shaped:
        return shaped[-1]
    if len(vowels) == 1:
        return 0
    if closed:
        return len(vowels) - 1
    # Open syllables: the first of two vowels (hòa, thúy, mái), the middle of three (khoái).
    return 0 if len(vowels) == 2 else 1


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)


def decode_page(raw: bytes, content_type: str | None) -> str:
    """Page bytes as NFC text: charset from the header, then <meta>, then detection; never raises."""
    declared = _declared_charset(raw, content_type)
    try:
        # Legacy-codec text that happens to be valid UTF-8 is vanishingly rare, so valid UTF-8
        # wins over any declaration: servers often send a stale charset header.
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        text = _decode_not_utf8(raw, declared, error)
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


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
