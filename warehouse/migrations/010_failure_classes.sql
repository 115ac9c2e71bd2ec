-- 010: what a failure was (its error class), what parse dropped or cut from a page, failures of
-- one article in dedup and facts, and the rows the checks held back from publication.

ALTER TABLE parse_failures ADD COLUMN error_class VARCHAR;
COMMENT ON COLUMN parse_failures.error_class IS 'Kind of failure: NotAnArticle (not HTML, no title, no text), PageTooDeep or another refusal of a page that would cost too much, or the Python exception class (TypeError, RecursionError, MemoryError, …) of an error met while parsing this one page.';

ALTER TABLE articles ADD COLUMN parse_notes VARCHAR[];
COMMENT ON COLUMN articles.parse_notes IS 'What parse dropped or cut from the page, one line each: a publication date that cannot be true (before 1990, more than a day after the fetch, an impossible offset) and was left NULL, text cut at the length limit; NULL when nothing was.';

ALTER TABLE articles ADD COLUMN text_truncated BOOLEAN;
COMMENT ON COLUMN articles.text_truncated IS 'True when the article text was longer than the limit per article (300,000 characters) and was cut there; the page in landing keeps all of it.';

CREATE TABLE article_failures (
    article_id VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    error_class VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, stage)
);
COMMENT ON TABLE article_failures IS 'One row per article that a stage after parse (facts, dedup) could not process; the stage went on with the other articles. Replaced when the stage processes the article again.';
COMMENT ON COLUMN article_failures.article_id IS 'Article that failed (articles.article_id).';
COMMENT ON COLUMN article_failures.stage IS 'Stage that failed on it: facts or dedup.';
COMMENT ON COLUMN article_failures.error_class IS 'Python exception class of the error (TypeError, RecursionError, MemoryError, …).';
COMMENT ON COLUMN article_failures.message IS 'The error in one line, at most 200 characters.';
COMMENT ON COLUMN article_failures.failed_at IS 'When the stage failed on the article.';

CREATE TABLE held_back (
    check_name VARCHAR NOT NULL,
    row_kind VARCHAR NOT NULL,
    row_id VARCHAR NOT NULL,
    site VARCHAR,
    held_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (check_name, row_kind, row_id)
);
COMMENT ON TABLE held_back IS 'Rows the last data-quality check held back from the published warehouse (the rest was published); rewritten by every check stage. A check that shows the warehouse itself broken holds nothing back: it stops publish.';
COMMENT ON COLUMN held_back.check_name IS 'Check that found the row (a file name in warehouse/checks/ without .sql).';
COMMENT ON COLUMN held_back.row_kind IS 'What is held back: article (with its captions, facts and duplicate links) or fact.';
COMMENT ON COLUMN held_back.row_id IS 'articles.article_id or facts.fact_id of the row held back.';
COMMENT ON COLUMN held_back.site IS 'Site of the row (sources.site).';
COMMENT ON COLUMN held_back.held_at IS 'When the check held the row back.';

-- Dates that cannot be true, stored before parse refused them, would break whatever reads them
-- (a year 0 has no Python or Arrow value); they are dropped here the way parse drops them now.
UPDATE articles
SET parse_notes = list_append(
        coalesce(parse_notes, []),
        'published date ' || CAST(published_at AS VARCHAR) || ' dropped: '
        || CASE WHEN published_at < TIMESTAMPTZ '1990-01-01 00:00:00+00' THEN 'before 1990'
                ELSE 'more than a day after the page was fetched' END),
    published_at = NULL
WHERE published_at < TIMESTAMPTZ '1990-01-01 00:00:00+00'
   OR published_at > last_seen_at + INTERVAL 1 DAY;
