"""The offline mirror's articles stored in a warehouse without crawling: the corpus search is tried on."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from mirror.content import MirrorArticle, load_articles
from scrapers.site import load_sites
from tests.warehouse_samples import article_id, landing_run, open_warehouse, page, page_id
from transforms.records import Article, Caption
from warehouse.articles import ParsedArticle, store_articles
from warehouse.load import load_runs

# Every mirror site's province as its site file gives it, so a site added to the mirror is placed too.
PROVINCES = {name: site.province for name, site in load_sites().items() if site.mirror}
FETCHED = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)


def mirror_url(article: MirrorArticle) -> str:
    return f"https://{article.site}.example/{article.slug}-{article.id}.html"


def parsed_mirror_article(article: MirrorArticle, run_id: str) -> ParsedArticle:
    url = mirror_url(article)
    body = tuple(paragraph.removeprefix("## ") for paragraph in article.body)
    return ParsedArticle(
        page_id=page_id(run_id, url),
        site=article.site,
        fetched_at=FETCHED,
        article=Article(
            url=url,
            canonical_url=url,
            title=article.title,
            lead=article.lead,
            body=body,
            published_at=article.published_at,
            authors=article.authors,
            section=article.section,
            captions=tuple(
                Caption(caption.text, caption.image, 1, position, credit=caption.credit)
                for position, caption in enumerate(article.captions)
            ),
        ),
        content_sha256=hashlib.sha256("\n\n".join(body).encode()).hexdigest(),
        word_count=sum(len(paragraph.split()) for paragraph in body),
    )


def store_mirror(connection: duckdb.DuckDBPyConnection, landing: Path, articles: list[MirrorArticle], run_id: str) -> None:
    """Land, load and store these mirror articles; republished copies point at their originals."""
    load_runs(connection, [landing_run(landing, run_id, [page(mirror_url(article)) for article in articles])])
    store_articles(connection, [parsed_mirror_article(article, run_id) for article in articles], [])
    connection.executemany(
        "INSERT OR REPLACE INTO sources (site, name, province, base_url, mirror, site_file, updated_at) VALUES (?, ?, ?, ?, true, NULL, ?)",
        [[site, site, province, f"https://{site}.example", FETCHED] for site, province in PROVINCES.items()],
    )
    by_key = {article.key: article for article in load_articles()}
    copies = [
        [article_id(mirror_url(by_key[article.syndicated_from])), article_id(mirror_url(article))]
        for article in articles
        if article.syndicated_from is not None
    ]
    if copies:
        connection.executemany("UPDATE articles SET duplicate_of = ? WHERE article_id = ?", copies)


def mirror_warehouse(folder: Path) -> Path:
    """A warehouse holding every article of the mirror."""
    path = folder / "warehouse.duckdb"
    connection = open_warehouse(path)
    store_mirror(connection, folder / "landing", load_articles(), "run-mirror")
    connection.close()
    return path
