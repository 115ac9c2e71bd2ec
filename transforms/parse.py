"""One page of raw HTML in, one clean Article out: the site's selectors when it has them, else generic."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.authors import byline_authors, split_names
from transforms.captions import absolute_url, caption_key, take_captions
from transforms.clean import generic_paragraphs, is_box_label, paragraphs, remove_noise
from transforms.dates import parse_date
from transforms.page_quirks import (
    forget_breadcrumb_heading, scripted_body, stated_canonical, stated_date, strip_text,
)
from transforms.records import Article, Caption, Selectors
from transforms.text import comparison_key, compose, decode_page, normalise_text, read_page

__all__ = ["NotAnArticle", "decode_page", "parse_page"]


class NotAnArticle(ValueError):
    """The page holds no article: not HTML, no title, or no body text."""


_HTML = re.compile(r"<\s*(?:html|body|head|p|div|h1|article|title)\b", re.IGNORECASE)
_LEAD_CLASS = "[class*=sapo], [class*=lead], [class*=summary], [class*=chapeau], [class*=standfirst], [class*=tomtat]"
_LEAD_WORD = re.compile(r"^(?:sapo|lead|summary|chapeau|standfirst|tomtat)$", re.IGNORECASE)
_DATE_CLASS = "[class*=date], [class*=time], [class*=publish], [id*=date], [class*=ngay]"
_AUTHOR_CLASS = "[class*=author], [class*=byline], [rel=author]"


def parse_page(
    raw: bytes | str,
    url: str,
    selectors: Selectors | None = None,
    *,
    content_type: str | None = None,
    day_first: bool = True,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> Article:
    """The article of one page; raises NotAnArticle with a one-line reason when there is none."""
    html, verbatim = read_page(raw, content_type) if isinstance(raw, bytes) else (compose(raw), False)
    if not _HTML.search(html[:20000]):
        raise NotAnArticle("not HTML")
    # The parser reads UTF-8; bytes that already are the text spare it encoding the text again.
    tree = LexborHTMLParser(raw if verbatim else html)
    if tree.body is None:
        raise NotAnArticle("not HTML")
    metadata = read_metadata(tree, url)
    selectors = selectors or Selectors()
    if selectors.first_h1_is_breadcrumb:
        forget_breadcrumb_heading(tree)
    title = _first_text(tree, selectors.title) or _headline(tree, metadata) or _page_title(tree)
    if not title:
        raise NotAnArticle("no title")
    section = _first_text(tree, selectors.section) or metadata.section
    published_at = stated_date(tree, selectors.dates, timezone) or _published_at(
        metadata.published, day_first, timezone
    )
    if published_at is None:
        # Read before the boxes go: the date line often sits in a toolbar that remove_noise drops.
        visible_date = _first_text(tree, selectors.date) or _generic_date_text(tree)
        published_at = _published_at(visible_date, day_first, timezone)
    visible_authors = _visible_authors(tree, selectors.author)
    root = tree.css_first(selectors.body) if selectors.body else None
    root = scripted_body(tree, selectors.body_scripts) if root is None else root
    if root is not None:
        lead_node = tree.css_first(selectors.lead) if selectors.lead else None
        lead = normalise_text(lead_node.text()) if lead_node else ""
        if lead_node is not None:
            lead_node.decompose()
        remove_noise(root, selectors.drop)
        captions = take_captions(root, url, selectors.captions, title)
        blocks = strip_text(paragraphs(root), selectors.strip_text)
        extractor = "selectors"
    else:
        visible_authors = visible_authors or _visible_authors(tree, _AUTHOR_CLASS)
        remove_noise(tree.body, selectors.drop)
        marked_lead = _marked_lead(tree)
        captions = take_captions(tree.body, url, selectors.captions, title)
        blocks = generic_paragraphs(tree.html or "", url)
        lead, blocks = _split_lead(blocks, marked_lead, metadata.description)
        extractor = "generic"
    body, byline = _clean_blocks(blocks, title, lead, captions)
    if not lead and body and _is_agency_lead(body[0]):
        lead, body = body[0], body[1:]
    if not body:
        raise NotAnArticle("no article text")
    return Article(
        url=url,
        canonical_url=stated_canonical(tree, selectors.canonical, url) or metadata.canonical_url,
        title=title,
        lead=lead,
        body=tuple(body),
        published_at=published_at,
        authors=_authors(metadata, visible_authors, byline),
        section=section,
        captions=captions,
        extractor=extractor,
    )


def _first_text(tree: LexborHTMLParser, selector: str | None) -> str:
    if not selector:
        return ""
    # css_first stops at the first match, which almost always has the text; the other matches
    # are looked for only when it is empty (an icon, a placeholder).
    first = tree.css_first(selector)
    text = normalise_text(first.text()) if first is not None else ""
    if text or first is None:
        return text
    return next((text for node in tree.css(selector)[1:] if (text := normalise_text(node.text()))), "")


def _headline(tree: LexborHTMLParser, metadata: PageMetadata) -> str:
    """The first <h1> that is not the outlet's logo, else the headline the metadata states."""
    site_key = comparison_key(metadata.site_name or "")
    for node in tree.css("h1"):
        text = normalise_text(node.text())
        if text and comparison_key(text) != site_key:
            return text
    return metadata.title or ""


