"""One page of raw HTML in, one clean Article out: the site's selectors when it has them, else generic."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone as fixed_zone

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.authors import split_names
from transforms.bylines import (
    BylineLine, author_names, merge_bylines, metadata_bylines, person_name, read_byline, set_apart_lines,
    starts_with_role, trailing_source,
)
from transforms.captions import absolute_url, caption_key, take_captions
from transforms.clean import generic_paragraphs, is_box_label, is_noise_line, paragraphs, remove_noise, teaser_lines
from transforms.dates import (
    US_CLOCK, DateReading, has_impossible_offset, parse_date, plausible, read_date, reconcile_dates, same_minute,
)
from transforms.headlines import headline
from transforms.page_cost import LXML_MAX_NESTING, MAX_TEXT_CHARACTERS, check_nesting, cut_text
from transforms.leads import choose_lead, drop_repeated_lead, is_truncated_copy, marked_leads, opens_in_bold
from transforms.page_quirks import declared_canonical, forget_breadcrumb_heading, scripted_body, strip_text
from transforms.page_types import has_player, has_player_box, page_type
from transforms.records import Article, Byline, Caption, DateSource, Selectors
from transforms.text import comparison_key, compose, decode_page, normalise_text, read_page

__all__ = ["NotAnArticle", "decode_page", "parse_page"]


class NotAnArticle(ValueError):
    """The page holds no article: not HTML, no title, or no body text."""


_HTML = re.compile(r"<\s*(?:html|body|head|p|div|h1|article|title)\b", re.IGNORECASE)
_DATE_CLASS = "[class*=date], [class*=time], [class*=publish], [id*=date], [class*=ngay]"
_AUTHOR_CLASS = "[class*=author], [class*=byline], [rel=author]"
_INFO_CLASS = "[class*=info], [class*=meta], [class*=author]"
_MEDIA_PAGES = ("video", "photo")


def parse_page(
    raw: bytes | str,
    url: str,
    selectors: Selectors | None = None,
    *,
    content_type: str | None = None,
    day_first: bool = True,
    timezone: str = "Asia/Ho_Chi_Minh",
    fetched_at: datetime | None = None,
) -> Article:
    """The article of one page; raises NotAnArticle with a one-line reason when there is none.

    The dates a site's or family's file lists (selectors.dates) rank where the page states its
    date and in which order it writes day and month; without them, or when the page has none of
    them, the visible date wins over meta tags that disagree with it. A date that can't be true
    (before 1990, more than a day after fetched_at, default now, or an impossible offset) is
    dropped with a note. A page nested deeper than the parsers can follow is refused
    (PageTooDeep) before any parser sees it.
    """
    html, verbatim = read_page(raw, content_type) if isinstance(raw, bytes) else (compose(raw), False)
    if not _HTML.search(html[:20000]):
        raise NotAnArticle("not HTML")
    depth = check_nesting(raw if verbatim else html)
    # The parser reads UTF-8; bytes that already are the text spare it encoding the text again.
    tree = LexborHTMLParser(raw if verbatim else html)
    if tree.body is None:
        raise NotAnArticle("not HTML")
    metadata = read_metadata(tree, url)
    selectors = selectors or Selectors()
    if selectors.first_h1_is_breadcrumb:
        forget_breadcrumb_heading(tree)
    title = _first_text(tree, selectors.title) or headline(tree, metadata.titles, metadata.site_name) or _page_title(tree)
    if not title:
        raise NotAnArticle("no title")
    section = _first_text(tree, selectors.section) or metadata.section
    # Read before the boxes go: the date line often sits in a toolbar that remove_noise drops.
    notes: list[str] = []
    stated_canonical = metadata.meta.get("canonical") or metadata.meta.get("og:url")
    if stated_canonical and metadata.canonical_url is None:
        notes.append(f"canonical address '{stated_canonical[:80]}' unreadable, ignored")
    dates = _DateRules(day_first, timezone, fetched_at or datetime.now(fixed_zone.utc), notes)
    published = _published(tree, metadata, selectors.date, selectors.dates, dates)
    player = has_player(tree)
    visible_bylines = _visible_bylines(tree, selectors.author)
    root = tree.css_first(selectors.body) if selectors.body else None
    root = scripted_body(tree, selectors.body_scripts) if root is None else root
    if root is not None:
        lead_node = tree.css_first(selectors.lead) if selectors.lead else None
        lead = normalise_text(lead_node.text()) if lead_node else ""
        if lead_node is not None:
            lead_node.decompose()
        else:
            # A site file without a lead selector, or one the page's markup no longer matches.
            lead = choose_lead(marked_leads(tree, title), metadata.description)
        remove_noise(root, selectors.drop)
        captions = take_captions(root, url, selectors.captions, title)
        set_apart, teasers, text_root = _SetApart(root), teaser_lines(root), root
        blocks = strip_text(paragraphs(root), selectors.strip_text)
        extractor = "selectors"
    else:
        if not visible_bylines.bylines and not visible_bylines.syndicated_from:
            visible_bylines = _visible_bylines(tree, _AUTHOR_CLASS)
        remove_noise(tree.body, selectors.drop)
        marked_lead = choose_lead(marked_leads(tree, title), metadata.description)
        captions = take_captions(tree.body, url, selectors.captions, title)
        set_apart, teasers, text_root = _SetApart(tree.body), teaser_lines(tree.body), tree.body
        # Past lxml's depth trafilatura would silently lose the deep text and all after it.
        blocks = paragraphs(tree.body) if depth > LXML_MAX_NESTING else generic_paragraphs(tree.html or "", url)
        lead, blocks = _split_lead(blocks, marked_lead, metadata.description)
        extractor = "generic"
    body, printed = _clean_blocks(blocks, title, lead, captions, set_apart, teasers)
    if is_truncated_copy(lead, body):
        lead = ""
    body = drop_repeated_lead(body, lead)
    if not lead and body and (_is_agency_lead(body[0]) or (len(body) > 1 and opens_in_bold(text_root, body[0]))):
        lead, body = body[0], body[1:]
    if not body:
        # Players that scripts fill in leave only a box named for them.
        player = player or has_player_box(tree)
    kind = page_type(player, url, title, metadata.types, sum(map(len, body)), len(captions))
    if not body and kind in _MEDIA_PAGES:
        # A video's or a photo story's text is its description, wherever the page put it.
        body = [lead or metadata.description or ""] if lead or metadata.description else []
        lead = ""
    if not body and kind not in _MEDIA_PAGES:
        raise NotAnArticle("no article text")
    lead, body, text_truncated = cut_text(lead, body)
    if text_truncated:
        notes.append(f"text cut at {MAX_TEXT_CHARACTERS:,} characters")
    bylines = _bylines(metadata, visible_bylines.bylines, printed.bylines) or _info_line_bylines(tree)
    return Article(
        url=url,
        canonical_url=declared_canonical(tree, selectors.canonical, url) or metadata.canonical_url,
        title=title,
        lead=lead,
        body=tuple(body),
        published_at=published.moment if published else None,
        authors=author_names(bylines),
        section=section,
        captions=captions,
        extractor=extractor,
        bylines=bylines,
        syndicated_from=printed.syndicated_from or visible_bylines.syndicated_from,
        page_type=kind,
        published_precision=published.precision if published else None,
        notes=tuple(notes),
        text_truncated=text_truncated,
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


def _page_title(tree: LexborHTMLParser) -> str:
    """The <title> without the " - Site name" most CMSs append."""
    title = normalise_text(tree.css_first("title").text()) if tree.css_first("title") else ""
    return re.split(r"\s+[|–—-]\s+", title)[0] if title else ""


_UPDATED = re.compile(r"cập nhật|update|chỉnh sửa|sửa lúc|modified", re.IGNORECASE)
_CHROME_TOKENS = frozenset(("header", "top-header", "topbar", "top-bar", "site-header", "main-header", "footer", "menu"))


def _generic_date_text(tree: LexborHTMLParser) -> str:
    """The first short element that looks like the article's visible publication date, not the day's
    date in the site's header bar; an update time ("Cập nhật lúc …") only when the page shows no other.
    Elements named for the date come first, then information lines ("Nguyễn An | 12/05/2025 10:30")."""
    updated = ""
    for selector in (_DATE_CLASS, _INFO_CLASS):
        for node in tree.css(selector):
            text = normalise_text(node.text())
            # A date with an impossible offset is still the page's date line: _DateRules notes it.
            readable = parse_date(text) is not None or has_impossible_offset(text)
            if 6 <= len(text) <= 80 and readable and not _in_chrome(node):
                if not _UPDATED.search(text):
                    return text
                updated = updated or text
    return updated


def _in_chrome(node: LexborNode) -> bool:
    """Whether the node sits in the site's header or footer rather than the article's own header."""
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        tokens = set((parent.attributes.get("class") or "").lower().split())
        tokens.add((parent.attributes.get("id") or "").lower())
        if parent.tag in ("header", "footer", "nav") or tokens & _CHROME_TOKENS:
            return parent.css_first("h1") is None
        parent = parent.parent
    return False


@dataclass(frozen=True, slots=True)
class _DateRules:
    """How a page's dates are read and which can be true; notes collects the ones dropped."""

    day_first: bool
    timezone: str
    fetched_at: datetime
    notes: list[str]

    def read(self, text: str | None, day_first: bool | None = None) -> DateReading | None:
        if not text:
            return None
        first = self.day_first if day_first is None else day_first
        reading, note = plausible(text, read_date(text, day_first=first, timezone=self.timezone), self.fetched_at)
        if note is not None:
            self.notes.append(note)
        return reading


