"""Parse stage, warehouse side: which pages are pending, their raw bodies, and storing the articles.

Pending means: the latest 2xx article page of a URL, newer than (and different from) the page
the article was last parsed from, and not already recorded as a parse failure. A scope
(runs, sites, fetch days) with reparse=True reprocesses the URLs it covers, always from their
latest page, so replaying an old run never puts an older version of an article back.
The stage lists the pending pages once, in parse_queue, and parses them from there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from transforms.records import Article
from warehouse.connection import transaction


# Rows of a landing file read at once: a few megabytes of raw pages.
BODY_READ_ROWS = 64


@dataclass(frozen=True, slots=True)
class PageToParse:
    page_id: str
    run_id: str
    site: str
    url: str
    final_url: str | None
    fetched_at: datetime
    content_type: str | None
    body: bytes | None  # None: the landing file (or its row) is gone
    landing_file: str


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article the parse stage made from one page, with the hash and word count it computed."""

    page_id: str
    site: str
    fetched_at: datetime
    article: Article
    content_sha256: str
    word_count: int


@dataclass(frozen=True, slots=True)
class ParseFailure:
    page_id: str
    reason: str
    error_class: str = "NotAnArticle"  # NotAnArticle, PageTooDeep, or the exception's class


_PENDING_PAGES = """
WITH latest AS (
    SELECT page_id, run_id, site, url, final_url, fetched_at, content_type, content_sha256,
           landing_file
    FROM pages
    WHERE page_kind = 'article' AND http_status BETWEEN 200 AND 299 AND content_sha256 IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, page_id) = 1
),
parsed AS (
    SELECT parsed_page.url, parsed_page.fetched_at, parsed_page.content_sha256
    FROM articles JOIN pages parsed_page ON parsed_page.page_id = articles.page_id
)
SELECT latest.page_id, latest.run_id, latest.site, latest.url, latest.final_url,
       latest.fetched_at, latest.content_type, latest.landing_file
FROM latest
WHERE latest.url IN (SELECT url FROM pages WHERE {scope})
  AND ($reparse OR (
        NOT EXISTS (
            SELECT 1 FROM parsed
            WHERE parsed.url = latest.url
              AND (parsed.fetched_at >= latest.fetched_at
                   OR parsed.content_sha256 = latest.content_sha256))
        AND latest.page_id NOT IN (SELECT page_id FROM parse_failures)))
-- In parse order, so that a chunk's bounds skip most of the queue by its zone maps.
ORDER BY latest.landing_file, latest.url
"""


# Pending pages are parsed in (landing file, address) order; a page's key is its place in it.
PageKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class PageScope:
    """The landed pages a parse looks at; with reparse, pages already parsed are pending too."""

    run_ids: tuple[str, ...] | None = None
    sites: tuple[str, ...] | None = None
    from_date: date | None = None
    to_date: date | None = None
    reparse: bool = False


def _pending_pages_query(scope: PageScope) -> tuple[str, dict[str, object]]:
    conditions = ["page_kind = 'article'"]
    parameters: dict[str, object] = {"reparse": scope.reparse}
    if scope.run_ids is not None:
        conditions.append("list_contains($run_ids, run_id)")
        parameters["run_ids"] = list(scope.run_ids)
    if scope.sites is not None:
        conditions.append("list_contains($sites, site)")
        parameters["sites"] = list(scope.sites)
    # Days are fetch days in Vietnam, the days operators see in run lists.
    if scope.from_date is not None:
        conditions.append("CAST(timezone('Asia/Ho_Chi_Minh', fetched_at) AS DATE) >= $from_date")
        parameters["from_date"] = scope.from_date
    if scope.to_date is not None:
        conditions.append("CAST(timezone('Asia/Ho_Chi_Minh', fetched_at) AS DATE) <= $to_date")
        parameters["to_date"] = scope.to_date
    return _PENDING_PAGES.format(scope=" AND ".join(conditions)), parameters


