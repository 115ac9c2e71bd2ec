"""The records that transforms produce and the warehouse stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class DateSource:
    """Where a page states its publication date and in which order it writes day and month."""

    selector: str  # CSS selector of the element
    attribute: str | None = None  # read this attribute (content, datetime); None reads the text
    day_first: bool = True  # False for "M/D/YYYY h:mm:ss AM" (OneCMS meta tags)


@dataclass(frozen=True, slots=True)
class Selectors:
    """CSS selectors a site file gives for its article pages; None means use the generic extractor."""

    title: str | None = None
    lead: str | None = None
    body: str | None = None
    date: str | None = None
    author: str | None = None
    section: str | None = None
    captions: str | None = None
    # Elements inside the body that are never article text (share bars, related boxes).
    drop: tuple[str, ...] = ()
    # Tried in order before the page's generic metadata; each says its own day/month order.
    dates: tuple[DateSource, ...] = ()
    # Regular expressions with a group named "html": the body a script writes into the page.
    body_scripts: tuple[str, ...] = ()
    # Element whose href or content is the canonical address (<meta name="canonical">).
    canonical: str | None = None
    # Regular expressions whose matches are removed from body text ({{…}} template leaks).
    strip_text: tuple[str, ...] = ()
    # The page's first <h1> is a breadcrumb, never the headline.
    first_h1_is_breadcrumb: bool = False


@dataclass(frozen=True, slots=True)
class Caption:
    text: str
    image_url: str | None
    occurrences: int  # how often the page repeated it: alt, title, figcaption, <p><em>, table cell
    position: int  # 0-based order of the photo in the article
    credit: str | None = None  # "Ảnh: …" split off the caption text


@dataclass(frozen=True, slots=True)
class Byline:
    """One person or agency credited by the page, as the page prints the credit."""

    name: str  # normal case; honorifics and degrees (Bác sĩ, ThS., PGS.TS.) left out; agencies in capitals
    role: str | None  # text, photo, video, or None when the credit names no role
    outlet: str | None = None  # "Báo Tin tức" in "Tạ Nguyên/Báo Tin tức"


@dataclass(frozen=True, slots=True)
class Article:
    """One page turned into an article. Text fields are Unicode NFC."""

    url: str
    canonical_url: str | None
    title: str
    lead: str
    body: tuple[str, ...]  # paragraphs and sub-headings, in order
    published_at: datetime | None  # timezone-aware
    authors: tuple[str, ...]
    section: str | None
    captions: tuple[Caption, ...] = ()
    extractor: str = "selectors"  # "selectors" or "generic": which path produced the body
    notes: tuple[str, ...] = ()  # what parse dropped or cut: an impossible date, text over the limit
    text_truncated: bool = False  # the text was longer than the limit per article and was cut
    bylines: tuple[Byline, ...] = ()  # every credit with its role; authors are the text and unroled ones
    syndicated_from: str | None = None  # "Vietnamnet" of a closing "Theo Vietnamnet"
    page_type: str = "article"  # article, video, photo or live
    published_precision: str | None = None  # minute, or day when the page gives no time


# Not frozen: a frozen dataclass's __init__ costs five times as much, and an article yields dozens of facts.
@dataclass(slots=True)
class Fact:
    """One fact found in an article, with where it stands in the text and what it means."""

    kind: str  # money | percent | percentage_point | ratio | number | measure | duration | legal_ref | person
    text: str  # exact surface string
    sentence: str
    source: str  # title | lead | body | caption
    start: int  # character offsets of `text` inside the source text
    end: int
    value: float | None = None  # the figure; None for a range
    low: float | None = None  # a single figure has low = high = value; a range keeps both ends
    high: float | None = None
    denominator: float | None = None
    unit: str | None = None
    per_unit: str | None = None  # "người" in "2 triệu đồng/người"
    qualifier: str | None = None  # approx | over | under | at_least | at_most
    measure: str | None = None  # level | change
    direction: str | None = None  # up | down, for changes
    status: str | None = None  # actual | target
    period_start: date | None = None
    period_end: date | None = None
    compared_to_start: date | None = None
    compared_to_end: date | None = None
    place_name: str | None = None  # as written: "huyện Ba Chẽ"
    place_code: str | None = None  # the 2025 unit that holds it now
    place_level: str | None = None  # province | ward | commune | special_zone
    subject: str | None = None
    doc_number: str | None = None
    doc_key: str | None = None  # number|issuer|year: tells apart documents sharing a number
    doc_type: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    paragraph: int | None = None  # index of the paragraph (body) or caption the fact came from
    extractor_version: str = field(default="")
