"""What every mirror markup shares: served pages, dates as Vietnamese sites print them, boxes, bylines."""

from __future__ import annotations

import hashlib
import html
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from mirror.content import MirrorArticle, MirrorCaption

VIETNAM = timezone(timedelta(hours=7))
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
PAGE_SIZE = 10

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Page:
    """A response the server holds in memory: exact bytes, their type and validators."""

    body: bytes
    content_type: str
    etag: str
    last_modified: datetime | None


def make_page(text: str | bytes, content_type: str = HTML, last_modified: datetime | None = None) -> Page:
    """A page whose ETag is derived from its bytes, so an unchanged page keeps its ETag across restarts."""
    body = text.encode("utf-8") if isinstance(text, str) else text
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return Page(body=body, content_type=content_type, etag=etag, last_modified=last_modified)


@dataclass(frozen=True)
class SiteView:
    """One mirror site as a markup renders it: where it is served and its articles, newest first."""

    key: str
    origin: str  # http://127.0.0.1:<port>
    sections: dict[str, str]
    articles: tuple[MirrorArticle, ...]

    @property
    def prefix(self) -> str:
        return "/" + self.key

    def absolute(self, path: str) -> str:
        """Absolute URL of a path given relative to the site root."""
        return self.origin + self.prefix + path

    def in_section(self, section: str) -> tuple[MirrorArticle, ...]:
        return tuple(article for article in self.articles if article.section == section)

    @property
    def newest(self) -> datetime | None:
        return self.articles[0].published_at if self.articles else None


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def local(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM)


def weekday(moment: datetime) -> str:
    return WEEKDAYS[local(moment).weekday()]


def slugify(text: str) -> str:
    """ASCII slug the way Vietnamese CMSs build tag URLs: diacritics dropped, đ → d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    words = "".join(char if char.isalnum() else " " for char in plain).split()
    return "-".join(words)


def pages_of(items: tuple[MirrorArticle, ...]) -> list[tuple[MirrorArticle, ...]]:
    """Items split into listing pages of PAGE_SIZE; an empty list still has one (empty) page."""
    return [items[start:start + PAGE_SIZE] for start in range(0, len(items), PAGE_SIZE)] or [()]


def body_blocks(article: MirrorArticle) -> Iterator[tuple[str, str | MirrorCaption, int]]:
    """("heading"|"paragraph", text, index) and ("photo", caption, position) in reading order."""
    photos = list(enumerate(article.captions))
    for position, caption in photos:
        if caption.after == -1:
            yield "photo", caption, position
    for index, paragraph in enumerate(article.body):
        if paragraph.startswith("## "):
            yield "heading", paragraph[3:].strip(), index
        else:
            yield "paragraph", paragraph, index
        for position, caption in photos:
            if caption.after == index:
                yield "photo", caption, position


def related(article: MirrorArticle, articles: tuple[MirrorArticle, ...], count: int = 3) -> list[MirrorArticle]:
    """Other articles of the site, same section first, then nearest in time."""
    others = [other for other in articles if other.key != article.key]
    others.sort(
        key=lambda other: (
            other.section != article.section,
            abs((other.published_at - article.published_at).total_seconds()),
            other.id,
        )
    )
    return others[:count]


def popularity(article: MirrorArticle) -> int:
    """A stable view count, so the most-read box is the same on every run."""
    return 1_000 + (article.id * 2_654_435_761) % 48_000


def most_read(article: MirrorArticle | None, articles: tuple[MirrorArticle, ...], count: int = 5) -> list[MirrorArticle]:
    others = [other for other in articles if article is None or other.key != article.key]
    return sorted(others, key=lambda other: (-popularity(other), other.id))[:count]


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def byline_lines(article: MirrorArticle, upper: bool) -> list[tuple[str | None, str]]:
    """(role, name) lines of the byline; role is None for a plain author line."""
    def shown(name: str) -> str:
        return name.upper() if upper else name

    if article.byline_roles:
        return [(role, shown(name)) for role, name in article.byline_roles.items()]
    if not article.authors:
        return []
    return [(None, " - ".join(shown(name) for name in article.authors))]


def news_article_json_ld(article: MirrorArticle, url: str, section_name: str, publisher: str, image: str | None) -> str:
    """A <script> with schema.org NewsArticle, as publishers embed it for search engines."""
    document = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": article.lead,
        "datePublished": local(article.published_at).isoformat(),
        "dateModified": local(article.published_at).isoformat(),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "articleSection": section_name,
        "keywords": ", ".join(article.tags),
        "publisher": {"@type": "Organization", "name": publisher},
    }
    if image:
        document["image"] = [image]
    # "</" inside a script element would end it early.
    text = json.dumps(document, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'
