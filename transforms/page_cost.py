"""Bounds on what one page may cost: how deep its elements nest, how much text its article keeps.

Real article pages nest a few dozen elements deep and hold a few thousand words. A page built
to hurt (100,000 nested <div>s, a 9.5 MB article) would otherwise cost minutes of CPU and
gigabytes in parse, dedup and facts: the HTML parser's open-element stack makes deep nesting
quadratic, and every later stage grows with the text.
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from itertools import accumulate

# The HTML parser's cost grows with the square of the nesting (0.07 s at 5,000 levels, 0.25 s at
# 10,000, over a minute at 100,000): a page nested deeper is refused, as a recorded failure.
MAX_NESTING = 5_000
# lxml (trafilatura's parser) stops at 256 levels and drops the rest of the page, deep text and
# all that follows; a page nested deeper than this is read without it.
LXML_MAX_NESTING = 250
# The longest real articles (a full regulation, a year's report) stay well under this.
MAX_TEXT_CHARACTERS = 300_000

# Elements that never hold others (void) or that the next block closes by itself: neither
# deepens the tree however many of them a page leaves unclosed.
_FLAT = (
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th option optgroup rb rt rp thead tbody tfoot colgroup caption "
    "html head body"
).split()
# Formatting elements left open are closed and reopened by the HTML parser (at most three
# alike), so an unclosed <b> or <font> per paragraph does not deepen the tree either.
_FORMATTING = "a b big code em font i nobr s small strike strong tt u".split()
_TAG = re.compile(rb"<(/?[a-zA-Z][a-zA-Z0-9]*)")
_RAW_TEXT = re.compile(rb"<(script|style|textarea|title)\b.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE)


class PageTooDeep(ValueError):
    """The page's elements nest deeper than the parsers can follow."""


def _weights() -> defaultdict[bytes, int]:
    weights: defaultdict[bytes, int] = defaultdict(lambda: 1)
    for name in (*_FLAT, *_FORMATTING):
        weights[name.encode()] = 0
    return weights


_WEIGHTS = _weights()


def nesting_depth(html: bytes | str) -> int:
    """How deep the page's elements nest, read from its tags alone, without building a tree.

    Each start tag goes one level down and each end tag one up, except the elements above; a
    stray end tag at the top changes nothing, as in a browser. Script, style and comment text
    is skipped. It runs at the speed of a regular expression over the page (about a
    millisecond for 100 KB), far below the cost of parsing it.
    """
    raw = html.encode("utf-8", errors="replace") if isinstance(html, str) else html
    tags = _TAG.findall(_RAW_TEXT.sub(b"", raw.lower()))
    # A closing tag weighs minus its element's weight; names not seen yet get the default 1.
    steps = [(-_WEIGHTS[tag[1:]] if tag[:1] == b"/" else _WEIGHTS[tag]) for tag in tags]
    levels = list(accumulate(steps, initial=0))
    # Depth is the level above the lowest level reached before: stray end tags do not dig a credit.
    lowest = accumulate(levels, min)
    return max(map(operator.sub, levels, lowest), default=0)


def check_nesting(html: bytes | str) -> int:
    """The page's nesting depth (or a bound on it); PageTooDeep when it is over MAX_NESTING."""
    # Fewer tags than a level can't nest past it: short pages need no count at all.
    tags = html.count("<" if isinstance(html, str) else b"<")
    if tags <= LXML_MAX_NESTING:
        return tags
    depth = nesting_depth(html)
    if depth > MAX_NESTING:
        raise PageTooDeep(f"elements nested {depth} deep, over the limit of {MAX_NESTING}")
    return depth


def cut_text(lead: str, body: list[str]) -> tuple[str, list[str], bool]:
    """(lead, body, cut): the article's text within MAX_TEXT_CHARACTERS, cut at a paragraph's end when it can be."""
    room = MAX_TEXT_CHARACTERS - len(lead)
    if room < 0:
        return lead[:MAX_TEXT_CHARACTERS], [], True
    kept: list[str] = []
    for paragraph in body:
        if len(paragraph) > room:
            if room:
                kept.append(paragraph[:room])
            return lead, kept, True
        kept.append(paragraph)
        room -= len(paragraph)
    return lead, kept, False
