"""The dedup stage's warehouse side: index new articles, link copies, point each story at its first copy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from time import perf_counter

import duckdb
import numpy as np
import pyarrow as pa

from transforms.dedup import (
    BANDS,
    NEAR_THRESHOLD,
    band_keys,
    comparison_text,
    containment,
    is_comparable,
    jaccard,
    shingles,
    signatures,
    word_hashes,
    words_hash,
)
from transforms.text import comparison_key

# Bodies are read and signed in chunks so memory stays flat however large the backlog.
CHUNK_ARTICLES = 2000
# Strongest evidence first: a pair found by several methods keeps the first.
METHOD_RANK = {"url": 0, "exact": 1, "near": 2}


@dataclass(frozen=True, slots=True)
class DedupResult:
    """What one dedup call did."""

    articles_indexed: int
    articles_recaptioned: int  # indexed articles parsed again, whose caption keys were renewed
    candidate_pairs: int  # near-copy candidates from the LSH join, before verification
    pairs_linked: int  # verified pairs added (url, exact and near)
    duplicates_changed: int  # articles whose duplicates row was added, changed or removed
    seconds_signing: float  # reading bodies, MinHash signatures and band rows


@dataclass(frozen=True, slots=True)
class _Pair:
    article_id: str
    other_article_id: str
    method: str
    similarity: float
    containment: float

    @property
    def key(self) -> tuple[str, str]:
        return self.article_id, self.other_article_id


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


@contextmanager
def _registered(connection: duckdb.DuckDBPyConnection, name: str, columns: dict) -> Iterator[None]:
    # Python lists bound as query parameters are converted value by value, which is slow for
    # thousands of ids; an Arrow table is scanned in place.
    connection.register(name, pa.table(columns))
    try:
        yield
    finally:
        connection.unregister(name)


def _dedup(connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str] | None) -> DedupResult:
    pending, reindexed, reparsed = _work(connection, article_ids)
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
        found: dict[tuple[str, str], _Pair] = {}
        # url pairs come first, so a pair that is also exact keeps the stronger method.
        for pair in _url_pairs(connection) + _exact_pairs(connection):
            found.setdefault(pair.key, pair)
        for pair in _verified(connection, candidates, known=set(found)):
            found[pair.key] = pair
        pairs = sorted(found.values(), key=lambda pair: pair.key)
        _store_pairs(connection, pairs)
        _store_caption_keys(connection, pending)
    changed = _relink_stories(connection, set(pending) | former_partners)
    return DedupResult(
        len(pending), len(reparsed), len(candidates), len(pairs), changed, seconds_signing
    )


def _work(
    connection: duckdb.DuckDBPyConnection, article_ids: Sequence[str] | None
) -> tuple[list[str], list[str], list[str]]:
    """(articles to index, those of them indexed before, indexed articles parsed again since)."""
    # To index: never indexed, or body, date or canonical URL changed since. Parsed again
    # without such a change: only the captions may differ.
    query = """
        WITH state AS (
            SELECT articles.article_id,
                   dedup_index.article_id IS NOT NULL AS indexed,
                   dedup_index.article_id IS NULL
                   OR dedup_index.content_sha256 IS DISTINCT FROM articles.content_sha256
                   OR dedup_index.published_at IS DISTINCT FROM articles.published_at
                   OR dedup_index.canonical_url IS DISTINCT FROM articles.canonical_url AS changed,
                   articles.parsed_at > dedup_index.indexed_at AS reparsed
            FROM articles LEFT JOIN dedup_index USING (article_id)
        )
        SELECT article_id, indexed, changed FROM state WHERE (changed OR reparsed)
    """
    if article_ids is None:
        rows = connection.execute(query + " ORDER BY article_id").fetchall()
    else:
        with _registered(connection, "dedup_requested", {"article_id": list(article_ids)}):
            rows = connection.execute(
                query + " AND article_id IN (SELECT article_id FROM dedup_requested) ORDER BY article_id"
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
        chunk = {"article_id": article_ids[start : start + CHUNK_ARTICLES]}
        with _registered(connection, "dedup_chunk", chunk):
            rows = connection.execute(
                """
                SELECT articles.article_id, articles.body,
                       coalesce(list(captions.text ORDER BY captions.position)
                                FILTER (WHERE captions.text IS NOT NULL), []) AS caption_texts
                FROM articles
                JOIN dedup_chunk USING (article_id)
                LEFT JOIN captions USING (article_id)
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
        index_rows = {
            "article_id": ids,
            "body_key_sha256": [words_hash(words) for words in word_lists],
            "body_words": pa.array([len(words) for words in word_lists], pa.int32()),
            "comparable": comparable,
        }
        with _registered(connection, "dedup_new_index", index_rows):
            connection.execute(
                """
                INSERT INTO dedup_index
                SELECT new.article_id, articles.content_sha256, articles.published_at,
                       articles.canonical_url, new.body_key_sha256, new.body_words, new.comparable, now()
                FROM dedup_new_index AS new JOIN articles USING (article_id)
                """
            )
        signed = [index for index, flag in enumerate(comparable) if flag]
        if not signed:
            continue
        keys = band_keys(signatures([word_lists[index] for index in signed]))
        band_rows = {
            "band_key": keys.ravel(),
            "article_id": np.repeat(np.array([ids[index] for index in signed]), BANDS),
        }
        added.append(pa.table(band_rows))
        with _registered(connection, "dedup_chunk_bands", band_rows):
            connection.execute("INSERT INTO dedup_bands SELECT band_key, article_id FROM dedup_chunk_bands")
    empty = pa.table({"band_key": pa.array([], pa.int64()), "article_id": pa.array([], pa.string())})
    return pa.concat_tables(added) if added else empty