def queue_pending_pages(
    connection: duckdb.DuckDBPyConnection, scope: PageScope = PageScope(), chunk_pages: int = 2000
) -> list[PageKey]:
    """Put the pending pages in parse_queue, replacing what it held; returns the keys that cut them
    into chunks of `chunk_pages`: chunk k is after end k-1 through end k.

    Working out which pages are pending reads every page and article in the warehouse, and the
    memory of a process that did it grew with the warehouse; done once here, a chunk reads only
    its own pages. Keys, not offsets: the bounds of a chunk stay put while the ones before it
    are parsed and dequeued.
    """
    query, parameters = _pending_pages_query(scope)
    with transaction(connection):
        connection.execute("DELETE FROM parse_queue")
        connection.execute(
            "INSERT INTO parse_queue (page_id, run_id, site, url, final_url, fetched_at, content_type, landing_file) "
            + query,
            parameters,
        )
    rows = connection.execute(
        """
        SELECT landing_file, url FROM (
            SELECT landing_file, url,
                   row_number() OVER (ORDER BY landing_file, url) AS place,
                   count(*) OVER () AS queued
            FROM parse_queue
        )
        WHERE place % $chunk_pages = 0 OR place = queued
        ORDER BY landing_file, url
        """,
        {"chunk_pages": chunk_pages},
    ).fetchall()
    return [(landing_file, url) for landing_file, url in rows]


def _window(after: PageKey | None, through: PageKey | None) -> tuple[str, dict[str, object]]:
    """The condition on parse_queue for the keys after `after` through `through`."""
    conditions = ["TRUE"]
    parameters: dict[str, object] = {}
    if after is not None:
        conditions.append("(landing_file > $after_file OR (landing_file = $after_file AND url > $after_url))")
        parameters["after_file"], parameters["after_url"] = after
    if through is not None:
        conditions.append("(landing_file < $through_file OR (landing_file = $through_file AND url <= $through_url))")
        parameters["through_file"], parameters["through_url"] = through
    return " AND ".join(conditions), parameters


def pages_to_parse(
    connection: duckdb.DuckDBPyConnection,
    after: PageKey | None = None,
    through: PageKey | None = None,
    batch_size: int = 500,
) -> Iterator[list[PageToParse]]:
    """Batches of the queued pages after `after` through `through`, with their raw bodies, read file by file from landing.

    Python holds one landing file's rows at a time, and the caller may write to the same
    connection between batches.
    """
    window, parameters = _window(after, through)
    files = connection.execute(
        f"SELECT DISTINCT landing_file FROM parse_queue WHERE {window} ORDER BY landing_file", parameters
    ).fetchall()
    batch: list[PageToParse] = []
    for (landing_file,) in files:
        rows = connection.execute(
            f"""
            SELECT page_id, run_id, site, url, final_url, fetched_at, content_type, landing_file
            FROM parse_queue WHERE landing_file = $landing_file AND {window}
            """,
            {**parameters, "landing_file": landing_file},
        ).fetchall()
        for page in _pages_of_file(landing_file, rows):
            batch.append(page)
            if len(batch) >= batch_size:
                yield batch
                batch = []
    if batch:
        yield batch


def dequeue_pages(
    connection: duckdb.DuckDBPyConnection, after: PageKey | None = None, through: PageKey | None = None
) -> None:
    """Take the pages after `after` through `through` out of parse_queue, once they are stored."""
    window, parameters = _window(after, through)
    connection.execute(f"DELETE FROM parse_queue WHERE {window}", parameters)


def queued_keys(
    connection: duckdb.DuckDBPyConnection, after: PageKey | None = None, through: PageKey | None = None
) -> list[PageKey]:
    """The keys of the queued pages after `after` through `through`, in parse order."""
    window, parameters = _window(after, through)
    return [
        (landing_file, url)
        for landing_file, url in connection.execute(
            f"SELECT landing_file, url FROM parse_queue WHERE {window} ORDER BY landing_file, url", parameters
        ).fetchall()
    ]


def record_fatal_pages(
    connection: duckdb.DuckDBPyConnection, after: PageKey | None = None, through: PageKey | None = None
) -> int:
    """Record the queued pages after `after` through `through` as failures whose parse killed its process."""
    window, parameters = _window(after, through)
    page_ids = [
        page_id
        for (page_id,) in connection.execute(f"SELECT page_id FROM parse_queue WHERE {window}", parameters).fetchall()
    ]
    reason = "parsing this page killed its process (a crash in C code, or out of memory)"
    store_articles(connection, [], [ParseFailure(page_id, reason, "ProcessDied") for page_id in page_ids])
    dequeue_pages(connection, after, through)
    return len(page_ids)


