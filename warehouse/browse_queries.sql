-- The browse edition's canned queries: the questions of docs/queries.sql analysts ask most,
-- in SQLite's dialect. Each starts with `-- name:`, then `-- needs:` (the table.column pairs it
-- reads: a query whose columns an edition lacks is left out of it), then its title and description.

-- name: poverty_households_per_district_over_time
-- needs: v_facts.kind, v_facts.unit, v_facts.measure, v_facts.status, v_facts.subject, v_facts.sentence, v_facts.value, v_facts.province, v_facts.place_name, v_facts.period_end, v_facts.published_day
-- Poor households per place and year
-- Households still poor ("còn 112 hộ nghèo"), not the drops ("giảm 146 hộ"); a place's figure for a year is the one published last; the year is the figure's period, else its publication.
SELECT province, place, year, value AS poor_households
FROM (
    SELECT province, coalesce(place_name, '(whole province)') AS place,
           CAST(substr(coalesce(period_end, published_day), 1, 4) AS INTEGER) AS year, value,
           row_number() OVER (
               PARTITION BY province, coalesce(place_name, ''), substr(coalesce(period_end, published_day), 1, 4)
               ORDER BY published_day DESC
           ) AS latest
    FROM v_facts
    WHERE kind = 'number' AND unit = 'hộ' AND measure = 'level' AND status = 'actual' AND value IS NOT NULL
      AND (subject LIKE 'hộ nghèo%' OR (subject = 'hộ' AND sentence LIKE '%hộ nghèo%'))
)
WHERE latest = 1
ORDER BY province, place, year;

-- name: money_per_province_and_year
-- needs: v_facts.kind, v_facts.unit, v_facts.measure, v_facts.status, v_facts.per_unit, v_facts.subject, v_facts.value, v_facts.province, v_facts.period_end, v_facts.story_id
-- Money per province and year
-- In billions of đồng: each story once, by its largest actual amount for a period in that year (not its parts), without changes, targets, ranges, prices per unit or GRDP.
SELECT province, year, round(sum(largest) / 1e9, 1) AS billion_vnd, count(*) AS stories
FROM (
    SELECT story_id, province, CAST(substr(period_end, 1, 4) AS INTEGER) AS year, max(value) AS largest
    FROM v_facts
    WHERE kind = 'money' AND unit = 'VND' AND measure = 'level' AND status = 'actual' AND value IS NOT NULL
      AND per_unit IS NULL AND period_end IS NOT NULL AND coalesce(subject, '') NOT LIKE '%GRDP%'
    GROUP BY story_id, province, year
)
GROUP BY province, year
ORDER BY province, year;

-- name: most_cited_legal_documents
-- needs: v_facts.kind, v_facts.doc_key, v_facts.doc_number, v_facts.doc_type, v_facts.story_id
-- Most-cited legal documents
-- Which documents are cited most, and in how many distinct stories; two documents sharing a number in other years or from other issuers count apart.
SELECT doc_key, max(doc_number) AS doc_number, max(doc_type) AS doc_type, count(*) AS citations,
       count(DISTINCT story_id) AS stories
FROM v_facts
WHERE kind = 'legal_ref'
GROUP BY doc_key
ORDER BY stories DESC, citations DESC, doc_key
LIMIT 20;

-- name: stories_on_several_sites
-- needs: v_stories.story_id, v_stories.title, v_stories.article_count, v_stories.site_count
-- Stories that ran on several sites
-- Open a story to see every copy.
SELECT story_id, title, article_count, site_count
FROM v_stories
WHERE article_count > 1
ORDER BY article_count DESC, title;

-- name: people_and_roles
-- needs: v_facts.kind, v_facts.name, v_facts.role, v_facts.story_id
-- People named most, with their roles
-- Who is quoted or named most (in distinct stories), with the roles the articles give them.
SELECT name, group_concat(DISTINCT role) AS roles, count(DISTINCT story_id) AS stories, count(*) AS mentions
FROM v_facts
WHERE kind = 'person'
GROUP BY name
ORDER BY stories DESC, mentions DESC, name
LIMIT 20;

-- name: articles_per_site_per_month
-- needs: v_articles.site, v_articles.published_day
-- Stories per site and month
-- Publishing volume, stories counted once.
SELECT site, substr(published_day, 1, 7) AS month, count(*) AS stories
FROM v_articles
GROUP BY site, month
ORDER BY month DESC, site;

-- name: stories_ranked_by_relevance
-- needs: v_articles.article_id, v_articles.title, v_articles.site, v_articles.province, v_articles.published_day
-- Stories ranked by relevance
-- Words with or without accents, all required ("ho ngheo"); "a phrase" in double quotes; OR; NOT.
SELECT v_articles.article_id, v_articles.title, v_articles.site, v_articles.province, v_articles.published_day,
       round(-bm25(v_articles_fts), 2) AS score
FROM v_articles_fts
JOIN v_articles ON v_articles.rowid = v_articles_fts.rowid
WHERE v_articles_fts MATCH :words
ORDER BY bm25(v_articles_fts)
LIMIT 100;