def _page_title(tree: LexborHTMLParser) -> str:
    """The <title> without the " - Site name" most CMSs append."""
    title = normalise_text(tree.css_first("title").text()) if tree.css_first("title") else ""
    return re.split(r"\s+[|–—-]\s+", title)[0] if title else ""


def _generic_date_text(tree: LexborHTMLParser) -> str:
    """The first short element that looks like a visible publication date."""
    for node in tree.css(_DATE_CLASS):
        text = normalise_text(node.text())
        if 6 <= len(text) <= 80 and parse_date(text) is not None:
            return text
    return ""


def _marked_lead(tree: LexborHTMLParser) -> str:
    """The text of a short block whose class names it the sapo or lead, if the page has one."""
    for node in tree.body.css(_LEAD_CLASS):
        words = re.split(r"[\s_-]+", node.attributes.get("class") or "")
        text = normalise_text(node.text())
        if any(_LEAD_WORD.match(word) for word in words) and 40 <= len(text) <= 800:
            return text
    return ""


def _split_lead(blocks: list[str], marked: str, description: str | None) -> tuple[str, list[str]]:
    """(lead, body) for the generic path: the first block when the page marks it as the sapo."""
    if blocks:
        first = comparison_key(blocks[0])
        if any(first == comparison_key(candidate) for candidate in (marked, description) if candidate):
            return blocks[0], blocks[1:]
    return marked, blocks


def _clean_blocks(
    blocks: list[str], title: str, lead: str, captions: tuple[Caption, ...]
) -> tuple[list[str], list[str]]:
    """(body, byline authors): repeated headline, lead, captions, labels and the closing byline removed."""
    # Keys are costly on long bodies; only a block of about the right length can repeat one.
    unwanted = {comparison_key(text) for text in (title, lead) if text}
    unwanted_lengths = {len(text) for text in unwanted}
    caption_keys = {caption_key(caption.text) for caption in captions}
    longest_caption = max((len(caption.text) + len(caption.credit or "") + 8 for caption in captions), default=0)
    kept = [
        block
        for block in blocks
        if (len(block) not in unwanted_lengths or comparison_key(block) not in unwanted)
        and (len(block) > longest_caption or caption_key(block) not in caption_keys)
        and not is_box_label(block)
        and not _is_date_line(block)
    ]
    authors: list[str] = []
    while kept:
        names = byline_authors(kept[-1])
        if names is None:
            break
        authors[:0] = names
        kept.pop()
    return kept, authors


_DATE_LINE_WORDS = re.compile(r"[^\W\d_]+")


def _is_date_line(block: str) -> bool:
    """A short line that only states when the article was published ("Ngày xuất bản: 8/7/2025")."""
    return len(block) <= 80 and parse_date(block) is not None and len(_DATE_LINE_WORDS.findall(block)) <= 6


# "(BQN) -", "TTTĐ -", "TTXVN -": the agency marker that opens a lead.
_AGENCY_MARKER = re.compile(r"^\(?[A-ZĐ]{2,8}\)?\s*[-–—]\s+\S")


def _is_agency_lead(paragraph: str) -> bool:
    return _AGENCY_MARKER.match(paragraph) is not None


def _published_at(text: str | None, day_first: bool, timezone: str) -> datetime | None:
    return parse_date(text, day_first=day_first, timezone=timezone) if text else None


def _visible_authors(tree: LexborHTMLParser, selector: str | None) -> list[str]:
    """Writers named by the author elements: "HÀ CHI", "Nội dung: Hà Chi"; layout credits skipped."""
    if not selector:
        return []
    names: list[str] = []
    for node in tree.css(selector):
        text = normalise_text(node.text())
        found = byline_authors(text)
        names.extend(found if found is not None else split_names(text))
    return names


