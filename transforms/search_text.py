"""Search words of article text: what the search index stores and what queries are matched against.

A search word is a run of letters and digits of tone_key(text) — NFC, lower case, one tone-mark
placement for open oa/oe/uy syllables (hoà → hòa) — with invisible characters removed first.
Vietnamese writes one syllable per word, so no stemming or stop words. The SQL side
(warehouse.search) cuts queries and snippets with the same rule, `[\\p{L}\\p{N}]+`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from transforms.text import compose, tone_key

# Zero-width characters and soft hyphens CMS editors paste inside words.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_WORD = re.compile(r"[^\W_]+")
# Where a word was found, as bits of search_postings.fields.
FIELD_BITS = {"title": 1, "lead": 2, "body": 4, "caption": 8}
# A word in the title says more about the article than one in the body (BM25F-style weights).
FIELD_WEIGHTS = {"title": 3, "lead": 2, "body": 1, "caption": 1}
# Fields of the snippet text, which is lead, body and captions joined by blank lines.
SNIPPET_SEPARATOR = "\n\n"


def visible(text: str) -> str:
    """NFC text without invisible characters: the text snippets are cut from."""
    return _INVISIBLE.sub("", compose(text))


def search_words(text: str) -> list[str]:
    """The search words of a text, in order."""
    return _WORD.findall(tone_key(visible(text)))


@dataclass(frozen=True, slots=True)
class IndexedText:
    """One article's search words: weighted counts per word, where each stands, and the word strings."""

    weights: dict[str, int]  # field-weighted count of each word
    fields: dict[str, int]  # FIELD_BITS of the fields each word stands in
    length: int  # words in all fields, unweighted: the document length of BM25
    title_words: str  # " word word … " of the title, for phrase matches
    text_words: str  # " word word … " of lead, body and captions, for phrase matches and snippets


def index_text(title: str, lead: str, body: str, captions: Iterable[str]) -> IndexedText:
    """Everything the search index keeps of one article."""
    captions = list(captions)
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
    text = words["lead"] + words["body"] + words["caption"]
    return IndexedText(
        weights=dict(weights),
        fields=fields,
        length=sum(len(field_words) for field_words in words.values()),
        title_words=_spaced(words["title"]),
        text_words=_spaced(text),
    )


def snippet_text(lead: str, body: str, captions: Iterable[str]) -> str:
    """The text snippets are cut from: lead, body and captions, one block each."""
    return SNIPPET_SEPARATOR.join(part for part in (lead, body, *captions) if part)


def _spaced(words: list[str]) -> str:
    # A space on both sides of every word: " nhà ở " is found only as whole words.
    return f" {' '.join(words)} " if words else " "
