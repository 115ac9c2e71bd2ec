"""Search that finds what analysts mean, kept up to date article by article in the published copy.

The index is three tables of the published file: search_documents (one row per indexed
article: its document length and its words as " word word … " strings for phrases and
snippets), search_postings (one row per word of a document, with its field-weighted count and
the fields it stands in) and search_terms (every word indexed, with its accent-folded form).
refresh_search_index() compares each article's witness (a hash of its title, lead, captions,
body hash and parse time) with the one its document was made from and re-indexes only the
articles that changed, so a night costs what it brought; BM25's statistics (documents, average
length, document frequency) are computed from the live tables at query time, so they are never
stale. DuckDB's fts extension cannot update an index, hence this one.

Queries go through search_articles(query, …), a SQL table macro, so the DuckDB shell needs no
Python: all words required, "quoted phrases", OR between words, -excluded words; a word typed
without accents also matches its accented forms, ranked below exact matches. Documents and
queries share tone_key(text): NFC, lower case, invisible characters dropped, one tone-mark
placement for open oa/oe/uy syllables (hoà → hòa), as transforms.text.tone_key.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from transforms import search_text
from transforms.search_text import INVISIBLE, OFFSET_EVERY, WORD_PATTERN, index_text
from warehouse.connection import transaction

TONE_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # huyền, sắc, ngã, hỏi, nặng
# Open two-vowel syllables whose tone mark is written on either vowel in the wild.
MOVABLE_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))
WORD = r"[\p{L}\p{N}]+"
INDEX_BATCH = 2_000
# BM25's usual constants; a word typed without accents that matches an accented one counts this much.
BM25_K1 = 1.2
BM25_B = 0.75
FOLDED_MATCH = 0.5
# A story holding the whole query as a phrase ranks above one with the words apart.
PHRASE_BONUS = 2.0
FOLDED_PHRASE_BONUS = 1.5
# Candidates, by BM25 alone, that are checked for the whole-query phrase bonus.
PHRASE_BONUS_CANDIDATES = 2_000
SNIPPET_WORDS_BEFORE = 12
SNIPPET_WORDS_AFTER = 24
# Text cut from the kept offset before a snippet's first word: room for up to 15 + 12 + 24 words.
SNIPPET_WINDOW_CHARACTERS = 800
SEARCH_TABLES = ("search_documents", "search_postings", "search_terms")


def tone_moves() -> list[tuple[str, str]]:
    """(regular expression, replacement) pairs that put the tone on the first vowel of oa/oe/uy."""
    moves = []
    for first, second in MOVABLE_PAIRS:
        for mark in TONE_MARKS:
            written_late = first + unicodedata.normalize("NFC", second + mark)
            written_early = unicodedata.normalize("NFC", first + mark) + second
            # Only at the end of a syllable: in a closed one (hoàng, toán) the tone is on the
            # second vowel in every spelling; after q the u belongs to the initial (quý).
            if first == "u":
                moves.append((f"([^q]|^){written_late}(\\P{{L}}|$)", f"\\1{written_early}\\2"))
            else:
                moves.append((f"{written_late}(\\P{{L}}|$)", f"{written_early}\\1"))
    return moves


def tone_key_macro() -> str:
    """CREATE MACRO statement of tone_key(text), the search key of documents and queries."""
    expression = f"lower(nfc_normalize(regexp_replace(text, '[{INVISIBLE}]', '', 'g')))"
    for pattern, replacement in tone_moves():
        expression = f"regexp_replace({expression}, '{pattern}', '{replacement}', 'g')"
    return f"CREATE OR REPLACE MACRO tone_key(text) AS {expression}"


FOLD_MACRO = "CREATE OR REPLACE MACRO accent_fold(text) AS replace(strip_accents(text), 'đ', 'd')"


def search_words_macros() -> list[str]:
    """CREATE MACRO statements of tone_word(word) and search_words(text), the SQL twin of transforms.search_text.

    tone_key() runs fifteen Unicode regular expressions, whose compilation alone costs about
    100 ms a query; on a text already cut into words the tone moves are a lookup of the last two
    letters.
    """
    moves = {}
    for first, second in MOVABLE_PAIRS:
        for mark in TONE_MARKS:
            moves[first + unicodedata.normalize("NFC", second + mark)] = unicodedata.normalize("NFC", first + mark) + second
    table = "MAP {" + ", ".join(f"'{late}': '{early}'" for late, early in moves.items()) + "}"
    return [
        f"""
        CREATE OR REPLACE MACRO tone_word(word) AS CASE
            WHEN map_contains({table}, right(word, 2))
                 -- after q the u of uy belongs to the initial (quý): its tone stays.
                 AND NOT (starts_with(right(word, 2), 'u') AND starts_with(right(word, 3), 'q'))
            THEN left(word, length(word) - 2) || map_extract_value({table}, right(word, 2))
            ELSE word
        END
        """,
        f"""
        CREATE OR REPLACE MACRO search_words(text) AS list_transform(
            regexp_extract_all(lower(nfc_normalize(regexp_replace(text, '[{INVISIBLE}]', '', 'g'))), '{WORD}'),
            lambda word: tone_word(word)
        )
        """,
    ]

_TABLES = """
CREATE TABLE IF NOT EXISTS search_documents (
    doc INTEGER NOT NULL,
    article_id VARCHAR NOT NULL,
    witness UBIGINT NOT NULL,
    length INTEGER NOT NULL,
    title_words VARCHAR NOT NULL,
    text_words VARCHAR NOT NULL,
    title_folded VARCHAR NOT NULL,
    text_folded VARCHAR NOT NULL,
    word_offsets INTEGER[] NOT NULL
);
COMMENT ON TABLE search_documents IS 'Search index: one row per indexed article (every article, copies too; search_articles folds copies into stories).';
COMMENT ON COLUMN search_documents.doc IS 'Document number, the key search_postings refers to; a re-indexed article gets a new one.';
COMMENT ON COLUMN search_documents.article_id IS 'The article indexed (articles.article_id).';
COMMENT ON COLUMN search_documents.witness IS 'Hash of the article''s title, lead, captions, content_sha256 and parsed_at when indexed; a different hash now means the article is indexed again.';
COMMENT ON COLUMN search_documents.length IS 'Search words in title, lead, body and captions: the document length of BM25.';
COMMENT ON COLUMN search_documents.title_words IS 'The title''s search words (tone_key, letters and digits) as " word word … ", for phrase matches.';
COMMENT ON COLUMN search_documents.text_words IS 'Search words of lead, body and captions in that order as " word word … ", for phrase matches and for placing snippets.';
COMMENT ON COLUMN search_documents.title_folded IS 'accent_fold(title_words), for queries typed without accents.';
COMMENT ON COLUMN search_documents.text_folded IS 'accent_fold(text_words), for queries typed without accents.';
COMMENT ON COLUMN search_documents.word_offsets IS 'Character offsets (from 0) in lead, body and captions joined by blank lines of words 1, 17, 33 … (one every 16): where a snippet''s text is cut from without splitting the whole text into words.';

