"""Full-text search over stories that works for Vietnamese, built into the published warehouse.

Documents and queries go through the same SQL macro, tone_key(text): NFC, lower case, invisible
characters dropped, and one tone-mark placement for open oa/oe/uy syllables (hoà → hòa,
khoẻ → khỏe, thuỷ → thủy), the placement transforms.text.comparison_key uses. Being SQL, it
normalises queries too, so `SELECT * FROM search_articles('Hoà Bình')` needs no Python.
Readers load the fts extension before searching (warehouse.connection.load_full_text_search).
"""

from __future__ import annotations

import unicodedata

import duckdb

from warehouse.connection import load_full_text_search

TONE_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # huyền, sắc, ngã, hỏi, nặng
# Open two-vowel syllables whose tone mark is written on either vowel in the wild.
MOVABLE_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))
# Zero-width and soft-hyphen characters CMS editors paste inside words.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
TOKEN_SEPARATORS = r"[^\p{L}\p{N}]+"
SNIPPET_LENGTH = 200
SNIPPET_LEAD_IN = 60


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


_SEARCH_DOCUMENTS = """
CREATE OR REPLACE TABLE search_documents AS
SELECT article_id, tone_key(title) AS title, tone_key(lead) AS lead, tone_key(body) AS body
FROM articles
WHERE duplicate_of IS NULL;
COMMENT ON TABLE search_documents IS 'One row per story (article with duplicate_of NULL): its title, lead and body as tone_key() search keys, indexed for full-text search by search_articles().';
COMMENT ON COLUMN search_documents.article_id IS 'The story''s article (articles.article_id).';
COMMENT ON COLUMN search_documents.title IS 'tone_key(articles.title).';
COMMENT ON COLUMN search_documents.lead IS 'tone_key(articles.lead).';
COMMENT ON COLUMN search_documents.body IS 'tone_key(articles.body); a position here is the same position in the body, short of dropped invisible characters.';
"""

_SEARCH_MACRO = f"""
CREATE OR REPLACE MACRO search_articles(query) AS TABLE
WITH terms AS (
    SELECT list_filter(string_split_regex(tone_key(query), '{TOKEN_SEPARATORS}'), term -> term <> '')
        AS terms
),
matches AS (
    SELECT article_id, body AS body_key,
           fts_main_search_documents.match_bm25(article_id, tone_key(query)) AS score
    FROM search_documents
)
SELECT
    articles.article_id,
    articles.site,
    articles.title,
    articles.published_at,
    matches.score,
    substring(
        articles.body,
        greatest(1, coalesce(list_min(list_filter(
            list_transform(terms.terms, term -> instr(matches.body_key, term)), found -> found > 0
        )), 1) - {SNIPPET_LEAD_IN}),
        {SNIPPET_LENGTH}
    ) AS snippet
FROM matches
CROSS JOIN terms
JOIN articles USING (article_id)
WHERE matches.score IS NOT NULL AND articles.duplicate_of IS NULL
ORDER BY matches.score DESC, articles.published_at DESC NULLS LAST, articles.article_id
"""

_MACRO_COMMENTS = """
COMMENT ON MACRO tone_key IS 'tone_key(text): the search key of documents and queries: NFC, lower case, zero-width characters and soft hyphens dropped, the tone of open oa/oe/uy syllables on the first vowel (hoà → hòa).';
COMMENT ON MACRO TABLE search_articles IS 'search_articles(query): stories (articles with duplicate_of NULL) matching any word of the query in title, lead or body, best BM25 score first: article_id, site, title, published_at, score, a 200-character snippet of the body. Run LOAD fts first. Results come from the published file as your process opened it: a process keeps that snapshot, even in connections it opens later, until it has closed every connection to the file.';
"""


def build_search_index(connection: duckdb.DuckDBPyConnection) -> int:
    """(Re)build tone_key, search_documents, its fts index and search_articles(query); returns stories indexed."""
    load_full_text_search(connection)
    connection.execute(tone_key_macro())
    connection.execute(_SEARCH_DOCUMENTS)
    # Vietnamese words are single syllables between spaces: no stemmer, no stop words, accents
    # kept (they carry meaning: ma, má, mà, mả, mã, mạ), letters and digits of any script are tokens.
    connection.execute(
        f"""
        PRAGMA create_fts_index('search_documents', 'article_id', 'title', 'lead', 'body',
            stemmer = 'none', stopwords = 'none', strip_accents = 0, lower = 1,
            ignore = '{TOKEN_SEPARATORS}', overwrite = 1)
        """
    )
    connection.execute(_SEARCH_MACRO)
    connection.execute(_MACRO_COMMENTS)
    return connection.execute("SELECT count(*) FROM search_documents").fetchone()[0]
