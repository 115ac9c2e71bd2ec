-- duplicate_article_id: one row per article URL; a row here is an article_id or a URL held by
-- more than one articles row.
-- The night's keys are looked for among all articles: two scans of a key column, no bodies.
SELECT 'article_id' AS key, article_id AS value, count(*) AS articles
FROM articles
WHERE article_id IN (SELECT article_id FROM night_articles)
GROUP BY article_id
HAVING count(*) > 1
UNION ALL
SELECT 'url' AS key, url AS value, count(*) AS articles
FROM articles
WHERE url IN (SELECT url FROM night_articles)
GROUP BY url
HAVING count(*) > 1