CREATE TABLE IF NOT EXISTS search_postings (
    term VARCHAR NOT NULL,
    doc INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    fields UTINYINT NOT NULL
);
COMMENT ON TABLE search_postings IS 'Search index: one row per distinct search word of a document, appended in word order per batch.';
COMMENT ON COLUMN search_postings.term IS 'The search word (search_terms.term).';
COMMENT ON COLUMN search_postings.doc IS 'Document it stands in (search_documents.doc).';
COMMENT ON COLUMN search_postings.weight IS 'Occurrences weighted by field: 3 in the title, 2 in the lead, 1 in the body or a caption.';
COMMENT ON COLUMN search_postings.fields IS 'Fields the word stands in, as bits: 1 title, 2 lead, 4 body, 8 caption.';

CREATE TABLE IF NOT EXISTS search_terms (
    term VARCHAR NOT NULL,
    folded VARCHAR NOT NULL
);
COMMENT ON TABLE search_terms IS 'Search index: every search word ever indexed, with its form without accents, so a query typed without accents finds its accented words.';
COMMENT ON COLUMN search_terms.term IS 'A search word as tone_key() writes it.';
COMMENT ON COLUMN search_terms.folded IS 'accent_fold(term): accents and tone marks removed, đ as d.';
"""

# The witness of every article as it stands now: what its search document must have been made from.
_WITNESSES = """
SELECT articles.article_id, articles.rowid AS article_row,
       hash(articles.title, articles.lead, articles.content_sha256, articles.parsed_at,
            coalesce(caption_hashes.captions, 0)) AS witness
