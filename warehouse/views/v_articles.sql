-- v_articles: one row per story (an article that copies no other), with its province,
-- publication day, how many copies other pages made of it and the sites that carried it.
CREATE OR REPLACE VIEW v_articles AS
WITH copies AS (
    SELECT duplicate_of AS article_id, count(*) AS copies, list(DISTINCT site) AS sites
    FROM articles
    WHERE duplicate_of IS NOT NULL
    GROUP BY duplicate_of
)
SELECT
    articles.article_id,
    articles.site,
    sources.province,
    articles.url,
    articles.title,
    articles.lead,
    articles.body,
    articles.published_at,
    CAST(timezone('Asia/Ho_Chi_Minh', articles.published_at) AS DATE) AS published_day,
    articles.authors,
    articles.section,
    articles.word_count,
    coalesce(copies.copies, 0) AS copies,
    list_sort(list_distinct(list_concat([articles.site], coalesce(copies.sites, [])))) AS sites,
    articles.first_seen_at,
    articles.last_seen_at
FROM articles
LEFT JOIN sources USING (site)
LEFT JOIN copies USING (article_id)
WHERE articles.duplicate_of IS NULL;

COMMENT ON VIEW v_articles IS 'One row per story: articles that copy no other, with their copies counted and the sites that carried them.';
COMMENT ON COLUMN v_articles.article_id IS 'The story''s original article (articles.article_id).';
COMMENT ON COLUMN v_articles.site IS 'Site of the original (sources.site).';
COMMENT ON COLUMN v_articles.province IS 'Province of that site (sources.province).';
COMMENT ON COLUMN v_articles.url IS 'Address of the original.';
COMMENT ON COLUMN v_articles.title IS 'Headline of the original.';
COMMENT ON COLUMN v_articles.lead IS 'Lead paragraph (sapo) of the original.';
COMMENT ON COLUMN v_articles.body IS 'Body of the original, paragraphs separated by blank lines.';
COMMENT ON COLUMN v_articles.published_at IS 'Publication time of the original.';
COMMENT ON COLUMN v_articles.published_day IS 'Publication day in Vietnam (Asia/Ho_Chi_Minh).';
COMMENT ON COLUMN v_articles.authors IS 'Author names of the original.';
COMMENT ON COLUMN v_articles.section IS 'Section of the site the original stands in.';
COMMENT ON COLUMN v_articles.word_count IS 'Words (syllables) in lead and body of the original.';
COMMENT ON COLUMN v_articles.copies IS 'Articles found to repeat this story (articles.duplicate_of pointing here).';
COMMENT ON COLUMN v_articles.sites IS 'Sites that published the story, the original''s included, sorted.';
COMMENT ON COLUMN v_articles.first_seen_at IS 'First time a crawl fetched the original.';
COMMENT ON COLUMN v_articles.last_seen_at IS 'Last time a crawl fetched (or confirmed unchanged) the original.';
