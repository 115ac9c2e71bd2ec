"""Facts stage, warehouse side: articles whose facts are pending, and storing the facts found.

An article's facts are up to date while it has a fact_extractions row; storing the article
again deletes that row. Passing an extractor version also makes pending every article whose
facts came from another version, which is how improved rules reach old articles.

An ordinary night looks only at the articles parsed since the stage's watermark (every article
parsed before it has its facts), so its cost follows the night's articles, not the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from transforms.records import Fact
from warehouse.connection import transaction
from warehouse.lookup import rows_of
from warehouse.places import fill_places
from warehouse.watermarks import advance_watermark, watermark

STAGE = "facts"


@dataclass(frozen=True, slots=True)
class ArticleText:
    article_id: str
    title: str
    lead: str
    body: tuple[str, ...]  # paragraphs, indexed as facts.paragraph counts them
    captions: tuple[tuple[int, str], ...]  # (position, text)
    province: str | None = None  # province of the site that published it, as its site file names it


def articles_needing_facts(
    connection: duckdb.DuckDBPyConnection,
    batch_size: int = 1000,
    extractor_version: str | None = None,
) -> Iterator[list[ArticleText]]:
    """Batches of articles whose facts are pending, in article_id order.

    Once the last batch has been handed out the watermark moves up to the earliest article still
    pending (one the caller skipped), or to when the listing began.
    """
    # With a version, an article of any age may be pending: every article is looked at.
    since = watermark(connection, STAGE) if extractor_version is None else None
    parameters = {"since": since or datetime.min.replace(tzinfo=timezone.utc), "version": extractor_version}
    (started,) = connection.execute("SELECT now()").fetchone()
    last_article_id = ""
    while True:
        # Keyset paging: each batch is fetched whole, so the caller may store facts between
        # batches, and an article the caller skips is never handed out twice in one pass.
        # The keys come from narrow columns; the texts are then read for the batch's rows only.
        pending = [
            article_id
            for article_id, _ in connection.execute(
                _PENDING + " ORDER BY article_id LIMIT $limit",
                {**parameters, "after": last_article_id, "limit": batch_size},
            ).fetchall()
        ]
        if not pending:
            _advance(connection, parameters, started)
            return
        with (
            rows_of(connection, "articles", "article_id", pending, "facts_batch_articles"),
            rows_of(connection, "captions", "article_id", pending, "facts_batch_captions"),
        ):
            rows = connection.execute(
                """
                SELECT articles.article_id, articles.title, articles.lead, articles.body,
                       coalesce(list((captions.position, captions.text) ORDER BY captions.position)
                                FILTER (WHERE captions.position IS NOT NULL), []),
                       any_value(sources.province)
                FROM facts_batch_articles AS articles
                LEFT JOIN facts_batch_captions AS captions USING (article_id)
                LEFT JOIN sources ON sources.site = articles.site
                GROUP BY articles.article_id, articles.title, articles.lead, articles.body
                ORDER BY articles.article_id
                """
            ).fetchall()
        yield [
            ArticleText(
                article_id=article_id,
                title=title,
                lead=lead,
                body=tuple(body.split("\n\n")) if body else (),
                captions=tuple((position, text) for position, text in captions),
                province=province,
            )
            for article_id, title, lead, body, captions, province in rows
        ]
        last_article_id = pending[-1]


# Articles parsed since the watermark whose facts are missing or, given a version, of another one.
_PENDING = """
    WITH recent AS (
        SELECT article_id, parsed_at FROM articles WHERE parsed_at >= $since AND article_id > $after
    ),
    done AS (
        SELECT article_id, extractor_version FROM fact_extractions
        WHERE article_id IN (SELECT article_id FROM recent)
    )
    SELECT recent.article_id, recent.parsed_at FROM recent LEFT JOIN done USING (article_id)
    WHERE done.article_id IS NULL OR ($version IS NOT NULL AND done.extractor_version <> $version)