def _pages_of_file(landing_file: str, rows: list[tuple]) -> Iterator[PageToParse]:
    """The pending pages of one landing file with their bodies, in file order, reading the file once.

    The file is streamed a row group at a time: a join per batch would read every body of the
    file again for each batch, and hold far more than the batch in memory while doing it.
    """
    pending = {(row[3], row[5]): row for row in rows}
    if Path(landing_file).exists():
        landing = pq.ParquetFile(landing_file)
        for record_batch in landing.iter_batches(batch_size=BODY_READ_ROWS, columns=["url", "fetched_at", "body"]):
            urls = record_batch.column("url").to_pylist()
            fetched = record_batch.column("fetched_at").to_pylist()
            bodies = record_batch.column("body")
            for index, key in enumerate(zip(urls, fetched)):
                row = pending.pop(key, None)
                if row is not None:
                    yield _page(row, bodies[index].as_py())
            if not pending:
                return
    # Someone removed raw data (the file, or rows of it): those pages become parse failures.
    for row in pending.values():
        yield _page(row, None)


def _page(row: tuple, body: bytes | None) -> PageToParse:
    page_id, run_id, site, url, final_url, fetched_at, content_type, landing_file = row
    return PageToParse(
        page_id=page_id,
        run_id=run_id,
        site=site,
        url=url,
        final_url=final_url,
        fetched_at=fetched_at,
        content_type=content_type,
        body=body,
        landing_file=landing_file,
    )


