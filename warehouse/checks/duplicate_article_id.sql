-- duplicate_article_id: one row per article URL; a row here is an article_id or a URL held by
-- more than one articles row.
SELECT 'article_id' AS key, article_id AS value, count(*) AS articles
FROM articles
GROUP BY article_id
HAVING count(*) > 1
UNION ALL
SELECT 'url' AS key, url AS value, count(*) AS articles
FROM articles
GROUP BY url
HAVING count(*) > 1
