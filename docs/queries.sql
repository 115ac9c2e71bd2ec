-- Questions analysts ask of the published warehouse (data/published/warehouse.duckdb).
-- Run one with: provnews sql "<query>", or paste into `provnews sql` (the DuckDB shell).
-- Each query is preceded by a `-- name:` line; tests run every one of them.

-- name: poverty_households_per_district_over_time
-- Poor households reported per district and year, from facts like "258 hộ nghèo";
-- figures whose sentence names no district are counted province-wide.
SELECT province, coalesce(place, '(whole province)') AS place, year(published_day) AS year,
       sum(value) AS households, count(*) AS mentions
FROM v_facts
WHERE kind = 'number' AND subject ILIKE '%hộ nghèo%'
GROUP BY ALL
ORDER BY province, place, year;

-- name: money_per_province_and_year
-- Money amounts mentioned (pledged, invested, spent) per province and year, in billions of đồng.
SELECT province, year(published_day) AS year, round(sum(value) / 1e9, 1) AS billion_vnd, count(*) AS amounts
FROM v_facts
WHERE kind = 'money' AND unit = 'VND'
GROUP BY ALL
ORDER BY province, year;

-- name: most_cited_legal_documents
-- Which legal documents are cited most, and in how many distinct stories.
SELECT doc_number, any_value(doc_type) AS doc_type, count(*) AS citations,
       count(DISTINCT article_id) AS articles
FROM v_facts
WHERE kind = 'legal_ref'
GROUP BY doc_number
ORDER BY citations DESC, doc_number
LIMIT 20;

-- name: stories_on_several_sites
-- Stories that ran on more than one site, with every place they ran.
SELECT story_id, title, article_count, site_count, [copy.site || ': ' || copy.url FOR copy IN copies] AS ran_at
FROM v_stories
WHERE article_count > 1
ORDER BY article_count DESC, title;

-- name: people_and_roles
-- Who is quoted or named most, with the roles the articles give them.
SELECT name, list(DISTINCT role) FILTER (WHERE role IS NOT NULL) AS roles, count(*) AS mentions
FROM v_facts
WHERE kind = 'person'
GROUP BY name
ORDER BY mentions DESC, name
LIMIT 20;

-- name: articles_per_site_per_month
-- Publishing volume per site and month (stories counted once).
SELECT site, date_trunc('month', published_at) AS month, count(*) AS stories
FROM v_articles
GROUP BY ALL
ORDER BY month DESC, site;

-- name: search_poverty_reduction
-- Full-text search that understands Vietnamese: ranked articles with a snippet.
SELECT title, site, published_at, round(score, 3) AS score, snippet
FROM search_articles('giảm nghèo')
LIMIT 10;

-- name: growth_rates_reported
-- Percentages with what they measure, newest first.
SELECT published_day, site, value AS percent, subject, sentence
FROM v_facts
WHERE kind = 'percent'
ORDER BY published_day DESC
LIMIT 30;

-- name: ratios_of_completion
-- Completion ratios ("98/98 xã", "1.712/1.832 dịch vụ công") as shares.
SELECT text, subject, value, denominator, round(100 * value / denominator, 1) AS percent_done, article_title
FROM v_facts
WHERE kind = 'ratio' AND denominator > 0
ORDER BY percent_done DESC;

-- name: reused_photos
-- Photo captions that appear on several articles (wire photos reused across papers).
SELECT text, shared_by, site, article_title
FROM v_captions
WHERE shared_by > 1
ORDER BY shared_by DESC, text;

-- name: crawl_health_last_runs
-- How the last crawls went, per site.
SELECT * FROM v_run_health LIMIT 20;

-- name: pages_that_failed
-- Pages that could not be fetched, and why.
SELECT site, url, http_status, error, fetched_at
FROM pages
WHERE error IS NOT NULL OR http_status >= 400
ORDER BY fetched_at DESC
LIMIT 50;