def _published(
    tree: LexborHTMLParser,
    metadata: PageMetadata,
    date_selector: str | None,
    sources: tuple[DateSource, ...],
    dates: _DateRules,
) -> DateReading | None:
    """The publication date: the declared sources in their order, else meta and the visible date,
    the visible one winning when they disagree. Dates that can't be true are left out first."""
    timezone = dates.timezone
    declared = reconcile_dates([_declared_reading(tree, source, dates) for source in sources], timezone)
    if declared is not None:
        return declared
    meta_text = metadata.published
    # A .NET en-US timestamp ("9/11/2021 3:29:47 PM") is month first whatever the site writes on screen.
    meta = dates.read(meta_text, dates.day_first and not US_CLOCK.search(meta_text)) if meta_text else None
    visible_text = _first_text(tree, date_selector) or _generic_date_text(tree)
    visible = dates.read(visible_text)
    if meta is not None and visible is not None and not same_minute(meta, visible, timezone):
        return reconcile_dates([visible, meta], timezone)
    return reconcile_dates([meta, visible], timezone)


def _declared_reading(tree: LexborHTMLParser, source: DateSource, dates: _DateRules) -> DateReading | None:
    """The first date the source's elements give, read in its day/month order."""
    for node in tree.css(source.selector):
        value = node.attributes.get(source.attribute) if source.attribute else node.text()
        reading = dates.read(normalise_text(value or ""), source.day_first)
        if reading is not None:
            return reading
    return None


