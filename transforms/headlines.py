"""The article's headline: the visible heading that og:title, the JSON-LD headline and <title> agree on.

The first <h1> is not always the headline: portals put the logo, the category ("Y tế > Sức khỏe")
or the breadcrumb in one. The metadata names the article; the visible heading that matches it wins,
because the metadata adds the outlet's name ("… - Báo Lào Cai") or shortens it.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.text import comparison_key, normalise_text

_CRUMB_SEPARATOR = re.compile(r"\s(?:>|»|›|/|\|)\s|^\s*(?:trang chủ|home)\b", re.IGNORECASE)
_CHROME_CLASS = re.compile(r"logo|brand|breadcrumb|\bcate|category|chuyen-?muc|menu|site-title", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_OUTLET_AFTER = re.compile(r"\s+[-|–—]\s")
_OTHER_HEADINGS = "h2, h3, [class*=title]"


def headline(tree: LexborHTMLParser, stated: list[str], site_name: str | None) -> str:
    """The headline: the heading the metadata's titles (best first) name, else the first heading that is
    no logo, breadcrumb or category, else the metadata's title without the outlet's name."""
    site_key = comparison_key(site_name or "")
    stated = [title for title in stated if title]
    headings = [
        (node, text)
        for node in tree.css("h1")
        if (text := normalise_text(node.text())) and comparison_key(text) != site_key
    ]
    for _, text in headings:
        if any(same_title(text, title) for title in stated):
            return text
    plain = [text for node, text in headings if not _is_chrome(node, text, stated)]
    if stated:
        if not plain and tree.body is not None:
            for node in tree.body.css(_OTHER_HEADINGS):
                text = normalise_text(node.text())
                if 10 <= len(text) <= 300 and any(same_title(text, title) for title in stated):
                    return text
        if not plain:
            return _without_outlet(stated[0], site_name)
    return plain[0] if plain else ""


def same_title(heading: str, stated: str) -> bool:
    """Whether a heading and a metadata title name the same article: equal, or one the other plus an outlet."""
    heading_key, stated_key = comparison_key(heading).strip(" ."), comparison_key(stated).strip(" .")
    if not heading_key or not stated_key:
        return False
    if heading_key == stated_key:
        return True
    shorter, longer = sorted((heading_key, stated_key), key=len)
    # "Bão số 3" and "Bão số 3 - Báo Mẫu": the rest of the longer title is the outlet's name.
    if longer.startswith(shorter) and (len(shorter) >= 15 or _OUTLET_AFTER.match(longer, len(shorter))):
        return True
    heading_words, stated_words = set(_WORD.findall(heading_key)), set(_WORD.findall(stated_key))
    shared = len(heading_words & stated_words)
    return len(heading_words) >= 4 and shared >= 0.8 * max(len(heading_words), len(stated_words))


def _is_chrome(node: LexborNode, text: str, stated: list[str]) -> bool:
    """An <h1> holding the page's category, breadcrumb or logo rather than an article's headline."""
    if _CRUMB_SEPARATOR.search(text) or len(node.css("a")) >= 2:
        return True
    parent = node
    for _ in range(2):
        if parent is None:
            break
        names = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if _CHROME_CLASS.search(names):
            return True
        parent = parent.parent
    # A two-word heading beside a stated title of twice its length is a section name.
    return bool(stated) and len(text.split()) <= 3 and len(stated[0].split()) >= 6


def _without_outlet(title: str, site_name: str | None) -> str:
    """og:title or <title> without the " - Báo X" an outlet appends."""
    if site_name:
        for separator in (" - ", " | ", " – ", " — "):
            suffix = separator + site_name
            if comparison_key(title).endswith(comparison_key(suffix)):
                return title[: -len(suffix)].strip()
    return title
