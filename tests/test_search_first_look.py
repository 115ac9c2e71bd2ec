"""search_articles looks at its best candidates for the whole-query phrase first: never a different answer.

A corpus of bench.search's synthetic stories, where most queries match hundreds of articles,
so both ways through search_articles run: the first 500 candidates settle the results, or the
other 1,500 are looked at too. Each query must return exactly what the macro returns when it
looks at all 2,000 at once.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.pages import SITE, PageGenerator
from bench.search import QUERIES, store_stories
from warehouse.connection import connect
from warehouse.schema import migrate
from warehouse.search import FIRST_LOOK_CANDIDATES, refresh_search_index, search_macro

STORIES = 600


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path_factory.mktemp("first-look") / "warehouse.duckdb")
    migrate(connection)
    connection.execute(
        "INSERT INTO sources (site, name, province, base_url, mirror, site_file, updated_at) VALUES (?, 'Báo Quảng Ninh', 'Quảng Ninh', 'https://baoquangninh.vn', true, NULL, now())",
        [SITE],
    )
    store_stories(connection, PageGenerator(seed=11), 0, STORIES)
    refresh_search_index(connection)
    return connection


def _answers(connection: duckdb.DuckDBPyConnection, macro: str, query: str, options: str) -> list[tuple]:
    connection.execute(macro)
    return connection.execute(f"SELECT * FROM search_articles($query{options})", {"query": query}).fetchall()


@pytest.mark.slow
@pytest.mark.parametrize(
    "options", ["", ", max_results := 10", ", all_copies := true", ", max_results := 400", ", province := 'Quang Ninh'"]
)
def test_looking_first_at_the_best_candidates_changes_no_answer(
    corpus: duckdb.DuckDBPyConnection, options: str
) -> None:
    many = 0
    for query in QUERIES:
        reference = _answers(corpus, search_macro(first_look=0), query, options)
        answered = _answers(corpus, search_macro(), query, options)
        assert answered == reference, query
        many += len(reference) >= 10
    # The corpus is one where queries match many stories, or the test would prove nothing.
    assert many >= len(QUERIES) // 2


def test_a_first_look_outside_its_lookup_groups_is_refused() -> None:
    with pytest.raises(ValueError, match="first_look"):
        search_macro(first_look=FIRST_LOOK_CANDIDATES + 1)
