"""docs/dictionary.md says what a fresh warehouse says about itself, and the warehouse documents everything."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.dictionary import DICTIONARY, fresh_dictionary, fresh_published_warehouse, undocumented


@pytest.fixture(scope="module")
def fresh() -> tuple[str, list[str]]:
    return fresh_dictionary()


def test_every_table_view_column_and_macro_of_a_fresh_warehouse_has_a_comment(fresh: tuple[str, list[str]]) -> None:
    assert fresh[1] == [], "add COMMENT ON where these are created, then run `make dictionary`"


def test_docs_dictionary_is_what_a_fresh_warehouse_says(fresh: tuple[str, list[str]]) -> None:
    assert DICTIONARY.read_text(encoding="utf-8") == fresh[0], "docs/dictionary.md is stale: run `make dictionary`"


def test_a_column_without_comment_is_reported(tmp_path: Path) -> None:
    published = fresh_published_warehouse(tmp_path)
    with duckdb.connect(str(published)) as connection:
        connection.execute("ALTER TABLE facts ADD COLUMN mystery INTEGER")
        connection.execute("CREATE MACRO twice(x) AS x * 2")
        assert undocumented(connection) == ["column facts.mystery", "macro main.twice"]


def test_the_dictionary_names_the_publish_state_and_the_search_macros(fresh: tuple[str, list[str]]) -> None:
    text = fresh[0]
    assert "### `provnews_publish.digests` (table)" in text
    assert "| `tone_key` | scalar | `text` |" in text
    assert "**undocumented**" not in text
