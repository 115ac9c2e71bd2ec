"""What some CMSs do to their pages, undone by declarative options a family or site file sets.

Each function reads one option of Selectors: a body written by a script, the canonical address in an
unusual element, template text leaking into paragraphs, a breadcrumb in the first <h1>. (Dates with
their day/month order, Selectors.dates, are read with the page's other dates in parse.) None of them knows which site or family asked for it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import re2
from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.captions import absolute_url
from transforms.text import normalise_text

# A script holding an article body is long; this spares the patterns every analytics snippet.
_MIN_SCRIPT_BODY = 200
_JS_ESCAPES = {"\\/": "/", "\\'": "'", '\\"': '"', "\\n": "\n", "\\r": "", "\\t": " ", "\\`": "`"}


@lru_cache(maxsize=64)
def compile_quirk_pattern(pattern: str) -> re2._Regexp:
    """A family or site file's text pattern in RE2, '.' matching newlines too.

    These patterns meet every script and paragraph a site serves: RE2's time is linear in the
    text, where Python's engine can backtrack for hours on one hostile page.
    """
    options = re2.Options()
    options.dot_nl = True
    options.log_errors = False  # a bad pattern is reported with its file and key, not on stderr
    return re2.compile(pattern, options)


def forget_breadcrumb_heading(tree: LexborHTMLParser) -> None:
    """Remove the first <h1> of a page whose CMS puts the breadcrumb there."""
    first = tree.css_first("h1")
    if first is not None:
        first.decompose()


def scripted_body(tree: LexborHTMLParser, patterns: tuple[str, ...]) -> LexborNode | None:
    """The article body a script injects (`$('#content').html(`…`)`, `var x = "…"`), parsed; None if absent."""
    if not patterns:
        return None
    for script in tree.css("script"):
        text = script.text() or ""
        if len(text) < _MIN_SCRIPT_BODY:
            continue
        for pattern in patterns:
            match = compile_quirk_pattern(pattern).search(text)
            if match and match.group("html").strip():
                fragment = LexborHTMLParser(f"<html><body><div>{_unescape(match.group('html'))}</div></body></html>")
                return fragment.css_first("body > div")
    return None


def _unescape(text: str) -> str:
    """A JavaScript string literal's contents as the browser would see them."""
    if "\\" not in text:
        return text
    try:
        return json.loads(f'"{text}"')
    except ValueError:
        return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)),
                      re.sub(r"\\[/'\"nrt`]", lambda m: _JS_ESCAPES[m.group(0)], text))


def declared_canonical(tree: LexborHTMLParser, selector: str | None, url: str) -> str | None:
    """The canonical address an element other than <link rel=canonical> gives (href or content)."""
    if not selector:
        return None
    node = tree.css_first(selector)
    if node is None:
        return None
    href = (node.attributes.get("href") or node.attributes.get("content") or "").strip()
    return absolute_url(url, href) if href else None


def strip_text(blocks: list[str], patterns: tuple[str, ...]) -> list[str]:
    """Blocks with the patterns' matches removed; a block left empty goes."""
    if not patterns:
        return blocks
    kept = []
    for block in blocks:
        for pattern in patterns:
            block = compile_quirk_pattern(pattern).sub(" ", block)
        block = normalise_text(block)
        if block:
            kept.append(block)
    return kept
