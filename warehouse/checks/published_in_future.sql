-- published_in_future: publication times are in the past; a row here is an article dated more
-- than one day ahead of now (a month/day swap or a wrong time zone in date parsing).
SELECT article_id, site, url, published_at
FROM night_articles
-- Only the night's articles: one that was not ahead when it was checked never will be.
WHERE published_at > now() + INTERVAL 1 DAY
