"""Mirror sites rendered from Jinja2 templates: one folder of mirror/templates/ per markup (CMS family).

A folder holds article.html and listing.html (plus print.html or private.html when the markup has those
pages) and markup.yaml, which says where the markup puts its pages: the article URL, listing pagination,
feeds and sitemaps. mirror/sites.yaml says which markup each mirror site speaks. This module only routes:
every page's HTML is in the templates, fed by the shared article records (mirror/content.py).
"""

from __future__ import annotations

import gzip
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import yaml

from mirror import render_feeds
from mirror.chrome import (
    PAGE_SIZE,
    Page,
    SiteView,
    body_blocks,
    byline_lines,
    local,
    make_page,
    most_read,
    news_article_json_ld,
    pages_of,
    popularity,
    related,
    slugify,
    thousands,
    weekday,
)
from mirror.content import MirrorArticle

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SITES_FILE = Path(__file__).resolve().parent / "sites.yaml"
GZIP = "application/x-gzip"


@dataclass(frozen=True)
class Markup:
    """What markup.yaml declares: URL shapes and discovery files of one CMS family's pages."""

    name: str
    article: str  # format with {slug} {id} {section} {yyyymm} {hex7}
    listing_first: str  # format with {name}
    listing_next: str  # format with {name} {page}
    latest: dict[str, str] | None  # {name, heading, first?, next?}: the all-articles listing
    first_page_alias: str | None  # a second address of a first listing page, format with {first}
    tags: str | None  # format with {tag}
    print_path: str | None
    private_path: str | None
    aliases: tuple[str, ...]  # more addresses of the home page
    feeds: tuple[dict[str, Any], ...]  # {path, of: all|section, limit?}
    sitemap: dict[str, Any]  # {kind: urlset|sections|monthly, ...}
    options: dict[str, Any] = field(default_factory=dict)


@cache
def load_markup(name: str) -> Markup:
    raw = yaml.safe_load((TEMPLATES_DIR / name / "markup.yaml").read_text(encoding="utf-8"))
    return Markup(
        name=name,
        article=raw["article"],
        listing_first=raw["listing"]["first"],
        listing_next=raw["listing"]["next"],
        latest=raw.get("latest"),
        first_page_alias=raw["listing"].get("first_page_alias"),
        tags=raw.get("tags"),
        print_path=raw.get("print"),
        private_path=raw.get("private"),
        aliases=tuple(raw.get("aliases", ())),
        feeds=tuple(raw.get("feeds", ())),
        sitemap=raw.get("sitemap", {"kind": "urlset", "path": "/sitemap.xml"}),
        options=raw.get("options", {}),
    )


@cache
def mirror_sites() -> dict[str, dict[str, Any]]:
    """mirror/sites.yaml: site key → {markup, publisher, footer, sections}."""
    document = yaml.safe_load(SITES_FILE.read_text(encoding="utf-8"))
    for site in document.values():
        site["sections"] = {str(key): value for key, value in site["sections"].items()}
    return document


def _escape_like_the_cms(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(html.escape(value, quote=True))
    return value


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # Escaped as the CMSs (and Python's html.escape) write it: &#x27; and &quot;, not &#39; and &#34;.
        finalize=_escape_like_the_cms,
    )
    environment.filters.update(local=local, weekday=weekday, thousands=thousands, slugify=slugify)
    environment.globals.update(
        body_blocks=lambda article: list(body_blocks(article)),
        byline_lines=byline_lines,
        popularity=popularity,
        PAGE_SIZE=PAGE_SIZE,
    )
    return environment