def _url_pairs(connection: duckdb.DuckDBPyConnection) -> list[_Pair]:
    """Pending articles that name another's address as canonical, or share a canonical address."""
    # A canonical link to the site's home page is a CMS default, not a statement of identity.
    rows = connection.execute(
        """
        WITH everyone AS (
            SELECT article_id, url,
                   CASE WHEN NOT regexp_matches(canonical_url, '^[a-z]+://[^/]+/?$') THEN canonical_url END
                       AS canonical_url
            FROM articles
        ),
        pending AS (
            SELECT * FROM everyone WHERE article_id IN (SELECT article_id FROM dedup_pending)
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
    return [_Pair(first, second, "url", 1.0, 1.0) for first, second in rows]


def _exact_pairs(connection: duckdb.DuckDBPyConnection) -> list[_Pair]:
    """Pending comparable articles with the same body words as another comparable article."""
    rows = connection.execute(
        """
        SELECT DISTINCT least(pending.article_id, other.article_id),
                        greatest(pending.article_id, other.article_id)
        FROM dedup_index AS pending
        JOIN dedup_pending USING (article_id)
        JOIN dedup_index AS other
          ON other.body_key_sha256 = pending.body_key_sha256 AND other.article_id <> pending.article_id
        WHERE pending.comparable AND other.comparable
        """
    ).fetchall()
    return [_Pair(first, second, "exact", 1.0, 1.0) for first, second in rows]


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
) -> list[_Pair]:
    """Candidates whose shingle sets, recomputed from the bodies, pass the near-copy check."""
    # Exact shingle sets rather than signature agreement: an estimate from 128 values
    # wobbles by ±0.04 around the threshold, and only candidates pay for the exact check.
    remaining = [pair for pair in candidates if pair not in known]
    involved = sorted({article_id for pair in remaining for article_id in pair})
    shingle_sets: dict[str, np.ndarray] = {}
    for ids, word_lists in _bodies(connection, involved):
        shingle_sets.update(zip(ids, map(shingles, word_lists)))
    pairs = []
    for first, second in remaining:
        shared = containment(shingle_sets[first], shingle_sets[second])
        if shared >= NEAR_THRESHOLD:
            similarity = jaccard(shingle_sets[first], shingle_sets[second])
            pairs.append(_Pair(first, second, "near", round(similarity, 4), round(shared, 4)))
    return pairs


def _store_pairs(connection: duckdb.DuckDBPyConnection, pairs: list[_Pair]) -> None:
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
        rows = connection.execute(
            """
            SELECT article_id, position, text FROM captions
            WHERE article_id IN (SELECT article_id FROM dedup_captioned)
            """
        ).fetchall()
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


def _relink_stories(connection: duckdb.DuckDBPyConnection, touched: set[str]) -> int:
    """Rebuild the stories the touched articles belong to; returns how many duplicates rows changed."""
    pairs = _pairs_connected_to(connection, touched)
    members = sorted(set(touched) | {article_id for pair in pairs for article_id in pair.key})
    with _registered(connection, "dedup_members", {"article_id": members}):
        # Microseconds rather than TIMESTAMPTZ: converting thousands of zoned timestamps to
        # Python is slow, and only their order matters here.
        dates = connection.execute(
            """
            SELECT article_id, epoch_us(published_at),
                   url IN (SELECT canonical_url FROM articles JOIN dedup_members USING (article_id)
                           WHERE canonical_url IS NOT NULL)
            FROM articles JOIN dedup_members USING (article_id)
            """
        ).fetchall()
        existing = {
            row[0]: tuple(row[1:])
            for row in connection.execute(
                """
                SELECT article_id, duplicate_of, method, similarity, matched_with
                FROM duplicates JOIN dedup_members USING (article_id)
                """
            ).fetchall()
        }
    published = {article_id: when for article_id, when, _ in dates}
    named_canonical = {article_id for article_id, _, is_named in dates if is_named}
    desired = _duplicate_rows(members, pairs, published, named_canonical)
    # Unchanged rows are left alone so detected_at keeps the night the copy was first linked.
    stale = sorted(article_id for article_id, row in existing.items() if desired.get(article_id) != row)
    fresh = sorted(article_id for article_id, row in desired.items() if existing.get(article_id) != row)
    with _registered(connection, "dedup_stale", {"article_id": pa.array(stale, pa.string())}):
        connection.execute("DELETE FROM duplicates WHERE article_id IN (SELECT article_id FROM dedup_stale)")
    rows = {
        "article_id": pa.array(fresh, pa.string()),
        "duplicate_of": pa.array([desired[article_id][0] for article_id in fresh], pa.string()),
        "method": pa.array([desired[article_id][1] for article_id in fresh], pa.string()),
        "similarity": pa.array([desired[article_id][2] for article_id in fresh], pa.float64()),
        "matched_with": pa.array([desired[article_id][3] for article_id in fresh], pa.string()),
    }
    with _registered(connection, "dedup_fresh", rows):
        connection.execute(
            """
            INSERT INTO duplicates (article_id, duplicate_of, method, similarity, detected_at, matched_with)
            SELECT article_id, duplicate_of, method, similarity, now(), matched_with FROM dedup_fresh
            """
        )
    links = {
        "article_id": pa.array(members, pa.string()),
        "duplicate_of": pa.array([desired.get(member, (None,))[0] for member in members], pa.string()),
    }
    with _registered(connection, "dedup_story_links", links):
        connection.execute(
            """
            UPDATE articles SET duplicate_of = links.duplicate_of
            FROM dedup_story_links AS links
            WHERE articles.article_id = links.article_id
              AND articles.duplicate_of IS DISTINCT FROM links.duplicate_of
            """
        )
    return len(set(stale) | set(fresh))


def _pairs_connected_to(connection: duckdb.DuckDBPyConnection, articles: set[str]) -> list[_Pair]:
    """Every stored pair in the stories (connected groups of pairs) that hold the given articles."""
    found: dict[tuple[str, str], _Pair] = {}
    seen = set(articles)
    frontier = sorted(articles)
    while frontier:
        with _registered(connection, "dedup_frontier", {"article_id": frontier}):
            rows = connection.execute(
                """
                SELECT article_id, other_article_id, method, similarity, containment FROM duplicate_pairs
                WHERE article_id IN (SELECT article_id FROM dedup_frontier)
                   OR other_article_id IN (SELECT article_id FROM dedup_frontier)
                """
            ).fetchall()
        reached = set()
        for row in rows:
            pair = _Pair(*row)
            found[pair.key] = pair
            reached.update(pair.key)
        frontier = sorted(reached - seen)
        seen |= reached
    return sorted(found.values(), key=lambda pair: pair.key)


def _duplicate_rows(
    members: Sequence[str],
    pairs: list[_Pair],
    published: dict[str, int | None],
    named_canonical: set[str],
) -> dict[str, tuple[str, str, float, str]]:
    """article_id → (duplicate_of, method, similarity, matched_with) for every copy but the first."""
    parent = {member: member for member in members}

    def root(article_id: str) -> str:
        while parent[article_id] != article_id:
            parent[article_id] = parent[parent[article_id]]
            article_id = parent[article_id]
        return article_id

    for pair in pairs:
        parent[root(pair.article_id)] = root(pair.other_article_id)
    stories: dict[str, list[str]] = {}
    for member in members:
        stories.setdefault(root(member), []).append(member)

    def first_published(article_id: str) -> tuple[bool, int, bool, str]:
        # Undated articles come last. An AMP or print page carries its article's date, so on
        # equal dates the page the others name canonical wins, then the smaller article_id.
        when = published.get(article_id)
        return when is None, when or 0, article_id not in named_canonical, article_id

    by_key = {pair.key: pair for pair in pairs}
    best: dict[str, _Pair] = {}
    for pair in pairs:
        for article_id in pair.key:
            held = best.get(article_id)
            if held is None or _strength(pair) < _strength(held):
                best[article_id] = pair
    rows = {}
    for copies in stories.values():
        first = min(copies, key=first_published)
        for article_id in copies:
            if article_id == first:
                continue
            pair = best[article_id]
            other = pair.other_article_id if pair.article_id == article_id else pair.article_id
            # The row describes the article against its first copy whenever the two were
            # linked directly; only otherwise does it name the copy that brought it in.
            direct = by_key.get((min(article_id, first), max(article_id, first)))
            if direct is not None:
                pair, other = direct, first
            rows[article_id] = (first, pair.method, pair.similarity, other)
    return rows


def _strength(pair: _Pair) -> tuple[int, float, str, str]:
    return METHOD_RANK[pair.method], -pair.similarity, pair.article_id, pair.other_article_id
