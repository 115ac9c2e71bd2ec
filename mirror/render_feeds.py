"""Sitemaps, RSS 2.0 and robots.txt: the discovery files every mirror site offers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from email.utils import format_datetime

from mirror.chrome import RSS, TEXT, XML, Page, SiteView, escape, local, make_page
from mirror.content import MirrorArticle

ArticlePath = Callable[[MirrorArticle], str]


def sitemap(articles: Iterable[MirrorArticle], view: SiteView, article_path: ArticlePath) -> Page:
    """A urlset of article URLs with lastmod in +07:00."""
    articles = tuple(articles)
    entries = "".join(
        "  <url>\n"
        f"    <loc>{escape(view.absolute(article_path(article)))}</loc>\n"
        f"    <lastmod>{local(article.published_at).isoformat()}</lastmod>\n"
        "    <changefreq>monthly</changefreq>\n"
        "  </url>\n"
        for article in articles
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    newest = max((article.published_at for article in articles), default=None)
    return make_page(text, XML, newest)


def sitemap_index(children: Iterable[tuple[str, datetime | None]]) -> Page:
    """A sitemapindex pointing at child sitemaps (absolute URL, newest article in it)."""
    children = tuple(children)
    entries = "".join(
        f"  <sitemap>\n    <loc>{escape(url)}</loc>\n"
        + (f"    <lastmod>{local(newest).isoformat()}</lastmod>\n" if newest else "")
        + "  </sitemap>\n"
        for url, newest in children
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n"
    )
    newest_overall = max((newest for _, newest in children if newest), default=None)
    return make_page(text, XML, newest_overall)


def rss(title: str, view: SiteView, articles: Iterable[MirrorArticle], article_path: ArticlePath) -> Page:
    """An RSS 2.0 channel, newest item first, dates in RFC 822 with +0700."""
    articles = tuple(articles)
    items = "".join(
        "    <item>\n"
        f"      <title>{escape(article.title)}</title>\n"
        f"      <link>{escape(view.absolute(article_path(article)))}</link>\n"
        f"      <guid isPermaLink=\"true\">{escape(view.absolute(article_path(article)))}</guid>\n"
        f"      <description><![CDATA[{article.lead}]]></description>\n"
        f"      <pubDate>{format_datetime(local(article.published_at))}</pubDate>\n"
        "    </item>\n"
        for article in articles
    )
    newest = max((article.published_at for article in articles), default=None)
    build = f"    <lastBuildDate>{format_datetime(local(newest))}</lastBuildDate>\n" if newest else ""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0">\n  <channel>\n'
        f"    <title>{escape(title)}</title>\n"
        f"    <link>{escape(view.absolute('/'))}</link>\n"
        f"    <description>{escape(title)}</description>\n"
        "    <language>vi-VN</language>\n"
        f"{build}{items}  </channel>\n</rss>\n"
    )
    return make_page(text, RSS, newest)


def robots(disallowed: Iterable[str], sitemap_urls: Iterable[str]) -> Page:
    """The root robots.txt: the only one a crawler reads for the whole host."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed]
    lines += ["Allow: /", ""]
    lines += [f"Sitemap: {url}" for url in sitemap_urls]
    return make_page("\n".join(lines) + "\n", TEXT)
