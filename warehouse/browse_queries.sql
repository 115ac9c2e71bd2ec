-- The browse edition's canned queries: the questions of docs/queries.sql analysts ask most,
-- in SQLite's dialect. Each starts with `-- name:`, then `-- needs:` (the table.column pairs it
-- reads: a query whose columns an edition lacks is left out of it), then its title and description.

-- name: poverty_households_per_district_over_time
-- needs: v_facts.kind, v_facts.subject, v_facts.value, v_facts.province, v_facts.place, v_facts.year
-- Poor households per district and year
-- Figures like "258 hộ nghèo"; those whose sentence names no district are counted province-wide.
SELECT province, coalesce(place, '(whole province)') AS place, year,
       sum(value) AS households, count(*) AS mentions
FROM v_facts
WHERE kind = 'number' AND subject LIKE '%hộ nghèo%'
GROUP BY province, 2, year
ORDER BY province, place, year;

-- name: money_per_province_and_year
-- needs: v_facts.kind, v_facts.unit, v_facts.value, v_facts.province, v_facts.year
-- Money per province and year
-- Amounts mentioned (pledged, invested, spent), in billions of đồng.
SELECT province, year, round(sum(value) / 1e9, 1) AS billion_vnd, count(*) AS amounts
FROM v_facts
WHERE kind = 'money' AND unit = 'VND'
GROUP BY province, year
ORDER BY province, year;

-- name: most_cited_legal_documents
-- needs: v_facts.kind, v_facts.doc_number, v_facts.doc_type, v_facts.article_id
-- Most-cited legal documents
-- Which documents are cited most, and in how many distinct articles.
SELECT doc_number, max(doc_type) AS doc_type, count(*) AS citations,
       count(DISTINCT article_id) AS articles
FROM v_facts
WHERE kind = 'legal_ref'
GROUP BY doc_number
ORDER BY citations DESC, doc_number
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
-- needs: v_facts.kind, v_facts.name, v_facts.role
-- People named most, with their roles
-- Who is quoted or named most, with the roles the articles give them.
SELECT name, group_concat(DISTINCT role) AS roles, count(*) AS mentions
FROM v_facts
WHERE kind = 'person'
GROUP BY name
ORDER BY mentions DESC, name
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
