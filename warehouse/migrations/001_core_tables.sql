-- 001: the core tables of DESIGN.md: sources, crawl_runs, pages, articles, captions, facts, duplicates.

CREATE TABLE sources (
    site VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    province VARCHAR NOT NULL,
    base_url VARCHAR NOT NULL,
    mirror BOOLEAN NOT NULL DEFAULT false,
    site_file VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE sources IS 'One row per configured news site (one site file each).';
COMMENT ON COLUMN sources.site IS 'Site key, the site file''s name; used in every other table.';
COMMENT ON COLUMN sources.name IS 'Human name of the outlet.';
COMMENT ON COLUMN sources.province IS 'Province the outlet belongs to.';
COMMENT ON COLUMN sources.base_url IS 'Root address of the site.';
COMMENT ON COLUMN sources.mirror IS 'True for sites of the offline mirror used by demos and tests.';
COMMENT ON COLUMN sources.site_file IS 'Path of the site file the row was read from.';
COMMENT ON COLUMN sources.updated_at IS 'When the row was last written from its site file.';

CREATE TABLE crawl_runs (
    run_id VARCHAR PRIMARY KEY,
    site VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    pages_failed INTEGER NOT NULL DEFAULT 0,
    pages_not_modified INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    finish_reason VARCHAR,
    error VARCHAR,
    landing_file VARCHAR,
    log_file VARCHAR,
    stats JSON,
    loaded_at TIMESTAMPTZ
);
COMMENT ON TABLE crawl_runs IS 'One row per crawl of one site (a run), with its outcome and counts.';
COMMENT ON COLUMN crawl_runs.run_id IS 'Run key: <site>-<UTC start stamp>; also the landing file''s name.';
COMMENT ON COLUMN crawl_runs.site IS 'Site crawled (sources.site).';
COMMENT ON COLUMN crawl_runs.started_at IS 'When the crawl started.';
COMMENT ON COLUMN crawl_runs.finished_at IS 'When the crawl ended; NULL while it runs or if it died.';
COMMENT ON COLUMN crawl_runs.status IS 'success, partial (some pages failed), failed (the crawl did not finish cleanly) or running.';
COMMENT ON COLUMN crawl_runs.pages_fetched IS 'Pages downloaded with a 2xx answer.';
COMMENT ON COLUMN crawl_runs.pages_failed IS 'Pages that ended in an HTTP error, a network error, a refusal or a size limit.';
COMMENT ON COLUMN crawl_runs.pages_not_modified IS 'Pages the server answered 304 Not Modified (conditional GET).';
COMMENT ON COLUMN crawl_runs.articles_new IS 'Article URLs seen for the first time in this run.';
COMMENT ON COLUMN crawl_runs.finish_reason IS 'Scrapy''s finish reason (finished, closespider_timeout, shutdown, …).';
COMMENT ON COLUMN crawl_runs.error IS 'Why the run failed, in one line; NULL when it did not.';
COMMENT ON COLUMN crawl_runs.landing_file IS 'Parquet file holding the run''s raw pages.';
COMMENT ON COLUMN crawl_runs.log_file IS 'Scrapy''s full log of the run.';
COMMENT ON COLUMN crawl_runs.stats IS 'Scrapy''s stats at the end of the run, as JSON.';
COMMENT ON COLUMN crawl_runs.loaded_at IS 'When the run''s landing file was loaded into the warehouse.';

CREATE TABLE pages (
    page_id VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    final_url VARCHAR,
    page_kind VARCHAR NOT NULL,
    http_status INTEGER,
    fetched_at TIMESTAMPTZ NOT NULL,
    content_sha256 VARCHAR,
    content_type VARCHAR,
    content_length BIGINT,
    etag VARCHAR,
    last_modified VARCHAR,
    error VARCHAR,
    landing_file VARCHAR NOT NULL
);
COMMENT ON TABLE pages IS 'One row per page fetched (or tried) by a run. The raw HTML stays in the landing file.';
COMMENT ON COLUMN pages.page_id IS 'Page key: hash of run_id and url.';
COMMENT ON COLUMN pages.run_id IS 'Run that fetched the page (crawl_runs.run_id).';
COMMENT ON COLUMN pages.site IS 'Site of the page (sources.site).';
COMMENT ON COLUMN pages.url IS 'Address requested, canonicalised (tracking parameters removed).';
COMMENT ON COLUMN pages.final_url IS 'Address after redirects.';
COMMENT ON COLUMN pages.page_kind IS 'article, listing (category page), feed (RSS), sitemap or robots.';
COMMENT ON COLUMN pages.http_status IS 'HTTP status of the answer; NULL when no answer came (timeout, reset, refusal).';
COMMENT ON COLUMN pages.fetched_at IS 'When the answer (or the failure) came.';
COMMENT ON COLUMN pages.content_sha256 IS 'SHA-256 of the raw body bytes; NULL without a body.';
COMMENT ON COLUMN pages.content_type IS 'Content-Type header of the answer.';
COMMENT ON COLUMN pages.content_length IS 'Size of the raw body in bytes.';
COMMENT ON COLUMN pages.etag IS 'ETag header, sent back as If-None-Match on the next crawl.';
COMMENT ON COLUMN pages.last_modified IS 'Last-Modified header, sent back as If-Modified-Since on the next crawl.';
COMMENT ON COLUMN pages.error IS 'Why the fetch failed, in one line; NULL when it did not.';
COMMENT ON COLUMN pages.landing_file IS 'Landing Parquet file holding the raw body (replayable without re-crawling).';

CREATE TABLE articles (
    article_id VARCHAR PRIMARY KEY,
    site VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    canonical_url VARCHAR,
    page_id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    lead VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    published_at TIMESTAMPTZ,
    authors VARCHAR[] NOT NULL,
    section VARCHAR,
    word_count INTEGER NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    duplicate_of VARCHAR,
    extractor VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    parsed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE articles IS 'One row per distinct article URL, parsed from its latest fetched page.';
COMMENT ON COLUMN articles.article_id IS 'Article key: hash of the canonicalised URL.';
COMMENT ON COLUMN articles.site IS 'Site that published it (sources.site).';
COMMENT ON COLUMN articles.url IS 'Canonicalised address the article was fetched from.';
COMMENT ON COLUMN articles.canonical_url IS 'Address the page declares as canonical (rel=canonical), canonicalised.';
COMMENT ON COLUMN articles.page_id IS 'Page the row was parsed from (pages.page_id).';
COMMENT ON COLUMN articles.title IS 'Headline, Unicode NFC.';
COMMENT ON COLUMN articles.lead IS 'Lead paragraph (sapo), agency marker such as "TTTĐ -" kept.';
COMMENT ON COLUMN articles.body IS 'Article paragraphs and sub-headings in order, separated by blank lines; no captions, menus or related-news boxes.';
COMMENT ON COLUMN articles.published_at IS 'Publication time; Asia/Ho_Chi_Minh when the page gives no zone.';
COMMENT ON COLUMN articles.authors IS 'Author names in normal case.';
COMMENT ON COLUMN articles.section IS 'Section (category) of the site the article stands in.';
COMMENT ON COLUMN articles.word_count IS 'Words (syllables) in lead and body.';
COMMENT ON COLUMN articles.content_sha256 IS 'SHA-256 of the normalised body (NFC, new tone placement, folded spaces, captions excluded): equal hashes are exact duplicates.';
COMMENT ON COLUMN articles.duplicate_of IS 'article_id of the earliest-published copy of the same story; NULL for the original.';
COMMENT ON COLUMN articles.extractor IS 'selectors (the site file''s CSS selectors) or generic (the generic extractor).';
COMMENT ON COLUMN articles.first_seen_at IS 'First time a crawl fetched this URL.';
COMMENT ON COLUMN articles.last_seen_at IS 'Last time a crawl fetched (or confirmed unchanged) this URL.';
COMMENT ON COLUMN articles.parsed_at IS 'When the row was last parsed from its page.';

CREATE TABLE captions (
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    credit VARCHAR,
    image_url VARCHAR,
    occurrences INTEGER NOT NULL,
    PRIMARY KEY (article_id, position)
);
COMMENT ON TABLE captions IS 'One row per distinct photo caption of an article, however often the page repeated it.';
COMMENT ON COLUMN captions.article_id IS 'Article the photo belongs to (articles.article_id).';
COMMENT ON COLUMN captions.position IS 'Order of the photo in the article, from 0.';
COMMENT ON COLUMN captions.text IS 'Caption text without the photo credit.';
COMMENT ON COLUMN captions.credit IS 'Photo credit split from the caption ("Ảnh: …").';
COMMENT ON COLUMN captions.image_url IS 'Address of the photo.';
COMMENT ON COLUMN captions.occurrences IS 'How often the page repeated the caption: alt, title, figcaption, caption table cell, a following <p><em>.';

CREATE TABLE facts (
    fact_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value DOUBLE,
    denominator DOUBLE,
    unit VARCHAR,
    per_unit VARCHAR,
    subject VARCHAR,
    period VARCHAR,
    place VARCHAR,
    text VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    paragraph INTEGER,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    doc_number VARCHAR,
    doc_type VARCHAR,
    issued_on DATE,
    name VARCHAR,
    role VARCHAR,
    extractor_version VARCHAR NOT NULL
);
COMMENT ON TABLE facts IS 'One row per fact found in an article: money, percent, ratio, number, legal_ref or person.';
COMMENT ON COLUMN facts.fact_id IS 'Fact key: hash of article, source, paragraph, offsets and kind.';
COMMENT ON COLUMN facts.article_id IS 'Article the fact was found in (articles.article_id).';
COMMENT ON COLUMN facts.kind IS 'money, percent, ratio, number, legal_ref or person.';
COMMENT ON COLUMN facts.value IS 'The number: currency units for money, percent points for percent, numerator for ratio, count for number.';
COMMENT ON COLUMN facts.denominator IS 'Denominator of a ratio ("98/98 xã" gives 98).';
COMMENT ON COLUMN facts.unit IS 'VND or USD for money, % for percent, the unit noun for numbers ("hộ", "người", "km").';
COMMENT ON COLUMN facts.per_unit IS 'What a money amount is per ("người" in "2 triệu đồng/người").';
COMMENT ON COLUMN facts.subject IS 'Noun phrase the number measures ("hộ nghèo", "dịch vụ công trực tuyến").';
COMMENT ON COLUMN facts.period IS 'Period the sentence gives ("năm 2022", "giai đoạn 2016 – 2020").';
COMMENT ON COLUMN facts.place IS 'Place the sentence gives ("huyện Ba Chẽ").';
COMMENT ON COLUMN facts.text IS 'Exact surface string of the fact.';
COMMENT ON COLUMN facts.sentence IS 'Whole sentence the fact stands in.';
COMMENT ON COLUMN facts.source IS 'Where in the article: title, lead, body or caption.';
COMMENT ON COLUMN facts.paragraph IS 'Body paragraph index (source body) or caption position (source caption).';
COMMENT ON COLUMN facts.start_offset IS 'Character offset where text starts inside its title, lead, paragraph or caption.';
COMMENT ON COLUMN facts.end_offset IS 'Character offset where text ends (exclusive).';
COMMENT ON COLUMN facts.doc_number IS 'Normalised document number of a legal_ref ("06-NQ/TU").';
COMMENT ON COLUMN facts.doc_type IS 'Document type of a legal_ref (Nghị quyết, Quyết định, Kế hoạch, …).';
COMMENT ON COLUMN facts.issued_on IS 'Issue date of a legal_ref when the text gives it.';
COMMENT ON COLUMN facts.name IS 'Person''s name (kind person).';
COMMENT ON COLUMN facts.role IS 'Person''s role or title as the text gives it.';
COMMENT ON COLUMN facts.extractor_version IS 'Version of the rules that found the fact.';

CREATE TABLE duplicates (
    article_id VARCHAR PRIMARY KEY,
    duplicate_of VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    similarity DOUBLE NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE duplicates IS 'One row per article that repeats another story.';
COMMENT ON COLUMN duplicates.article_id IS 'The repeating article (articles.article_id).';
COMMENT ON COLUMN duplicates.duplicate_of IS 'The earliest-published copy of the story.';
COMMENT ON COLUMN duplicates.method IS 'url (same canonical URL), exact (same normalised body) or near (MinHash LSH, verified).';
COMMENT ON COLUMN duplicates.similarity IS 'Jaccard similarity of the two bodies'' word shingles (1.0 for url and exact).';
COMMENT ON COLUMN duplicates.detected_at IS 'When the pair was found.';
