-- 002: what the stages need to find their pending work: parse failures, fact extractions,
-- and indexes for the page lookups by URL and by run that load and parse make.

CREATE TABLE parse_failures (
    page_id VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE parse_failures IS 'One row per fetched article page that could not be turned into an article; cleared when a page of the same URL later parses.';
COMMENT ON COLUMN parse_failures.page_id IS 'Page that failed (pages.page_id).';
COMMENT ON COLUMN parse_failures.run_id IS 'Run that fetched the page (crawl_runs.run_id).';
COMMENT ON COLUMN parse_failures.site IS 'Site of the page (sources.site).';
COMMENT ON COLUMN parse_failures.url IS 'Address of the page (pages.url).';
COMMENT ON COLUMN parse_failures.reason IS 'Why parsing failed, in one line.';
COMMENT ON COLUMN parse_failures.failed_at IS 'When the parse was tried.';

CREATE TABLE fact_extractions (
    article_id VARCHAR PRIMARY KEY,
    extractor_version VARCHAR NOT NULL,
    facts INTEGER NOT NULL,
    extracted_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE fact_extractions IS 'One row per article whose facts are up to date; parsing an article again deletes its row, which makes its facts pending.';
COMMENT ON COLUMN fact_extractions.article_id IS 'Article whose facts were extracted (articles.article_id).';
COMMENT ON COLUMN fact_extractions.extractor_version IS 'Version of the fact rules that ran.';
COMMENT ON COLUMN fact_extractions.facts IS 'Number of facts found.';
COMMENT ON COLUMN fact_extractions.extracted_at IS 'When the facts were extracted.';

CREATE INDEX pages_url ON pages (url);
CREATE INDEX pages_run_id ON pages (run_id);