def _authors(metadata: PageMetadata, visible: list[str], byline: list[str]) -> tuple[str, ...]:
    """Authors from JSON-LD, the author elements, the closing byline, then <meta name=author>."""
    site_key = comparison_key(metadata.site_name or "")
    for candidates in (metadata.linked_authors, visible, byline, metadata.meta_authors):
        names = [name for name in candidates if comparison_key(name) != site_key]
        names = [name for part in names for name in split_names(part)]
        if names:
            return tuple(dict.fromkeys(names))
    return ()


_ARTICLE_TYPES = frozenset(("NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle"))
_DATE_META = (
    "article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
    "publish-date", "dc.date.issued", "dc.date", "date", "parsely-pub-date",
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page says about its article in JSON-LD, <meta> tags and <link rel=canonical>."""

    canonical_url: str | None
    title: str | None
    published: str | None  # as written; parse_date reads it
    linked_authors: tuple[str, ...]  # JSON-LD Person authors
    meta_authors: tuple[str, ...]  # <meta name=author>, often the outlet itself
    section: str | None
    site_name: str | None
    description: str | None


_HEAD_METADATA = 'meta[content], link[rel=canonical], script[type="application/ld+json"]'
# Body elements that may carry metadata. Attribute selectors cost a test of every element of a
# large page, several times what a tag costs, so _carries_metadata checks the attributes instead.
_BODY_METADATA = "[itemprop], time, script"


def read_metadata(tree: LexborHTMLParser, url: str) -> PageMetadata:
    """The page's own statements about the article, JSON-LD before <meta> tags."""
    meta: dict[str, str] = {}
    linked: dict = {}
    nodes = tree.head.css(_HEAD_METADATA) if tree.head is not None else []
    if tree.body is not None:
        nodes.extend(node for node in tree.body.css(_BODY_METADATA) if _carries_metadata(node))
    for node in nodes:
        attributes = node.attributes
        if node.tag == "script":
            linked = linked or _linked_data(node.text() or "")
            continue
        if node.tag == "link":
            meta.setdefault("canonical", (attributes.get("href") or "").strip())
            continue
        name = attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or node.tag
        value = attributes.get("content") or attributes.get("datetime")
        if value and value.strip():
            meta.setdefault(name.strip(), normalise_text(value))
    href = meta.get("canonical") or meta.get("og:url")
    published = _text(linked.get("datePublished")) or next(
        (meta[name] for name in _DATE_META if meta.get(name)), meta.get("time")
    )
    publisher = linked.get("publisher")
    meta_author = meta.get("author") or meta.get("article:author")
    return PageMetadata(
        canonical_url=absolute_url(url, href) if href else None,
        title=_text(linked.get("headline")) or meta.get("og:title"),
        published=published,
        linked_authors=_people(linked.get("author")),
        meta_authors=(meta_author,) if meta_author and "://" not in meta_author else (),
        section=_text(linked.get("articleSection")) or meta.get("article:section"),
        site_name=meta.get("og:site_name") or (_text(publisher.get("name")) if isinstance(publisher, dict) else None),
        description=meta.get("description") or meta.get("og:description"),
    )


def _carries_metadata(node: LexborNode) -> bool:
    """[itemprop][content], [itemprop][datetime], time[datetime], script[type="application/ld+json"]."""
    attributes = node.attributes
    return (
        ("itemprop" in attributes and ("content" in attributes or "datetime" in attributes))
        or (node.tag == "time" and "datetime" in attributes)
        # Selectors match the type attribute regardless of case.
        or (node.tag == "script" and (attributes.get("type") or "").lower() == "application/ld+json")
    )


def _linked_data(script: str) -> dict:
    """The JSON-LD object describing the article; broken JSON is skipped, not fatal."""
    try:
        document = json.loads(script, strict=False)
    except ValueError:
        return {}
    for item in _json_items(document):
        kinds = item.get("@type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if kinds & _ARTICLE_TYPES:
            return item
    return {}


def _json_items(document: object) -> list[dict]:
    if isinstance(document, list):
        return [item for element in document for item in _json_items(element)]
    if isinstance(document, dict):
        return [document, *_json_items(document.get("@graph", []))]
    return []


def _text(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return (normalise_text(value) or None) if isinstance(value, str) else None


def _people(value: object) -> tuple[str, ...]:
    """Names of Person authors; an Organization author is the publisher, not a writer."""
    names = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            names.append(normalise_text(item))
        elif isinstance(item, dict) and item.get("@type", "Person") == "Person" and isinstance(item.get("name"), str):
            names.append(normalise_text(item["name"]))
    return tuple(name for name in names if name)
