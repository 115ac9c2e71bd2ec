"""The dedup stage's warehouse side: index new articles, link copies, point each story at its first copy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from time import perf_counter

import duckdb
import numpy as np
import pyarrow as pa

from transforms.dedup import (
    BANDS,
    NUM_PERM,
    NEAR_THRESHOLD,
    band_keys,
    comparison_text,
    containment,
    is_comparable,
    jaccard,
    may_be_near,
    shingles,
    signatures,
    word_hashes,
    words_hash,
)
from transforms.text import comparison_key
from warehouse.lookup import registered as _registered
from warehouse.lookup import rows_of
from warehouse.stories import Pair, relink_stories
from warehouse.watermarks import advance_watermark, watermark

# Bodies are read and signed in chunks so memory stays flat however large the backlog.
CHUNK_ARTICLES = 2000
# Candidate pairs whose signatures are compared at once (two 512-byte rows a pair).
CHUNK_PAIRS = 50_000
STAGE = "dedup"


@dataclass(frozen=True, slots=True)
class DedupResult:
    """What one dedup call did."""

    articles_indexed: int
    articles_recaptioned: int  # indexed articles parsed again, whose caption keys were renewed
    candidate_pairs: int  # near-copy candidates from the LSH join, before verification
    pairs_linked: int  # verified pairs added (url, exact and near)
    duplicates_changed: int  # articles whose duplicates row was added, changed or removed
    seconds_signing: float  # reading bodies, MinHash signatures and band rows


def dedup_articles(
    connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str] | None = None
) -> DedupResult:
    """Index the articles (None: all not indexed or changed since) and link their copies; one transaction."""
    connection.execute("BEGIN TRANSACTION")
    try:
        result = _dedup(connection, article_ids)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return result


def _dedup(connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str] | None) -> DedupResult:
    pending, reindexed, reparsed = _work(connection, article_ids)
    if article_ids is None:
        # Everything pending is handled below, in this transaction: the next night starts here.
        advance_watermark(connection, STAGE)
    _store_caption_keys(connection, reparsed)
    if not pending:
        return DedupResult(0, len(reparsed), 0, 0, 0, 0.0)
    # Partners of re-indexed articles lose their pairs too, so their stories are rebuilt.
    former_partners = _forget(connection, reindexed)
    started = perf_counter()
    new_bands = _index(connection, pending)
    seconds_signing = perf_counter() - started
    with _registered(connection, "dedup_pending", {"article_id": pending}):
        with _registered(connection, "dedup_new_bands", new_bands):
            candidates = _near_candidates(connection)
        found: dict[tuple[str, str], Pair] = {}
        # url pairs come first, so a pair that is also exact keeps the stronger method.
        for pair in _url_pairs(connection, pending) + _exact_pairs(connection):
            found.setdefault(pair.key, pair)
        for pair in _verified(connection, candidates, known=set(found)):
            found[pair.key] = pair
        pairs = sorted(found.values(), key=lambda pair: pair.key)
        _store_pairs(connection, pairs)
        _store_caption_keys(connection, pending)
    changed = relink_stories(connection, set(pending) | former_partners)
    return DedupResult(
        len(pending), len(reparsed), len(candidates), len(pairs), changed, seconds_signing
    )


def _work(
    connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str] | None
) -> tuple[list[str], list[str], list[str]]:
    """(articles to index, those of them indexed before, indexed articles parsed again since)."""
    # To index: never indexed, or body, date or canonical URL changed since. Parsed again
    # without such a change: only the captions may differ. Either way the article was parsed
    # after it was last indexed, so only articles parsed since the watermark are looked at.
    query = """
        WITH recent AS (
            SELECT article_id, content_sha256, published_at, canonical_url, parsed_at
            FROM articles WHERE parsed_at >= $since {requested}
        ),
        state AS (
            SELECT recent.article_id,
                   known.article_id IS NOT NULL AS indexed,
                   known.article_id IS NULL
                   OR known.content_sha256 IS DISTINCT FROM recent.content_sha256
                   OR known.published_at IS DISTINCT FROM recent.published_at
                   OR known.canonical_url IS DISTINCT FROM recent.canonical_url AS changed,
                   recent.parsed_at > known.indexed_at AS reparsed
            FROM recent
            LEFT JOIN (SELECT * FROM dedup_index WHERE article_id IN (SELECT article_id FROM recent)) AS known
              USING (article_id)
        )
        SELECT article_id, indexed, changed FROM state WHERE (changed OR reparsed) ORDER BY article_id
    """
    # Named articles are looked for among all of them: they may predate the watermark.
    since = watermark(connection, STAGE) if article_ids is None else None
    parameters = {"since": since or datetime.min.replace(tzinfo=timezone.utc)}
    if article_ids is None:
        rows = connection.execute(query.format(requested=""), parameters).fetchall()
    else:
        with _registered(connection, "dedup_requested", {"article_id": list(article_ids)}):
            rows = connection.execute(
                query.format(requested="AND article_id IN (SELECT article_id FROM dedup_requested)"), parameters
            ).fetchall()
    pending = [article_id for article_id, _, changed in rows if changed]
    reindexed = [article_id for article_id, indexed, changed in rows if changed and indexed]
    reparsed = [article_id for article_id, _, changed in rows if not changed]
    return pending, reindexed, reparsed


def _forget(connection: duckdb.DuckDBPyConnection, reindexed: list[str]) -> set[str]:
    """Drop what the index knew about re-indexed articles; returns the partners they were paired with."""
    if not reindexed:
        return set()
    with _registered(connection, "dedup_reindexed", {"article_id": reindexed}):
        partners = connection.execute(
            """
            SELECT other_article_id FROM duplicate_pairs
            WHERE article_id IN (SELECT article_id FROM dedup_reindexed)
            UNION
            SELECT article_id FROM duplicate_pairs
            WHERE other_article_id IN (SELECT article_id FROM dedup_reindexed)
            """
        ).fetchall()
        for statement in (
            "DELETE FROM duplicate_pairs WHERE article_id IN (SELECT article_id FROM dedup_reindexed)"
            " OR other_article_id IN (SELECT article_id FROM dedup_reindexed)",
            "DELETE FROM dedup_bands WHERE article_id IN (SELECT article_id FROM dedup_reindexed)",
            "DELETE FROM dedup_index WHERE article_id IN (SELECT article_id FROM dedup_reindexed)",
        ):
            connection.execute(statement)
    return {row[0] for row in partners} - set(reindexed)


def _bodies(
    connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str]
) -> Iterator[tuple[list[str], list[np.ndarray]]]:
    """(article ids, word hashes of their bodies without caption paragraphs), in chunks."""
    for start in range(0, len(article_ids), CHUNK_ARTICLES):
        chunk = article_ids[start : start + CHUNK_ARTICLES]
        with (
            rows_of(connection, "articles", "article_id", chunk, "dedup_chunk_articles"),
            rows_of(connection, "captions", "article_id", chunk, "dedup_chunk_captions"),
        ):
            rows = connection.execute(
                """
                SELECT articles.article_id, articles.body,
                       coalesce(list(captions.text ORDER BY captions.position)
                                FILTER (WHERE captions.text IS NOT NULL), []) AS caption_texts
                FROM dedup_chunk_articles AS articles
                LEFT JOIN dedup_chunk_captions AS captions USING (article_id)
                GROUP BY articles.article_id, articles.body
                ORDER BY articles.article_id
                """
            ).fetchall()
        # The body column joins paragraphs with blank lines.
        texts = [_comparison_text(connection, article_id, body, captions) for article_id, body, captions in rows]
        yield [row[0] for row in rows], word_hashes(texts)


def _comparison_text(connection: duckdb.DuckDBPyConnection, article_id: str, body: str, captions: list[str]) -> str:
    """The article's comparison text; one that can't be made is recorded and compares as empty."""
    try:
        return comparison_text(body.split("\n\n"), captions)
    except (Exception, RecursionError, MemoryError) as error:
        # An empty text is not comparable: the article is simply never anyone's near-duplicate.
        message = " ".join(str(error).split())[:200] or type(error).__name__
        connection.execute(
            "INSERT OR REPLACE INTO article_failures VALUES (?, 'dedup', ?, ?, now())",
            [article_id, type(error).__name__, message],
        )
        return ""


def _index(connection: duckdb.DuckDBPyConnection, pending: Sequence[str]) -> pa.Table:
    """Index rows and band rows for every pending article; returns the band rows added."""
    added = []
    for ids, word_lists in _bodies(connection, pending):
        comparable = [is_comparable(words) for words in word_lists]
        signed = [index for index, flag in enumerate(comparable) if flag]
        signature_rows = signatures([word_lists[index] for index in signed])
        signature_of = dict(zip(signed, signature_rows))
        index_rows = {
            "article_id": ids,
            "body_key_sha256": [words_hash(words) for words in word_lists],
            "body_words": pa.array([len(words) for words in word_lists], pa.int32()),
            "comparable": comparable,
            "signature": pa.array(
                [signature_of[index].astype("<u4").tobytes() if index in signature_of else None for index in range(len(ids))],
                pa.binary(),
            ),
            "shingle_count": pa.array(
                [len(shingles(words)) if flag else None for words, flag in zip(word_lists, comparable)], pa.int32()
            ),
        }
        with (
            _registered(connection, "dedup_new_index", index_rows),
            rows_of(connection, "articles", "article_id", ids, "dedup_indexed_articles"),
        ):
            connection.execute(
                """
                INSERT INTO dedup_index (article_id, content_sha256, published_at, canonical_url,
                    body_key_sha256, body_words, comparable, indexed_at, signature, shingle_count)
                SELECT new.article_id, articles.content_sha256, articles.published_at,
                       articles.canonical_url, new.body_key_sha256, new.body_words, new.comparable, now(),
                       new.signature, new.shingle_count
                FROM dedup_new_index AS new JOIN dedup_indexed_articles AS articles USING (article_id)
                """
            )
        if not signed:
            continue
        keys = band_keys(signature_rows)
        band_rows = {
            "band_key": keys.ravel(),
            "article_id": np.repeat(np.array([ids[index] for index in signed]), BANDS),
        }
        added.append(pa.table(band_rows))
        with _registered(connection, "dedup_chunk_bands", band_rows):
            connection.execute("INSERT INTO dedup_bands SELECT band_key, article_id FROM dedup_chunk_bands")
    empty = pa.table({"band_key": pa.array([], pa.int64()), "article_id": pa.array([], pa.string())})
    return pa.concat_tables(added) if added else empty


def _url_pairs(connection: duckdb.DuckDBPyConnection, pending: Sequence[str]) -> list[Pair]:
    """Pending articles that name another's address as canonical, or share a canonical address."""
    # A canonical link to the site's home page is a CMS default, not a statement of identity.
    # The other side of a match is looked up by address: the semi-joins scan the two address
    # columns and nothing else, and keep only the articles a pending one names or is named by.
    with rows_of(connection, "articles", "article_id", pending, "dedup_pending_articles"):
        rows = connection.execute(
            """
            WITH pending AS (
                SELECT article_id, url,
                       CASE WHEN NOT regexp_matches(canonical_url, '^[a-z]+://[^/]+/?$') THEN canonical_url END
                           AS canonical_url
                FROM dedup_pending_articles
            ),
            everyone AS (
                SELECT article_id, url,
                       CASE WHEN NOT regexp_matches(canonical_url, '^[a-z]+://[^/]+/?$') THEN canonical_url END
                           AS canonical_url
                FROM articles
                WHERE url IN (SELECT canonical_url FROM pending)
                   OR canonical_url IN (SELECT canonical_url FROM pending)
                   OR canonical_url IN (SELECT url FROM pending)
            ),
            matches AS (
                SELECT pending.article_id AS one, everyone.article_id AS other
                FROM pending JOIN everyone ON pending.canonical_url = everyone.url
                UNION
                SELECT pending.article_id, everyone.article_id
                FROM pending JOIN everyone ON pending.canonical_url = everyone.canonical_url
                UNION
                SELECT pending.article_id, everyone.article_id
                FROM pending JOIN everyone ON pending.url = everyone.canonical_url
            )
            SELECT DISTINCT least(one, other), greatest(one, other)
            FROM matches WHERE one <> other
            """
        ).fetchall()
    return [Pair(first, second, "url", 1.0, 1.0) for first, second in rows]


