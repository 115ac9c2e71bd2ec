-- published_in_future: publication times are in the past; a row here is an article dated more
-- than one day ahead of now (a month/day swap or a wrong time zone in date parsing).
SELECT article_id, site, url, published_at
FROM articles
WHERE published_at > now() + INTERVAL 1 DAY
