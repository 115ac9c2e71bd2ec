-- v_coverage: one row per province: its configured sites, articles a day over the last 30 days,
-- and its last successful crawl.
CREATE OR REPLACE VIEW v_coverage AS
WITH recent AS (
    SELECT site, count(*) AS articles_30_days
    FROM articles
    WHERE coalesce(published_at, first_seen_at) >= now() - INTERVAL 30 DAY
      AND coalesce(published_at, first_seen_at) <= now() + INTERVAL 1 DAY
    GROUP BY site
),
crawled AS (
    SELECT site, max(finished_at) AS last_successful_crawl
    FROM crawl_runs
    WHERE status = 'success'
    GROUP BY site
)
SELECT
    sources.province_code,
    min(sources.province) AS province,
    list(sources.site ORDER BY sources.site) AS sites,
    count(*) FILTER (WHERE sources.kind = 'newspaper') AS newspaper_sites,
    count(*) FILTER (WHERE sources.kind = 'portal') AS portal_sites,
    coalesce(sum(recent.articles_30_days), 0) AS articles_30_days,
    round(coalesce(sum(recent.articles_30_days), 0) / 30.0, 2) AS articles_per_day,
    max(crawled.last_successful_crawl) AS last_successful_crawl
FROM sources
LEFT JOIN recent USING (site)
LEFT JOIN crawled USING (site)
GROUP BY sources.province_code
ORDER BY sources.province_code NULLS LAST;

COMMENT ON VIEW v_coverage IS 'One row per province (2025 code): its sites, articles a day over the last 30 days and its last successful crawl.';
COMMENT ON COLUMN v_coverage.province_code IS 'Two-digit province code since 1 July 2025 (sources.province_code); NULL gathers sites that state none.';
COMMENT ON COLUMN v_coverage.province IS 'Province name as the site files write it.';
COMMENT ON COLUMN v_coverage.sites IS 'Configured sites of the province (sources.site), sorted.';
COMMENT ON COLUMN v_coverage.newspaper_sites IS 'How many of them are newspapers (official paper or legacy host).';
COMMENT ON COLUMN v_coverage.portal_sites IS 'How many of them are government portals.';
COMMENT ON COLUMN v_coverage.articles_30_days IS 'Articles of the province''s sites published (else first seen) in the last 30 days.';
COMMENT ON COLUMN v_coverage.articles_per_day IS 'articles_30_days over 30.';
COMMENT ON COLUMN v_coverage.last_successful_crawl IS 'When the last crawl with status success of any of its sites ended; NULL if none has.';