class SiteMarkup:
    """One mirror site in its markup: addresses of its pages and the pages themselves."""

    def __init__(self, view: SiteView, markup: Markup, publisher: str, footer: Iterable[str] = ()) -> None:
        self.view = view
        self.markup = markup
        self.publisher = publisher
        self.footer = tuple(footer)
        self.prefix = view.prefix
        self.sections = view.sections
        self.options = markup.options

    # ---- addresses (relative to the site root; url() adds the site prefix)
    def article_path(self, article: MirrorArticle) -> str:
        return article_path(self.markup, article)

    def url(self, article: MirrorArticle) -> str:
        return self.prefix + self.article_path(article)

    def absolute(self, path: str) -> str:
        return self.view.absolute(path)

    def listing_path(self, name: str | None, page: int) -> str:
        latest = self.markup.latest or {}
        if name is None or name == latest.get("name"):
            first = latest.get("first", self.markup.listing_first)
            following = latest.get("next", self.markup.listing_next)
            name = latest.get("name", "")
        else:
            first, following = self.markup.listing_first, self.markup.listing_next
        return first.format(name=name) if page == 1 else following.format(name=name, page=page)

    def listing_url(self, name: str | None, page: int = 1) -> str:
        return self.prefix + self.listing_path(name, page)

    def tag_url(self, tag: str) -> str:
        assert self.markup.tags
        return self.prefix + self.markup.tags.format(tag=slugify(tag))

    def print_url(self, article: MirrorArticle) -> str:
        assert self.markup.print_path
        return self.prefix + self.markup.print_path.format(slug=article.slug, id=article.id)

    # ---- what the boxes of a page show
    def section_name(self, slug: str) -> str:
        return self.sections.get(slug, slug)

    def related(self, article: MirrorArticle, count: int = 3) -> list[MirrorArticle]:
        return related(article, self.view.articles, count)

    def most_read(self, article: MirrorArticle | None, count: int = 5) -> list[MirrorArticle]:
        return most_read(article, self.view.articles, count)

    def json_ld(self, article: MirrorArticle, image: str | None) -> str:
        return news_article_json_ld(
            article, self.absolute(self.article_path(article)), self.section_name(article.section), self.publisher, image
        )

    # ---- pages
    def render(self, template: str, **context: Any) -> str:
        return _environment().get_template(f"{self.markup.name}/{template}").render(site=self, **context)

    def article_page(self, article: MirrorArticle, printable: bool = False) -> str:
        return self.render("article.html", article=article, printable=printable)

    def listing_page(self, heading: str, name: str | None, page: int, total: int,
                     articles: tuple[MirrorArticle, ...], featured: tuple[MirrorArticle, ...] = (),
                     canonical_path: str | None = None, tracking_query: str = "") -> str:
        return self.render(
            "listing.html", heading=heading, name=name, page=page, total=total, articles=articles,
            featured=featured, canonical=self.absolute(canonical_path or self.listing_path(name, page)),
            tracking_query=tracking_query,
        )

    def pages(self, print_key: str | None = None, tracking_key: str | None = None,
              tracking_query: str = "") -> dict[str, Page]:
        """Every page of the site by request target: articles, listings, tags, feeds, sitemaps."""
        view, markup, pages = self.view, self.markup, {}
        for article in view.articles:
            printable = article.key == print_key and markup.print_path is not None
            pages[self.url(article)] = make_page(self.article_page(article, printable), last_modified=article.published_at)
            if printable:
                pages[self.print_url(article)] = make_page(
                    self.render("print.html", article=article), last_modified=article.published_at
                )
        listings: list[tuple[str | None, str, tuple[MirrorArticle, ...]]] = []
        if markup.latest is not None:
            listings.append((markup.latest.get("name"), markup.latest["heading"], view.articles))
        listings += [(slug, name, view.in_section(slug)) for slug, name in view.sections.items()]
        for slug, heading, articles in listings:
            chunks = pages_of(articles)
            for number, chunk in enumerate(chunks, start=1):
                featured = ()
                if number == 1 and markup.latest is not None and slug != markup.latest.get("name"):
                    featured = tuple(article for article in articles if article.key == tracking_key)
                page = make_page(
                    self.listing_page(heading, slug, number, len(chunks), chunk, featured, tracking_query=tracking_query),
                    last_modified=chunk[0].published_at if chunk else None,
                )
                pages[self.listing_url(slug, number)] = page
                if number == 1 and markup.first_page_alias:
                    first = self.listing_path(slug, 1)
                    alias = markup.first_page_alias.format(first=first, join="&" if "?" in first else "?")
                    pages[self.prefix + alias] = page
        if markup.tags:
            for tag in sorted({tag for article in view.articles for tag in article.tags}):
                tagged = tuple(article for article in view.articles if tag in article.tags)
                pages[self.tag_url(tag)] = make_page(
                    self.listing_page(tag, None, 1, 1, tagged[:20], canonical_path=markup.tags.format(tag=slugify(tag))),
                    last_modified=tagged[0].published_at,
                )
        latest_name = markup.latest.get("name") if markup.latest else None
        if markup.options.get("home_is_latest_listing"):
            home = pages[self.listing_url(latest_name, 1)]
        else:
            home = make_page(
                self.listing_page(self.publisher, latest_name, 1, 1, view.articles[:PAGE_SIZE], canonical_path="/"),
                last_modified=view.newest,
            )
        for path in ("/", *markup.aliases):
            pages[self.prefix + path] = home
        if markup.private_path:
            pages[self.prefix + markup.private_path] = make_page(self.render("private.html"))
        pages.update(self._feeds())
        pages.update(self._sitemaps())
        return pages

    def _feeds(self) -> dict[str, Page]:
        pages = {}
        for feed in self.markup.feeds:
            if feed.get("of") == "section":
                for slug, name in self.sections.items():
                    pages[self.prefix + feed["path"].format(section=slug)] = render_feeds.rss(
                        f"{self.publisher} - {name}", self.view, self.view.in_section(slug), self.article_path
                    )
            else:
                title = self.publisher + (f" - {feed['title']}" if feed.get("title") else "")
                pages[self.prefix + feed["path"]] = render_feeds.rss(
                    title, self.view, self.view.articles[: feed.get("limit", 50)], self.article_path
                )
        return pages

    def _sitemaps(self) -> dict[str, Page]:
        sitemap, view = self.markup.sitemap, self.view
        if sitemap["kind"] == "urlset":
            return {self.prefix + sitemap["path"]: render_feeds.sitemap(view.articles, view, self.article_path)}
        groups: dict[str, tuple[MirrorArticle, ...]] = {}
        if sitemap["kind"] == "sections":
            groups = {sitemap["child"].format(section=slug): view.in_section(slug) for slug in self.sections}
        else:  # monthly: one child per month of publication, newest first
            for article in view.articles:
                moment = local(article.published_at)
                child = sitemap["child"].format(year=moment.year, month=moment.month)
                groups[child] = (*groups.get(child, ()), article)
        pages, children = {}, []
        for path, articles in groups.items():
            page = render_feeds.sitemap(articles, view, self.article_path)
            if sitemap.get("gzip"):
                page = make_page(gzip.compress(page.body, mtime=0), GZIP, page.last_modified)
            pages[self.prefix + path] = page
            children.append((view.absolute(path), _newest(articles)))
        pages[self.prefix + sitemap["index"]] = render_feeds.sitemap_index(children)
        return pages

    @property
    def sitemap_path(self) -> str:
        return self.markup.sitemap.get("index") or self.markup.sitemap["path"]


def article_path(markup: Markup, article: MirrorArticle) -> str:
    """Where the markup serves an article, relative to the site root."""
    moment = local(article.published_at)
    return markup.article.format(
        slug=article.slug, id=article.id, section=article.section, yyyymm=f"{moment:%Y%m}", hex7=f"{article.id:07x}"
    )


def _newest(articles: tuple[MirrorArticle, ...]) -> datetime | None:
    return max((article.published_at for article in articles), default=None)


def site_markup(site: str, origin: str, articles: Iterable[MirrorArticle]) -> SiteMarkup:
    """The mirror site of sites.yaml with its articles, newest first."""
    config = mirror_sites()[site]
    ordered = tuple(sorted((a for a in articles if a.site == site), key=lambda a: (a.published_at, a.id), reverse=True))
    view = SiteView(key=site, origin=origin, sections=config["sections"], articles=ordered)
    return SiteMarkup(view, load_markup(config["markup"]), config["publisher"], config.get("footer", ()))