def _split_lead(blocks: list[str], marked: str, description: str | None) -> tuple[str, list[str]]:
    """(lead, body) for the generic path: the first block when the page marks it as the sapo."""
    if blocks:
        first = comparison_key(blocks[0])
        if any(first == comparison_key(candidate) for candidate in (marked, description) if candidate):
            return blocks[0], blocks[1:]
    return marked, blocks


def _clean_blocks(
    blocks: list[str],
    title: str,
    lead: str,
    captions: tuple[Caption, ...],
    set_apart: _SetApart,
    teasers: frozenset[str],
) -> tuple[list[str], BylineLine]:
    """(body, credits): repeated headline, lead, captions, labels, reader boxes and pointers removed, and
    the bylines and syndication credit that open or close the text taken out of it."""
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
        and not is_noise_line(block)
        and not (teasers and comparison_key(block) in teasers)
    ]
    bylines: list[Byline] = []
    syndicated: str | None = None
    while kept:
        line = read_byline(kept[-1]) or (read_byline(kept[-1], marked=True) if kept[-1] in set_apart else None)
        if line is None:
            break
        bylines[:0] = line.bylines
        syndicated = line.syndicated_from or syndicated
        kept.pop()
    if kept:
        kept[-1], source = trailing_source(kept[-1])
        syndicated = syndicated or source
    # Bylines printed above the text: "Tin và ảnh: Nam Giang".
    while kept and starts_with_role(kept[0]) and (line := read_byline(kept[0], marked=True)) is not None:
        bylines.extend(line.bylines)
        kept.pop(0)
    return kept, BylineLine(tuple(bylines), syndicated)


class _SetApart:
    """The closing lines the page sets apart as bylines are set (bylines.set_apart_lines), read from the
    tree only when a line needs it: most closing lines are bylines or text whatever their look."""

    def __init__(self, root: LexborNode) -> None:
        self._root = root
        self._lines: frozenset[str] | None = None

    def __contains__(self, line: str) -> bool:
        if len(line) > 90:
            return False
        if self._lines is None:
            self._lines = set_apart_lines(self._root)
        return comparison_key(line) in self._lines


_DATE_LINE_WORDS = re.compile(r"[^\W\d_]+")


def _is_date_line(block: str) -> bool:
    """A short line that only states when the article was published ("Ngày xuất bản: 8/7/2025")."""
    return len(block) <= 80 and parse_date(block) is not None and len(_DATE_LINE_WORDS.findall(block)) <= 6


# "(BQN) -", "TTTĐ -", "TTXVN -": the agency marker that opens a lead.
_AGENCY_MARKER = re.compile(r"^\(?[A-ZĐ]{2,8}\)?\s*[-–—]\s+\S")


def _is_agency_lead(paragraph: str) -> bool:
    return _AGENCY_MARKER.match(paragraph) is not None