FROM articles
LEFT JOIN (
    SELECT article_id, bit_xor(hash(position, text)) AS captions FROM captions GROUP BY article_id
) AS caption_hashes USING (article_id)
"""

_MACRO_COMMENTS = """
COMMENT ON MACRO tone_key IS 'tone_key(text): NFC, lower case, zero-width characters and soft hyphens dropped, the tone of open oa/oe/uy syllables on the first vowel (hoà → hòa): the form search words are kept in.';
COMMENT ON MACRO accent_fold IS 'accent_fold(text): text without accents or tone marks, đ as d; how a query word typed without accents is matched.';
COMMENT ON MACRO tone_word IS 'tone_word(word): tone_key of one lower-case word, by its last two letters.';
COMMENT ON MACRO search_words IS 'search_words(text): the search words of a text as the index cuts them (letters and digits, invisible characters dropped, tone_key form).';
COMMENT ON MACRO TABLE search_articles IS 'search_articles(query, site, province, date_from, date_to, all_copies, max_results): stories matching the query, best first. Every word required; "quoted phrases"; OR between two words or phrases; -word or -"phrase" excluded; a word typed without accents also matches its accented forms, ranked lower. Title, lead, body and captions are searched. One row per story (all_copies := true: per article), at most max_results (100). Columns: story_id, article_id, url, site, province, published_at, title, score (BM25, title x3, lead x2), matched_in, copies, snippet (the match marked «…»). Results come from the published file as your process opened it: a process keeps that snapshot, even in connections it opens later, until it has closed every connection to the file.';
"""


def search_code_digest() -> str:
    """Digest of what the index's rows depend on (its tables, witnesses and words); other rows are rebuilt."""
    digest = hashlib.sha256()
    for part in (_TABLES, _WITNESSES, Path(search_text.__file__).read_text(encoding="utf-8")):
        digest.update(part.encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class SearchRefresh:
    """What one refresh of the search index did."""

    indexed: int  # articles (re-)indexed
    removed: int  # documents dropped: articles gone or changed
    documents: int  # documents in the index after the refresh


def _index_is_current(connection: duckdb.DuckDBPyConnection, code_digest: str) -> bool:
    tables = {
        name
        for (name,) in connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
        ).fetchall()
    }
    if not set(SEARCH_TABLES) <= tables or "search_index_code" not in tables:
        return False
    recorded = connection.execute("SELECT max(digest) FROM search_index_code").fetchone()[0]
    return recorded == code_digest


def _drop_index(connection: duckdb.DuckDBPyConnection) -> None:
    # Also the fts extension's index of earlier versions, which lived in its own schema.
    connection.execute("DROP SCHEMA IF EXISTS fts_main_search_documents CASCADE")
    for table in (*SEARCH_TABLES, "search_index_code"):
        connection.execute(f"DROP TABLE IF EXISTS {table}")


def refresh_search_index(connection: duckdb.DuckDBPyConnection) -> SearchRefresh:
    """Bring the search index up to the articles and captions of this database, article by article."""
    code_digest = search_code_digest()
    if not _index_is_current(connection, code_digest):
        _drop_index(connection)
        connection.execute(_TABLES)
        connection.execute("CREATE TABLE search_index_code (digest VARCHAR NOT NULL)")
        connection.execute(
            "COMMENT ON TABLE search_index_code IS 'Digest of the code the search index was built with; "
            "an index built by other code is rebuilt from scratch.'"
        )
        connection.execute(
            "COMMENT ON COLUMN search_index_code.digest IS 'SHA-256 of the index''s table definitions, its witness query and transforms/search_text.py.'"
        )
        connection.execute("INSERT INTO search_index_code VALUES (?)", [code_digest])
    for macro in (tone_key_macro(), FOLD_MACRO, *search_words_macros()):
        connection.execute(macro)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE search_witnesses AS {_WITNESSES}")
    # A transaction per step, not one for all: a batch's documents, postings and words land
    # together, and a refresh cut short leaves documents whose witnesses match, which the next
    # refresh keeps; one transaction for a first index of 100,000 articles held 3 GB.
    try:
        with transaction(connection):
            connection.execute(
                """
                CREATE OR REPLACE TEMP TABLE search_stale AS
                SELECT doc FROM search_documents
                ANTI JOIN search_witnesses USING (article_id, witness)
                """
            )
            removed = connection.execute("SELECT count(*) FROM search_stale").fetchone()[0]
            if removed:
                connection.execute("DELETE FROM search_postings WHERE doc IN (SELECT doc FROM search_stale)")
                connection.execute("DELETE FROM search_documents WHERE doc IN (SELECT doc FROM search_stale)")
        # In storage order: a batch reads the row groups of its own articles, not every body.
        pending = connection.execute(
            """
            SELECT article_id, article_row FROM search_witnesses
            ANTI JOIN search_documents USING (article_id, witness)
            ORDER BY article_row
            """
        ).fetchall()
        next_doc = connection.execute("SELECT coalesce(max(doc), 0) + 1 FROM search_documents").fetchone()[0]
        for start in range(0, len(pending), INDEX_BATCH):
            with transaction(connection):
                next_doc = _index_batch(connection, pending[start : start + INDEX_BATCH], next_doc)
    finally:
        connection.execute("DROP TABLE IF EXISTS search_stale")
        connection.execute("DROP TABLE IF EXISTS search_witnesses")
    connection.execute(search_macro())
    connection.execute(_MACRO_COMMENTS)
    documents = connection.execute("SELECT count(*) FROM search_documents").fetchone()[0]
    return SearchRefresh(indexed=len(pending), removed=removed, documents=documents)