_ARTICLE_SCHEMA = pa.schema(
    [
        ("ordinal", pa.int64()),
        ("page_id", pa.string()),
        ("site", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("lead", pa.string()),
        ("paragraphs", pa.list_(pa.string())),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("authors", pa.list_(pa.string())),
        ("section", pa.string()),
        ("word_count", pa.int32()),
        ("content_sha256", pa.string()),
        ("extractor", pa.string()),
        ("parse_notes", pa.list_(pa.string())),
        ("text_truncated", pa.bool_()),
        ("page_type", pa.string()),
        ("published_precision", pa.string()),
        ("bylines", pa.list_(pa.struct([("name", pa.string()), ("role", pa.string()), ("outlet", pa.string())]))),
        ("syndicated_from", pa.string()),
    ]
)

_CAPTION_SCHEMA = pa.schema(
    [
        ("page_id", pa.string()),
        ("position", pa.int32()),
        ("text", pa.string()),
        ("credit", pa.string()),
        ("image_url", pa.string()),
        ("occurrences", pa.int32()),
    ]
)

_FAILURE_SCHEMA = pa.schema([("page_id", pa.string()), ("reason", pa.string()), ("error_class", pa.string())])


def _article_table(parsed: Sequence[ParsedArticle]) -> pa.Table:
    return pa.table(
        {
            "ordinal": list(range(len(parsed))),
            "page_id": [item.page_id for item in parsed],
            "site": [item.site for item in parsed],
            "fetched_at": [item.fetched_at for item in parsed],
            "url": [item.article.url for item in parsed],
            "canonical_url": [item.article.canonical_url for item in parsed],
            "title": [item.article.title for item in parsed],
            "lead": [item.article.lead for item in parsed],
            # Joined by DuckDB: joining and encoding one long string per article in Python
            # costs more than handing Arrow the paragraphs.
            "paragraphs": [item.article.body for item in parsed],
            "published_at": [item.article.published_at for item in parsed],
            "authors": [item.article.authors for item in parsed],
            "section": [item.article.section for item in parsed],
            "word_count": [item.word_count for item in parsed],
            "content_sha256": [item.content_sha256 for item in parsed],
            "extractor": [item.article.extractor for item in parsed],
            "parse_notes": [list(item.article.notes) or None for item in parsed],
            "text_truncated": [item.article.text_truncated for item in parsed],
            "page_type": [item.article.page_type for item in parsed],
            "published_precision": [item.article.published_precision for item in parsed],
            "bylines": [
                [{"name": byline.name, "role": byline.role, "outlet": byline.outlet} for byline in item.article.bylines]
                for item in parsed
            ],
            "syndicated_from": [item.article.syndicated_from for item in parsed],
        },
        schema=_ARTICLE_SCHEMA,
    )


def _caption_table(parsed: Sequence[ParsedArticle]) -> pa.Table:
    captions = [(item.page_id, caption) for item in parsed for caption in item.article.captions]
    return pa.table(
        {
            "page_id": [page_id for page_id, _ in captions],
            "position": [caption.position for _, caption in captions],
            "text": [caption.text for _, caption in captions],
            "credit": [caption.credit for _, caption in captions],
            "image_url": [caption.image_url for _, caption in captions],
            "occurrences": [caption.occurrences for _, caption in captions],
        },
        schema=_CAPTION_SCHEMA,
    )


def store_articles(
    connection: duckdb.DuckDBPyConnection,
    parsed: Sequence[ParsedArticle],
    failures: Sequence[ParseFailure],
) -> int:
    """Upsert articles with their captions and record parse failures, in one transaction; returns articles written."""
    failure_table = pa.table(
        {
            "page_id": [item.page_id for item in failures],
            "reason": [item.reason for item in failures],
            "error_class": [item.error_class for item in failures],
        },
        schema=_FAILURE_SCHEMA,
    )
    connection.register("incoming_articles", _article_table(parsed))
    connection.register("incoming_captions", _caption_table(parsed))
    connection.register("incoming_failures", failure_table)
    try:
        with transaction(connection):
            written = _upsert_articles(connection)
            _record_failures(connection)
    finally:
        for name in ("incoming_articles", "incoming_captions", "incoming_failures"):
            connection.unregister(name)
        connection.execute("DROP TABLE IF EXISTS temp.staged_articles")
    return written


def _upsert_articles(connection: duckdb.DuckDBPyConnection) -> int:
    # An article is only replaced from a page at least as recent as the one it came from,
    # so reparsing an old run cannot roll an article back to an older version.
    connection.execute(
        """
        CREATE OR REPLACE TEMP TABLE staged_articles AS
        WITH incoming AS (
            -- Keys only: the bodies are read once, by the insert below.
            SELECT substr(sha256(url), 1, 16) AS article_id, ordinal, page_id, fetched_at
            FROM incoming_articles
            QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY fetched_at DESC, ordinal DESC) = 1
        ),
        current_page AS (
            SELECT articles.article_id, pages.fetched_at
            FROM articles LEFT JOIN pages USING (page_id)
            WHERE articles.article_id IN (SELECT article_id FROM incoming)
        ),
        incoming_page AS (
            -- By the page's address: the article's own may be the address after redirects.
            SELECT page_id, url FROM pages WHERE page_id IN (SELECT page_id FROM incoming)
        ),
        first_fetch AS (
            -- IN, not a join of pages with pages: DuckDB builds the hash table of a join on the
            -- side it guesses smaller, and guessed every page of the warehouse (memory that grew
            -- with the corpus); an IN builds on the batch's addresses.
            SELECT url, min(fetched_at) AS fetched_at
            FROM pages
            WHERE url IN (SELECT url FROM incoming_page) AND http_status BETWEEN 200 AND 299
            GROUP BY url
        )
        SELECT incoming.article_id, incoming.ordinal, incoming.page_id,
               least(incoming.fetched_at, first_fetch.fetched_at) AS first_seen_at,
               incoming_page.url AS page_url, current_page.article_id IS NOT NULL AS stored
        FROM incoming
        LEFT JOIN current_page USING (article_id)
        LEFT JOIN incoming_page USING (page_id)
        LEFT JOIN first_fetch USING (url)
        WHERE current_page.fetched_at IS NULL OR current_page.fetched_at <= incoming.fetched_at
        """
    )
    written = connection.execute(
        """
        INSERT INTO articles (article_id, site, url, canonical_url, page_id, title, lead, body,
            published_at, authors, section, word_count, content_sha256, duplicate_of, extractor,
            first_seen_at, last_seen_at, parsed_at, parse_notes, text_truncated, page_type, published_precision,
            bylines, syndicated_from)
        SELECT staged.article_id, incoming.site, incoming.url, incoming.canonical_url,
               incoming.page_id, incoming.title, incoming.lead,
               array_to_string(incoming.paragraphs, '\n\n'), incoming.published_at,
               incoming.authors, incoming.section, incoming.word_count, incoming.content_sha256,
               NULL, incoming.extractor, staged.first_seen_at, incoming.fetched_at, now(),
               incoming.parse_notes, incoming.text_truncated,
               incoming.page_type, incoming.published_precision, incoming.bylines, incoming.syndicated_from
        FROM staged_articles staged JOIN incoming_articles incoming USING (ordinal)
        ON CONFLICT (article_id) DO UPDATE SET
            site = excluded.site,
            url = excluded.url,
            canonical_url = excluded.canonical_url,
            page_id = excluded.page_id,
            title = excluded.title,
            lead = excluded.lead,
            body = excluded.body,
            published_at = excluded.published_at,
            authors = excluded.authors,
            section = excluded.section,
            word_count = excluded.word_count,
            content_sha256 = excluded.content_sha256,
            extractor = excluded.extractor,
            first_seen_at = least(articles.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(articles.last_seen_at, excluded.last_seen_at),
            parsed_at = excluded.parsed_at,
            parse_notes = excluded.parse_notes,
            text_truncated = excluded.text_truncated,
            page_type = excluded.page_type,
            published_precision = excluded.published_precision,
            bylines = excluded.bylines,
            syndicated_from = excluded.syndicated_from
        """
    ).fetchone()[0]
    # Only articles stored before have captions or facts to clear; with none of them, as on most
    # nights, DuckDB reads neither table.
    connection.execute(
        "DELETE FROM captions WHERE article_id IN (SELECT article_id FROM staged_articles WHERE stored)"
    )
    connection.execute(
        """
        INSERT INTO captions (article_id, position, text, credit, image_url, occurrences)
        SELECT DISTINCT ON (staged_articles.article_id, incoming_captions.position)
               staged_articles.article_id, incoming_captions.position, incoming_captions.text,
               incoming_captions.credit, incoming_captions.image_url, incoming_captions.occurrences
        FROM incoming_captions JOIN staged_articles USING (page_id)
        """
    )
    # Without its fact_extractions row an article's facts are pending again.
    connection.execute(
        "DELETE FROM fact_extractions WHERE article_id IN (SELECT article_id FROM staged_articles WHERE stored)"
    )
    connection.execute(
        """
        DELETE FROM parse_failures WHERE url IN (SELECT page_url FROM staged_articles)
        """
    )
    return written


def _record_failures(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        """
        INSERT OR REPLACE INTO parse_failures (page_id, run_id, site, url, reason, failed_at, error_class)
        SELECT DISTINCT ON (incoming_failures.page_id)
               incoming_failures.page_id, pages.run_id, pages.site, pages.url,
               incoming_failures.reason, now(), incoming_failures.error_class
        FROM incoming_failures JOIN pages USING (page_id)
        """
    )


def count_pages_in_scope(connection: duckdb.DuckDBPyConnection, scope: PageScope) -> int:
    """How many landed article pages (latest copy of each address) the scope selects, parsed or not."""
    query, parameters = _pending_pages_query(replace(scope, reparse=True))
    return connection.execute(f"SELECT count(*) FROM ({query})", parameters).fetchone()[0]


def landed_days(connection: duckdb.DuckDBPyConnection, sites: Sequence[str] | None) -> list[date]:
    """The Vietnam days on which article pages of these sites (None: all) were fetched, newest first."""
    return [
        day
        for (day,) in connection.execute(
            """
            SELECT DISTINCT CAST(timezone('Asia/Ho_Chi_Minh', fetched_at) AS DATE) AS day
            FROM pages
            WHERE page_kind = 'article' AND ($sites IS NULL OR list_contains($sites, site))
            ORDER BY day DESC
            """,
            {"sites": list(sites) if sites is not None else None},
        ).fetchall()
    ]


def article_ids_of_runs(connection: duckdb.DuckDBPyConnection, run_ids: Sequence[str]) -> list[str]:
    """The articles parsed from pages these crawl runs fetched."""
    return [
        article_id
        for (article_id,) in connection.execute(
            """
            SELECT articles.article_id FROM articles JOIN pages ON pages.page_id = articles.page_id
            WHERE list_contains($run_ids, pages.run_id)
            """,
            {"run_ids": list(run_ids)},
        ).fetchall()
    ]
