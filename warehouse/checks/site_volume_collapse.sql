-- site_volume_collapse: each site keeps its usual volume; a row here is a site that crawled today
-- but parsed fewer than 20% of the median of its daily parsed articles over the previous 7 days
-- (with at least 3 days of runs), the sign of a redesign, a block or a broken discovery path.
-- A day's parsed articles are its runs' 2xx article pages that did not end in a parse failure.
WITH recent_runs AS (
    -- The eight days compared, not every run ever made.
    SELECT run_id, site, started_at FROM crawl_runs WHERE started_at >= now() - INTERVAL 9 DAY
),
recent_pages AS (
    SELECT page_id, run_id FROM pages
    WHERE run_id IN (SELECT run_id FROM recent_runs)
      AND page_kind = 'article'
      AND http_status BETWEEN 200 AND 299
),
daily AS (
    SELECT
        recent_runs.site,
        CAST(timezone('Asia/Ho_Chi_Minh', recent_runs.started_at) AS DATE) AS day,
        count(recent_pages.page_id) - count(parse_failures.page_id) AS parsed
    FROM recent_runs
    LEFT JOIN recent_pages ON recent_pages.run_id = recent_runs.run_id
    LEFT JOIN parse_failures ON parse_failures.page_id = recent_pages.page_id
    GROUP BY ALL
),
today AS (
    SELECT site, parsed
    FROM daily
    WHERE day = CAST(timezone('Asia/Ho_Chi_Minh', now()) AS DATE)
),
history AS (
    SELECT site, median(parsed) AS median_parsed, count(*) AS days
    FROM daily
    WHERE day BETWEEN CAST(timezone('Asia/Ho_Chi_Minh', now()) AS DATE) - 7
                  AND CAST(timezone('Asia/Ho_Chi_Minh', now()) AS DATE) - 1
    GROUP BY site
)
SELECT today.site, today.parsed AS parsed_today, history.median_parsed, history.days
FROM today
JOIN history USING (site)
WHERE history.days >= 3 AND today.parsed < 0.2 * history.median_parsed