def _visible_bylines(tree: LexborHTMLParser, selector: str | None) -> BylineLine:
    """Credits in the author elements: "HÀ CHI", "Tin: Tường Minh - Ảnh: Đỗ Hiền", "Theo Vietnamnet";
    layout credits skipped."""
    if not selector:
        return BylineLine(())
    bylines: list[Byline] = []
    syndicated = None
    for node in tree.css(selector):
        text = normalise_text(node.text())
        line = read_byline(text, marked=True)
        if line is not None:
            bylines.extend(line.bylines)
            syndicated = syndicated or line.syndicated_from
        else:
            bylines.extend(Byline(name, None) for name in split_names(text))
    return BylineLine(merge_bylines(bylines), syndicated)


_INFO_SEPARATOR = re.compile(r"\s*\|\s*|\s+[-–—]\s+")


def _info_line_bylines(tree: LexborHTMLParser) -> tuple[Byline, ...]:
    """The writer named before the date on the page's information line ("Nguyễn An | 12/05/2025 10:30"),
    when nothing else names one."""
    parts = _INFO_SEPARATOR.split(_generic_date_text(tree))
    names = []
    for part in parts:
        if any(character.isdigit() for character in part):
            break
        name = person_name(part)
        if name is None:
            return ()
        names.append(Byline(name, None))
    return tuple(names) if len(names) < len(parts) else ()


def _bylines(metadata: PageMetadata, visible: tuple[Byline, ...], printed: tuple[Byline, ...]) -> tuple[Byline, ...]:
    """The credits the page prints, with their roles; when it prints no writer, JSON-LD's then <meta>'s."""
    site_key = comparison_key(metadata.site_name or "")
    page = tuple(byline for byline in merge_bylines(visible, printed) if comparison_key(byline.name) != site_key)
    if author_names(page):
        return page
    for names in (metadata.linked_authors, metadata.meta_authors):
        stated = metadata_bylines(names, metadata.site_name)
        if stated:
            return merge_bylines(stated, page)
    return page


_ARTICLE_TYPES = frozenset(
    ("NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle", "LiveBlogPosting")
)
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
    titles: list[str] = field(default_factory=list)  # JSON-LD headline, og:title, <title>: best first
    types: frozenset[str] = frozenset()  # the page's own kind: JSON-LD @type of the article, og:type
    meta: dict[str, str] = field(default_factory=dict)  # <meta> and itemprop values by name
    linked: dict = field(default_factory=dict)  # the JSON-LD article object


_HEAD_METADATA = 'meta[content], link[rel=canonical], script[type="application/ld+json"]'
# Body elements that may carry metadata. Attribute selectors cost a test of every element of a
# large page, several times what a tag costs, so _carries_metadata checks the attributes instead.
_BODY_METADATA = "[itemprop], time, script"


def read_metadata(tree: LexborHTMLParser, url: str) -> PageMetadata:
    """The page's own statements about the article, JSON-LD before <meta> tags."""
    meta: dict[str, str] = {}
    linked: dict = {}
    types: set[str] = set()
    nodes = tree.head.css(_HEAD_METADATA) if tree.head is not None else []
    if tree.body is not None:
        nodes.extend(node for node in tree.body.css(_BODY_METADATA) if _carries_metadata(node))
    for node in nodes:
        attributes = node.attributes
        if node.tag == "script":
            if not linked:
                linked, found = _linked_data(node.text() or "")
                types |= found
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
    if linked:
        kinds = linked.get("@type")
        types = {kind for kind in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(kind, str)}
    if meta.get("og:type"):
        types.add(meta["og:type"])
    page_title = tree.css_first("title")
    stated = (_text(linked.get("headline")), meta.get("og:title"), normalise_text(page_title.text()) if page_title else None)
    return PageMetadata(
        canonical_url=absolute_url(url, href) if href else None,
        title=_text(linked.get("headline")) or meta.get("og:title"),
        published=published,
        linked_authors=_people(linked.get("author")),
        meta_authors=(meta_author,) if meta_author and "://" not in meta_author else (),
        section=_text(linked.get("articleSection")) or meta.get("article:section"),
        site_name=meta.get("og:site_name") or (_text(publisher.get("name")) if isinstance(publisher, dict) else None),
        description=meta.get("description") or meta.get("og:description"),
        titles=[title for title in stated if title],
        types=frozenset(types),
        meta=meta,
        linked=linked,
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


def _linked_data(script: str) -> tuple[dict, set[str]]:
    """The JSON-LD object describing the article, and every @type the script declares when it has none;
    broken JSON is skipped, not fatal."""
    try:
        document = json.loads(script, strict=False)
        items = _json_items(document)
    except (ValueError, RecursionError):
        # RecursionError: JSON nested deeper than Python's stack, which no real page needs.
        return {}, set()
    declared: set[str] = set()
    for item in items:
        kinds = item.get("@type")
        # Only strings name a type; an object or a number in @type names nothing.
        kinds = {kind for kind in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(kind, str)}
        if kinds & _ARTICLE_TYPES:
            return item, set()
        declared |= kinds
    return {}, declared


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