"""


def _advance(connection: duckdb.DuckDBPyConnection, parameters: dict, started: datetime) -> None:
    (earliest_pending,) = connection.execute(
        f"SELECT min(parsed_at) FROM ({_PENDING})", {**parameters, "after": ""}
    ).fetchone()
    through = started if earliest_pending is None else min(started, earliest_pending)
    with transaction(connection):
        advance_watermark(connection, STAGE, through)


def mark_facts_stale(
    connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str] | None = None
) -> int:
    """Make the facts of these articles (all articles when None) pending again; returns how many."""
    with transaction(connection):
        # The stale articles may be of any age: the next run looks at every article again.
        connection.execute("DELETE FROM stage_watermarks WHERE stage = ?", [STAGE])
        if article_ids is None:
            marked = connection.execute("DELETE FROM fact_extractions").fetchone()[0]
        else:
            marked = connection.execute(
                "DELETE FROM fact_extractions WHERE list_contains($article_ids, article_id)",
                {"article_ids": list(article_ids)},
            ).fetchone()[0]
    return marked


# Stored columns of a fact, in the order of the facts table after fact_id and article_id, with
# the Fact attribute each is read from and its Arrow type.
_FACT_COLUMNS: tuple[tuple[str, str, pa.DataType], ...] = (
    ("kind", "kind", pa.string()), ("value", "value", pa.float64()), ("denominator", "denominator", pa.float64()),
    ("unit", "unit", pa.string()), ("per_unit", "per_unit", pa.string()), ("subject", "subject", pa.string()),
    ("text", "text", pa.string()), ("sentence", "sentence", pa.string()), ("source", "source", pa.string()),
    ("paragraph", "paragraph", pa.int32()), ("start_offset", "start", pa.int32()), ("end_offset", "end", pa.int32()),
    ("doc_number", "doc_number", pa.string()), ("doc_type", "doc_type", pa.string()),
    ("issued_on", "issued_on", pa.date32()), ("name", "name", pa.string()), ("role", "role", pa.string()),
    ("low", "low", pa.float64()), ("high", "high", pa.float64()), ("qualifier", "qualifier", pa.string()),
    ("measure", "measure", pa.string()), ("direction", "direction", pa.string()), ("status", "status", pa.string()),
    ("period_start", "period_start", pa.date32()), ("period_end", "period_end", pa.date32()),
    ("compared_to_start", "compared_to_start", pa.date32()), ("compared_to_end", "compared_to_end", pa.date32()),
    ("place_name", "place_name", pa.string()), ("place_code", "place_code", pa.string()),
    ("place_level", "place_level", pa.string()), ("doc_key", "doc_key", pa.string()),
    ("issuer", "issuer", pa.string()), ("organisation", "organisation", pa.string()),
)
_FACT_SCHEMA = pa.schema(
    [("ordinal", pa.int64()), ("article_id", pa.string())] + [(column, kind) for column, _, kind in _FACT_COLUMNS]
)
_STORED = ", ".join(column for column, _, _ in _FACT_COLUMNS)


def _fact_table(facts_by_article: Mapping[str, Sequence[Fact]]) -> pa.Table:
    pairs = [(article_id, fact) for article_id, facts in facts_by_article.items() for fact in facts]
    columns: dict[str, list] = {
        "ordinal": list(range(len(pairs))),
        "article_id": [article_id for article_id, _ in pairs],
    }
    for column, attribute, _ in _FACT_COLUMNS:
        columns[column] = [getattr(fact, attribute) for _, fact in pairs]
    return pa.table(columns, schema=_FACT_SCHEMA)


def store_facts(
    connection: duckdb.DuckDBPyConnection,
    facts_by_article: Mapping[str, Sequence[Fact]],
    extractor_version: str,
) -> int:
    """Replace the facts of these articles and mark them up to date, in one transaction; returns facts written."""
    connection.register("incoming_facts", _fact_table(facts_by_article))
    connection.register(
        "incoming_extractions",
        pa.table({"article_id": list(facts_by_article)}, schema=pa.schema([("article_id", pa.string())])),
    )
    try:
        with transaction(connection):
            fill_places(connection)
            connection.execute(
                "DELETE FROM facts WHERE article_id IN (SELECT article_id FROM incoming_extractions)"
            )
            # Two facts of one kind at the same place are one fact; the first found is kept.
            written = connection.execute(
                f"""
                INSERT INTO facts (fact_id, article_id, {_STORED}, extractor_version)
                SELECT DISTINCT ON (fact_id) fact_id, article_id, {_STORED}, $version
                FROM (
                    SELECT substr(sha256(concat_ws(chr(10), article_id, source,
                               coalesce(CAST(paragraph AS VARCHAR), ''), start_offset, end_offset, kind)),
                               1, 16) AS fact_id, *
                    FROM incoming_facts
                    WHERE article_id IN (SELECT article_id FROM articles)
                )
                ORDER BY fact_id, ordinal
                """,
                {"version": extractor_version},
            ).fetchone()[0]
            connection.execute(
                """
                INSERT OR REPLACE INTO fact_extractions (article_id, extractor_version, facts, extracted_at)
                SELECT incoming_extractions.article_id, $version, count(facts.fact_id), now()
                FROM incoming_extractions
                JOIN articles USING (article_id)
                LEFT JOIN facts USING (article_id)
                GROUP BY incoming_extractions.article_id
                """,
                {"version": extractor_version},
            )
    finally:
        connection.unregister("incoming_facts")
        connection.unregister("incoming_extractions")
    return written
