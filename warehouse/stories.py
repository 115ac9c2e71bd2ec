"""Stories: the connected groups of verified pairs, and which copy of each was published first.

The dedup stage calls relink_stories with the articles it touched; only their stories are read
and rewritten, so a night costs its own articles' stories, not every story in the warehouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.lookup import registered as _registered
from warehouse.lookup import rows_of

# Strongest evidence first: a pair found by several methods keeps the first.
METHOD_RANK = {"url": 0, "exact": 1, "near": 2}


@dataclass(frozen=True, slots=True)
class Pair:
    """A verified pair of copies, as duplicate_pairs stores it (article_id < other_article_id)."""

    article_id: str
    other_article_id: str
    method: str
    similarity: float
    containment: float

    @property
    def key(self) -> tuple[str, str]:
        return self.article_id, self.other_article_id


def relink_stories(connection: duckdb.DuckDBPyConnection, touched: set[str]) -> int:
    """Rebuild the stories the touched articles belong to; returns how many duplicates rows changed."""
    pairs = _pairs_connected_to(connection, touched)
    members = sorted(set(touched) | {article_id for pair in pairs for article_id in pair.key})
    with (
        _registered(connection, "dedup_members", {"article_id": members}),
        rows_of(connection, "articles", "article_id", members, "dedup_member_articles"),
    ):
        # Microseconds rather than TIMESTAMPTZ: converting thousands of zoned timestamps to
        # Python is slow, and only their order matters here.
        dates = connection.execute(
            """
            SELECT article_id, epoch_us(published_at),
                   url IN (SELECT canonical_url FROM dedup_member_articles WHERE canonical_url IS NOT NULL)
            FROM dedup_member_articles
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


def _pairs_connected_to(connection: duckdb.DuckDBPyConnection, articles: set[str]) -> list[Pair]:
    """Every stored pair in the stories (connected groups of pairs) that hold the given articles."""
    found: dict[tuple[str, str], Pair] = {}
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
            pair = Pair(*row)
            found[pair.key] = pair
            reached.update(pair.key)
        frontier = sorted(reached - seen)
        seen |= reached
    return sorted(found.values(), key=lambda pair: pair.key)


def _duplicate_rows(
    members: Sequence[str],
    pairs: list[Pair],
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
    best: dict[str, Pair] = {}
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


def _strength(pair: Pair) -> tuple[int, float, str, str]:
    return METHOD_RANK[pair.method], -pair.similarity, pair.article_id, pair.other_article_id
