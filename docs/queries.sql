-- Questions analysts ask of the published warehouse (data/published/warehouse.duckdb).
-- Run one with: provnews sql "<query>", or paste into `provnews sql` (the DuckDB shell).
-- Each query is preceded by a `-- name:` line; tests run every one of them.

-- Facts carry what each figure means (v_facts): `measure` (level or change), `status` (actual or
-- target), `low`/`high` (a range has no single value), the period the figure is about and the
-- story it belongs to. Every query below adds only like to like: never a change to a level, a
-- target to an actual, a range to a figure, or two copies of one story.

-- name: poverty_households_per_district_over_time
-- Poor households still poor, per place and year: stock figures ("còn 112 hộ nghèo"), not the drops
-- ("giảm 146 hộ"); a place's figure for a year is the one published last; the year is the figure's
-- period, else the year of publication.
SELECT province, coalesce(place_name, '(whole province)') AS place, place_code,
       year(coalesce(period_end, published_day)) AS year,
       arg_max(value, published_day) AS poor_households, count(DISTINCT story_id) AS stories
FROM v_facts
WHERE kind = 'number' AND unit = 'hộ' AND measure = 'level' AND status = 'actual' AND value IS NOT NULL
  AND (subject ILIKE 'hộ nghèo%' OR (subject = 'hộ' AND sentence ILIKE '%hộ nghèo%'))
GROUP BY ALL
ORDER BY province, place, year;

-- name: money_per_province_and_year
-- Money reported per province and year, in billions of đồng: each story counts once, by its largest
-- actual amount for a period in that year (its headline figure, not the parts of it), leaving out
-- changes, targets, ranges, prices per unit and the size of the economy (GRDP).
SELECT province, year, round(sum(largest) / 1e9, 1) AS billion_vnd, count(*) AS stories
FROM (
    SELECT story_id, province, year(period_end) AS year, max(value) AS largest
    FROM v_facts
    WHERE kind = 'money' AND unit = 'VND' AND measure = 'level' AND status = 'actual'
      AND value IS NOT NULL AND per_unit IS NULL AND period_end IS NOT NULL
      AND coalesce(subject, '') NOT ILIKE '%GRDP%'
    GROUP BY story_id, province, year
)
GROUP BY ALL
ORDER BY province, year;

-- name: targets_per_province_and_year
-- Plans and goals ("phấn đấu", "mục tiêu", "dự toán") per province and year, apart from what was
-- reached: one row per story and target figure.
SELECT DISTINCT ON (story_id, kind, value, low, high, unit)
       province, year(period_end) AS year, kind, coalesce(CAST(value AS VARCHAR), low || '–' || high) AS target,
       unit, subject, article_title
FROM v_facts
WHERE status = 'target' AND kind NOT IN ('legal_ref', 'person')
ORDER BY story_id, kind, value, low, high, unit;

-- name: indicators_per_place
-- Actual levels with a period, ready to chart: one row per story, place, period and figure.
SELECT province, coalesce(place_name, '(whole province)') AS place, period_start, period_end, subject,
       value, unit, mentions
FROM v_indicators
ORDER BY province, place, period_start, subject;

-- name: places_mentioned_per_month
-- Which communes, wards and provinces the figures are about, month by month.
SELECT month, name, level, mentions, stories
FROM v_places
ORDER BY month DESC NULLS LAST, mentions DESC, name;

-- name: most_cited_legal_documents
-- Which legal documents are cited most, and in how many distinct stories; documents that share a
-- number but differ in year or issuer (two "06-NQ/TU") are counted apart.
SELECT doc_key, any_value(doc_number) AS doc_number, any_value(doc_type) AS doc_type,
       any_value(issuer) AS issuer, count(*) AS citations, count(DISTINCT story_id) AS stories
FROM v_facts
WHERE kind = 'legal_ref'
GROUP BY doc_key
ORDER BY stories DESC, citations DESC, doc_key
LIMIT 20;

-- name: stories_on_several_sites
-- Stories that ran on more than one site, with every place they ran.
SELECT story_id, title, article_count, site_count, [copy.site || ': ' || copy.url FOR copy IN copies] AS ran_at
FROM v_stories
WHERE article_count > 1
ORDER BY article_count DESC, title;

-- name: people_and_roles
-- Who is quoted or named most (in distinct stories), with the roles and bodies the articles give them.
SELECT name, list(DISTINCT role) FILTER (WHERE role IS NOT NULL) AS roles,
       list(DISTINCT organisation) FILTER (WHERE organisation IS NOT NULL) AS organisations,
       count(DISTINCT story_id) AS stories, count(*) AS mentions
FROM v_facts
WHERE kind = 'person'
GROUP BY name
ORDER BY stories DESC, mentions DESC, name
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
-- Changes in percent ("tăng 26,4% so với năm 2024") with their period and what they are compared
-- with, one per story and figure, newest first; levels such as shares are left out.
SELECT DISTINCT ON (published_day, story_id, value, direction)
       published_day, province, direction, value AS percent, period_start, period_end,
       compared_to_start, compared_to_end, sentence
FROM v_facts
WHERE kind = 'percent' AND measure = 'change' AND status = 'actual'
ORDER BY published_day DESC, story_id, value, direction
LIMIT 30;

-- name: ratios_of_completion
-- Completion ratios ("98/98 xã", "1.712/1.832 dịch vụ công") as shares, one per story and ratio.
SELECT DISTINCT ON (percent_done, story_id, text)
       text, subject, value, denominator, round(100 * value / denominator, 1) AS percent_done, article_title
FROM v_facts
WHERE kind = 'ratio' AND denominator > 0 AND status = 'actual'
ORDER BY percent_done DESC, story_id, text;

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
