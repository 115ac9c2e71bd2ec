-- article_without_body: every article has body text; a row here is an article whose body is empty
-- or blank, which means the extractor kept only the title and lead (a markup change, a paywall).
SELECT article_id, site, url, title
FROM night_articles
-- The short prefix rules out almost every body before the whole of it is trimmed.
WHERE trim(left(body, 64)) = '' AND trim(body) = ''