def _exact_pairs(connection: duckdb.DuckDBPyConnection) -> list[Pair]:
    """Pending comparable articles with the same body words as another comparable article."""
    # The other side is looked up by body key, so the join is built on the night's keys.
    rows = connection.execute(
        """
        WITH pending AS (
            SELECT article_id, body_key_sha256 FROM dedup_index
            WHERE article_id IN (SELECT article_id FROM dedup_pending) AND comparable
        ),
        other AS (
            SELECT article_id, body_key_sha256 FROM dedup_index
            WHERE body_key_sha256 IN (SELECT body_key_sha256 FROM pending) AND comparable
        )
        SELECT DISTINCT least(pending.article_id, other.article_id),
                        greatest(pending.article_id, other.article_id)
        FROM pending
        JOIN other
          ON other.body_key_sha256 = pending.body_key_sha256 AND other.article_id <> pending.article_id
        """
    ).fetchall()
    return [Pair(first, second, "exact", 1.0, 1.0) for first, second in rows]


def _near_candidates(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Pairs of a pending article and any other sharing at least one LSH band key."""
    # The new band rows, still in memory, are the build side of a hash join probed by the
    # stored ones: the night's cost follows the new articles, the corpus adds one scan.
    return connection.execute(
        """
        SELECT DISTINCT least(new.article_id, other.article_id) AS first,
                        greatest(new.article_id, other.article_id) AS second
        FROM dedup_new_bands AS new
        JOIN dedup_bands AS other
          ON other.band_key = new.band_key AND other.article_id <> new.article_id
        ORDER BY first, second
        """
    ).fetchall()


def _verified(
    connection: duckdb.DuckDBPyConnection, candidates: list[tuple[str, str]], known: set[tuple[str, str]]
) -> list[Pair]:
    """Candidates whose shingle sets, recomputed from the bodies, pass the near-copy check."""
    # Exact shingle sets rather than signature agreement: an estimate from 128 values
    # wobbles by ±0.04 around the threshold, and only candidates pay for the exact check.
    remaining = _plausible(connection, [pair for pair in candidates if pair not in known])
    involved = sorted({article_id for pair in remaining for article_id in pair})
    shingle_sets: dict[str, np.ndarray] = {}
    for ids, word_lists in _bodies(connection, involved):
        shingle_sets.update(zip(ids, map(shingles, word_lists)))
    pairs = []
    for first, second in remaining:
        shared = containment(shingle_sets[first], shingle_sets[second])
        if shared >= NEAR_THRESHOLD:
            similarity = jaccard(shingle_sets[first], shingle_sets[second])
            pairs.append(Pair(first, second, "near", round(similarity, 4), round(shared, 4)))
    return pairs


def _plausible(connection: duckdb.DuckDBPyConnection, candidates: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The candidates whose stored signatures leave room for a near copy (transforms.dedup.may_be_near)."""
    if not candidates:
        return []
    involved = sorted({article_id for pair in candidates for article_id in pair})
    with rows_of(connection, "dedup_index", "article_id", involved, "dedup_involved"):
        rows = connection.execute(
            "SELECT article_id, signature, shingle_count FROM dedup_involved WHERE signature IS NOT NULL"
        ).fetchall()
    position = {article_id: index for index, (article_id, _, _) in enumerate(rows)}
    signature_rows = np.frombuffer(b"".join(row[1] for row in rows), dtype="<u4").reshape(len(rows), NUM_PERM)
    sizes = np.array([row[2] for row in rows], dtype=np.int64)
    # Articles indexed before signatures were stored have none: their pairs are verified as before.
    signed = [pair for pair in candidates if pair[0] in position and pair[1] in position]
    unsigned = [pair for pair in candidates if pair[0] not in position or pair[1] not in position]
    first = np.array([position[pair[0]] for pair in signed], dtype=np.int64)
    second = np.array([position[pair[1]] for pair in signed], dtype=np.int64)
    # In slices: a first night's million candidates would otherwise copy two signature rows each at once.
    keep = np.concatenate(
        [np.zeros(0, dtype=bool)]
        + [
            may_be_near(
                signature_rows[first[start : start + CHUNK_PAIRS]],
                signature_rows[second[start : start + CHUNK_PAIRS]],
                sizes[first[start : start + CHUNK_PAIRS]],
                sizes[second[start : start + CHUNK_PAIRS]],
            )
            for start in range(0, len(signed), CHUNK_PAIRS)
        ]
    )
    return sorted(unsigned + [pair for pair, kept in zip(signed, keep) if kept])


def _store_pairs(connection: duckdb.DuckDBPyConnection, pairs: list[Pair]) -> None:
    columns = {
        "article_id": [pair.article_id for pair in pairs],
        "other_article_id": [pair.other_article_id for pair in pairs],
        "method": [pair.method for pair in pairs],
        "similarity": pa.array([pair.similarity for pair in pairs], pa.float64()),
        "containment": pa.array([pair.containment for pair in pairs], pa.float64()),
    }
    with _registered(connection, "dedup_new_pairs", columns):
        connection.execute(
            """
            INSERT INTO duplicate_pairs
            SELECT article_id, other_article_id, method, similarity, containment, now()
            FROM dedup_new_pairs
            """
        )


def _store_caption_keys(connection: duckdb.DuckDBPyConnection, article_ids: list[str]) -> None:
    """Replace the caption keys of the given articles and mark them indexed now."""
    with _registered(connection, "dedup_captioned", {"article_id": pa.array(article_ids, pa.string())}):
        connection.execute(
            "DELETE FROM caption_keys WHERE article_id IN (SELECT article_id FROM dedup_captioned)"
        )
        with rows_of(connection, "captions", "article_id", article_ids, "dedup_captioned_captions"):
            rows = connection.execute("SELECT article_id, position, text FROM dedup_captioned_captions").fetchall()
        # Articles indexed earlier keep their index row; only its time moves, so the
        # same parse is not picked up again.
        connection.execute(
            "UPDATE dedup_index SET indexed_at = now()"
            " WHERE article_id IN (SELECT article_id FROM dedup_captioned) AND indexed_at < now()"
        )
    keys = [comparison_key(text) for _, _, text in rows]
    columns = {
        "article_id": pa.array([article_id for article_id, _, _ in rows], pa.string()),
        "position": pa.array([position for _, position, _ in rows], pa.int32()),
        "caption_key": pa.array(keys, pa.string()),
        "caption_words": pa.array([len(key.split()) for key in keys], pa.int32()),
    }
    with _registered(connection, "dedup_new_captions", columns):
        connection.execute("INSERT INTO caption_keys SELECT * FROM dedup_new_captions")
