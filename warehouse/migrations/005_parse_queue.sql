-- 005: parse_queue, the pending pages the parse stage listed once and parses chunk by chunk.

CREATE TABLE parse_queue (
    landing_file VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    page_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    final_url VARCHAR,
    fetched_at TIMESTAMPTZ NOT NULL,
    content_type VARCHAR
);
COMMENT ON TABLE parse_queue IS 'Pages the parse stage has still to parse: listed once when the stage starts, each chunk''s pages deleted once the chunk is stored; empty between runs. Each chunk reads its pages here rather than working out the pending pages again from every page in the warehouse.';
COMMENT ON COLUMN parse_queue.landing_file IS 'Landing Parquet file holding the raw page (pages.landing_file); with url, the order pages are parsed in.';
COMMENT ON COLUMN parse_queue.url IS 'Address of the page (pages.url).';
COMMENT ON COLUMN parse_queue.page_id IS 'Page to parse (pages.page_id).';
COMMENT ON COLUMN parse_queue.run_id IS 'Run that fetched the page (crawl_runs.run_id).';
COMMENT ON COLUMN parse_queue.site IS 'Site of the page (sources.site).';
COMMENT ON COLUMN parse_queue.final_url IS 'Address after redirects (pages.final_url).';
COMMENT ON COLUMN parse_queue.fetched_at IS 'When the page was fetched (pages.fetched_at).';
COMMENT ON COLUMN parse_queue.content_type IS 'Content-Type header of the answer (pages.content_type).';