def _articles_to_index(connection: duckdb.DuckDBPyConnection, articles: list[tuple[str, int]]) -> Iterator[tuple]:
    batch = pa.table({"article_id": pa.array([article_id for article_id, _ in articles], pa.string())})
    first_row, last_row = articles[0][1], articles[-1][1]
    connection.register("search_batch", batch)
    try:
        yield from connection.execute(
            """
            SELECT articles.article_id, search_witnesses.witness, articles.title, articles.lead, articles.body,
                   coalesce(caption_texts.texts, [])
            FROM (SELECT * FROM articles WHERE rowid BETWEEN $first AND $last) AS articles
            JOIN search_batch USING (article_id)
            JOIN search_witnesses USING (article_id)
            LEFT JOIN (
                SELECT article_id, list(text ORDER BY position) AS texts FROM captions
                WHERE article_id IN (SELECT article_id FROM search_batch)
                GROUP BY article_id
            ) AS caption_texts USING (article_id)
            ORDER BY articles.article_id
            """,
            {"first": first_row, "last": last_row},
        ).fetchall()
    finally:
        connection.unregister("search_batch")


def _index_batch(connection: duckdb.DuckDBPyConnection, articles: list[tuple[str, int]], next_doc: int) -> int:
    names = ("doc", "article_id", "witness", "length", "title_words", "text_words", "title_folded", "text_folded", "word_offsets")
    documents: dict[str, list] = {name: [] for name in names}
    postings: dict[str, list] = {"term": [], "doc": [], "weight": [], "fields": []}
    for article_id, witness, title, lead, body, captions in _articles_to_index(connection, articles):
        indexed = index_text(title, lead, body, captions)
        doc = next_doc
        next_doc += 1
        values = (
            doc, article_id, witness, indexed.length, indexed.title_words, indexed.text_words,
            indexed.title_folded, indexed.text_folded, indexed.word_offsets,
        )
        for name, value in zip(names, values):
            documents[name].append(value)
        for term, weight in indexed.weights.items():
            postings["term"].append(term)
            postings["doc"].append(doc)
            postings["weight"].append(weight)
            postings["fields"].append(indexed.fields[term])
    document_table = pa.table(
        documents,
        schema=pa.schema(
            [("doc", pa.int32()), ("article_id", pa.string()), ("witness", pa.uint64()), ("length", pa.int32()),
             ("title_words", pa.string()), ("text_words", pa.string()), ("title_folded", pa.string()),
             ("text_folded", pa.string()), ("word_offsets", pa.list_(pa.int32()))]
        ),
    )
    posting_table = pa.table(
        postings,
        schema=pa.schema([("term", pa.string()), ("doc", pa.int32()), ("weight", pa.int32()), ("fields", pa.uint8())]),
    )
    connection.register("search_new_documents", document_table)
    connection.register("search_new_postings", posting_table)
    try:
        connection.execute("INSERT INTO search_documents SELECT * FROM search_new_documents")
        # In word order, so that each row group holds few words and a query's words skip the rest.
        connection.execute("INSERT INTO search_postings SELECT * FROM search_new_postings ORDER BY term, doc")
        connection.execute(
            """
            INSERT INTO search_terms
            SELECT DISTINCT term, accent_fold(term) FROM search_new_postings
            WHERE term NOT IN (SELECT term FROM search_terms)
            """
        )
    finally:
        connection.unregister("search_new_documents")
        connection.unregister("search_new_postings")
    return next_doc


def build_search_index(connection: duckdb.DuckDBPyConnection) -> int:
    """Create or bring up to date the search index and search_articles(); returns documents indexed."""
    return refresh_search_index(connection).documents


def search_macro() -> str:
    """CREATE MACRO statement of search_articles(query, …)."""
    return (Path(__file__).with_name("search_articles.sql")).read_text(encoding="utf-8").format(
        word=WORD,
        k1=BM25_K1,
        b=BM25_B,
        folded_match=FOLDED_MATCH,
        phrase_bonus=PHRASE_BONUS,
        folded_phrase_bonus=FOLDED_PHRASE_BONUS,
        phrase_bonus_candidates=PHRASE_BONUS_CANDIDATES,
        invisible=INVISIBLE,
        text_word=WORD_PATTERN,
        offset_every=OFFSET_EVERY,
        window=SNIPPET_WINDOW_CHARACTERS,
        before=SNIPPET_WORDS_BEFORE,
        after=SNIPPET_WORDS_AFTER,
    )
