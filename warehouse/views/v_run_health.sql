-- v_run_health: one row per crawl run, newest first: outcome, page counts, new articles,
-- duration, failure rate, parse failures and whether the run is loaded.
CREATE OR REPLACE VIEW v_run_health AS
WITH failures AS (
    SELECT run_id, count(*) AS parse_failures
    FROM parse_failures
    GROUP BY run_id
)
SELECT
    crawl_runs.run_id,
    crawl_runs.site,
    crawl_runs.status,
    crawl_runs.started_at,
    crawl_runs.finished_at,
    round(epoch(crawl_runs.finished_at) - epoch(crawl_runs.started_at), 1) AS duration_seconds,
    crawl_runs.pages_fetched,
    crawl_runs.pages_failed,
    crawl_runs.pages_not_modified,
    crawl_runs.articles_new,
    coalesce(failures.parse_failures, 0) AS parse_failures,
    round(
        crawl_runs.pages_failed
        / nullif(crawl_runs.pages_fetched + crawl_runs.pages_failed + crawl_runs.pages_not_modified, 0),
        4
    ) AS failure_rate,
    crawl_runs.loaded_at IS NOT NULL AS loaded,
    crawl_runs.finish_reason,
    crawl_runs.error
FROM crawl_runs
LEFT JOIN failures USING (run_id)
ORDER BY crawl_runs.started_at DESC, crawl_runs.run_id;

COMMENT ON VIEW v_run_health IS 'One row per crawl run, newest first: how it went and whether it is loaded.';
COMMENT ON COLUMN v_run_health.run_id IS 'Run key (crawl_runs.run_id).';
COMMENT ON COLUMN v_run_health.site IS 'Site crawled.';
COMMENT ON COLUMN v_run_health.status IS 'success, partial, failed or running.';
COMMENT ON COLUMN v_run_health.started_at IS 'When the crawl started.';
COMMENT ON COLUMN v_run_health.finished_at IS 'When the crawl ended; NULL if it never did.';
COMMENT ON COLUMN v_run_health.duration_seconds IS 'Seconds from start to end; NULL if it never ended.';
COMMENT ON COLUMN v_run_health.pages_fetched IS 'Pages downloaded with a 2xx answer.';
COMMENT ON COLUMN v_run_health.pages_failed IS 'Pages that ended in an HTTP error, a network error, a refusal or a size limit.';
COMMENT ON COLUMN v_run_health.pages_not_modified IS 'Pages answered 304 Not Modified.';
COMMENT ON COLUMN v_run_health.articles_new IS 'Article URLs seen for the first time in this run.';
COMMENT ON COLUMN v_run_health.parse_failures IS 'Article pages of the run that could not be parsed (still failing).';
COMMENT ON COLUMN v_run_health.failure_rate IS 'pages_failed over all pages tried (fetched, failed, not modified); NULL when none was tried.';
COMMENT ON COLUMN v_run_health.loaded IS 'True once the run''s landing files are in the warehouse.';
COMMENT ON COLUMN v_run_health.finish_reason IS 'Scrapy''s finish reason.';
COMMENT ON COLUMN v_run_health.error IS 'Why the run failed, in one line.';
