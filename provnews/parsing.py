"""Between the warehouse's rows and the pure transforms: pages to articles, articles to facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scrapers.site import Site
from transforms.dedup import body_hashes
from transforms.facts import extract_facts
from transforms.places import province_code_of
from transforms.parse import NotAnArticle, parse_page
from transforms.records import Article, Caption, Fact
from warehouse.articles import PageToParse, ParsedArticle, ParseFailure
from warehouse.facts import ArticleText


def parse_article(page: PageToParse, site: Site | None) -> Article:
    """Parse one landed page with its site's selectors of the day it was fetched."""
    return parse_page(
        page.body,
        page.final_url or page.url,
        site.selectors_for(page.fetched_at) if site else None,
        content_type=page.content_type,
        day_first=site.day_first if site else True,
        timezone=site.timezone if site else "Asia/Ho_Chi_Minh",
    )


def parse_batch(
    pages: Sequence[PageToParse], sites: Mapping[str, Site]
) -> tuple[list[ParsedArticle], list[ParseFailure]]:
    """Parse a batch; a page that is not an article becomes a failure row, never an exception."""
    articles: list[tuple[PageToParse, Article]] = []
    failures: list[ParseFailure] = []
    for page in pages:
        if page.body is None:
            failures.append(
                ParseFailure(page_id=page.page_id, reason=f"raw page missing from {page.landing_file}")
            )
            continue
        try:
            articles.append((page, parse_article(page, sites.get(page.site))))
        except NotAnArticle as error:
            failures.append(ParseFailure(page_id=page.page_id, reason=str(error)))
    hashes = body_hashes([article.body for _, article in articles])
    parsed = [
        ParsedArticle(
            page_id=page.page_id,
            site=page.site,
            fetched_at=page.fetched_at,
            article=article,
            content_sha256=content_sha256,
            word_count=word_count(article),
        )
        for (page, article), content_sha256 in zip(articles, hashes, strict=True)
    ]
    return parsed, failures


def word_count(article: Article) -> int:
    return len(article.lead.split()) + sum(len(paragraph.split()) for paragraph in article.body)


def article_from_text(text: ArticleText) -> Article:
    """Rebuild the parts of an Article that facts are read from."""
    return Article(
        url="",
        canonical_url=None,
        title=text.title,
        lead=text.lead,
        body=tuple(text.body),
        published_at=None,
        authors=(),
        section=None,
        captions=tuple(
            Caption(text=caption_text, image_url=None, occurrences=1, position=position)
            for position, caption_text in text.captions
        ),
    )


def facts_for_batch(batch: Sequence[ArticleText]) -> dict[str, list[Fact]]:
    return {
        text.article_id: extract_facts(
            article_from_text(text), province_code_of(text.province) if text.province else None
        )
        for text in batch
    }
