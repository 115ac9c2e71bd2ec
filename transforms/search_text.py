"""Search words of article text: what the search index stores and what queries are matched against.

A search word is a run of letters and digits (invisible characters inside it dropped) in
tone_key form: NFC, lower case, one tone-mark placement for open oa/oe/uy syllables
(hoà → hòa). Vietnamese writes one syllable per word, so no stemming or stop words. The SQL side
(warehouse.search) cuts queries and snippets with the same rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from transforms.text import compose, tone_key

# Zero-width characters and soft hyphens CMS editors paste inside words.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# A word of stored text: a letter or digit, then letters, digits and invisible characters.
_WORD = re.compile(f"[^\\W_](?:[^\\W_]|[{INVISIBLE}])*")
# The same in RE2, for DuckDB.
WORD_PATTERN = "[\\p{L}\\p{N}][\\p{L}\\p{N}" + "".join(f"\\x{{{ord(character):X}}}" for character in INVISIBLE) + "]*"
# Snippets start at a word whose offset in the text is kept: one every this many words.
OFFSET_EVERY = 16
# Where a word was found, as bits of search_postings.fields.
FIELD_BITS = {"title": 1, "lead": 2, "body": 4, "caption": 8}
# A word in the title says more about the article than one in the body (BM25F-style weights).
FIELD_WEIGHTS = {"title": 3, "lead": 2, "body": 1, "caption": 1}
# Snippet text: lead, body and captions joined by blank lines.
SNIPPET_SEPARATOR = "\n\n"


def search_words(text: str) -> list[str]:
    """The search words of a text, in order."""
    return [_search_word(word) for word in _WORD.findall(compose(text))]


def _strip_marks(character: str) -> str:
    return "".join(part for part in unicodedata.normalize("NFD", character) if not unicodedata.combining(part))


# Every accented Latin letter (Vietnamese uses U+00C0–U+1EFF) to its letter without marks; a
# table lookup per character instead of decomposing whole texts.
_FOLDS = {
    code: _strip_marks(chr(code)) for code in range(0x00C0, 0x1F00) if _strip_marks(chr(code)) != chr(code)
} | {ord("đ"): "d"}


def accent_fold(text: str) -> str:
    """Text without accents or tone marks, đ as d: what DuckDB's strip_accents and replace make of it."""
    return compose(text).translate(_FOLDS)


# Articles repeat a vocabulary of a few thousand syllables: each is keyed once.
@lru_cache(maxsize=65536)
def _search_word(word: str) -> str:
    return tone_key(_INVISIBLE.sub("", word))


@dataclass(frozen=True, slots=True)
class IndexedText:
    """One article's search words: weighted counts per word, where each stands, and the word strings."""

    weights: dict[str, int]  # field-weighted count of each word
    fields: dict[str, int]  # FIELD_BITS of the fields each word stands in
    length: int  # words in all fields, unweighted: the document length of BM25
    title_words: str  # " word word … " of the title, for phrase matches
    text_words: str  # " word word … " of lead, body and captions, for phrase matches and snippets
    title_folded: str  # accent_fold(title_words), for queries typed without accents
    text_folded: str  # accent_fold(text_words)
    word_offsets: list[int]  # where words 0, OFFSET_EVERY, 2·OFFSET_EVERY … start in snippet_text()


def index_text(title: str, lead: str, body: str, captions: Iterable[str]) -> IndexedText:
    """Everything the search index keeps of one article."""
    captions = list(captions)
    # Stored text is NFC (the parser composes it), so offsets in it are the offsets SQL sees.
    text = compose(snippet_text(lead, body, captions))
    word_offsets = [match.start() for match in islice(_WORD.finditer(text), 0, None, OFFSET_EVERY)]
    words = {
        "title": search_words(title),
        "lead": search_words(lead),
        "body": search_words(body),
        "caption": [word for caption in captions for word in search_words(caption)],
    }
    weights: Counter[str] = Counter()
    fields: dict[str, int] = {}
    for field, field_words in words.items():
        for word, count in Counter(field_words).items():
            weights[word] += count * FIELD_WEIGHTS[field]
            fields[word] = fields.get(word, 0) | FIELD_BITS[field]
    title_words = _spaced(words["title"])
    spaced_text_words = _spaced(words["lead"] + words["body"] + words["caption"])
    return IndexedText(
        weights=dict(weights),
        fields=fields,
        length=sum(len(field_words) for field_words in words.values()),
        title_words=title_words,
        text_words=spaced_text_words,
        title_folded=accent_fold(title_words),
        text_folded=accent_fold(spaced_text_words),
        word_offsets=word_offsets,
    )


def snippet_text(lead: str, body: str, captions: Iterable[str]) -> str:
    """The text snippets are cut from: lead, body and captions, one block each."""
    return SNIPPET_SEPARATOR.join(part for part in (lead, body, *captions) if part)


def _spaced(words: list[str]) -> str:
    # A space on both sides of every word: " nhà ở " is found only as whole words.
    return f" {' '.join(words)} " if words else " "
