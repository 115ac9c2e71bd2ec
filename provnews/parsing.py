"""Between the warehouse's rows and the pure transforms: pages to articles, articles to facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scrapers.site import Site
from transforms.dedup import body_hashes
from transforms.facts import extract_facts
from transforms.parse import NotAnArticle, parse_page
from transforms.places import province_code_of
from transforms.records import Article, Caption, Fact
from warehouse.articles import PageToParse, ParsedArticle, ParseFailure
from warehouse.facts import ArticleText
from warehouse.failures import ArticleFailure


def parse_article(page: PageToParse, site: Site | None) -> Article:
    """Parse one landed page with its site's selectors of the day it was fetched."""
    return parse_page(
        page.body,
        page.final_url or page.url,
        site.selectors_for(page.fetched_at) if site else None,
        content_type=page.content_type,
        day_first=site.day_first if site else True,
        timezone=site.timezone if site else "Asia/Ho_Chi_Minh",
        fetched_at=page.fetched_at,
    )


def parse_batch(
    pages: Sequence[PageToParse], sites: Mapping[str, Site]
) -> tuple[list[ParsedArticle], list[ParseFailure]]:
    """Parse a batch; a page that is not an article becomes a failure row, never an exception.

    Whatever one page raises (a TypeError from odd JSON-LD, a RecursionError, a MemoryError)
    is that page's failure: the batch, the site and the night go on.
    """
    articles: list[tuple[PageToParse, Article]] = []
    failures: list[ParseFailure] = []
    for page in pages:
        if page.body is None:
            failures.append(
                ParseFailure(
                    page_id=page.page_id,
                    reason=f"raw page missing from {page.landing_file}",
                    error_class="RawPageMissing",
                )
            )
            continue
        try:
            articles.append((page, parse_article(page, sites.get(page.site))))
        except NotAnArticle as error:
            failures.append(ParseFailure(page_id=page.page_id, reason=str(error), error_class="NotAnArticle"))
        except (Exception, RecursionError, MemoryError) as error:
            failures.append(
                ParseFailure(page_id=page.page_id, reason=one_line(error), error_class=type(error).__name__)
            )
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


def one_line(error: BaseException) -> str:
    """The error's message on one line of at most MESSAGE_LIMIT characters."""
    message = " ".join(str(error).split()) or type(error).__name__
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


# Enough to say what went wrong; a message quoting a whole hostile page would not fit a row.
MESSAGE_LIMIT = 200


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


# Far more than any real article states (a long regulation holds a few hundred figures); a
# page built to hurt held 345,000, and the facts stage's memory grows with them.
MAX_FACTS_PER_ARTICLE = 5_000


def facts_for_batch(
    batch: Sequence[ArticleText], failures: list[ArticleFailure] | None = None
) -> dict[str, list[Fact]]:
    """The facts of each article, at most MAX_FACTS_PER_ARTICLE each.

    An article whose extraction raises gets no facts and, when failures is given, a failure
    there: the other articles of the batch go on.
    """
    found: dict[str, list[Fact]] = {}
    for text in batch:
        try:
            province_code = province_code_of(text.province) if text.province else None
            found[text.article_id] = extract_facts(article_from_text(text), province_code)[:MAX_FACTS_PER_ARTICLE]
        except (Exception, RecursionError, MemoryError) as error:
            found[text.article_id] = []
            if failures is not None:
                failures.append(ArticleFailure(text.article_id, type(error).__name__, one_line(error)))
    return found
