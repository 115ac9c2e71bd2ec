-- v_stories: one row per story (an article that repeats no other), with every article that carried it.
CREATE OR REPLACE VIEW v_stories AS
SELECT
    story.article_id AS story_id,
    story.title,
    story.site,
    story.url,
    story.published_at,
    count(*) AS article_count,
    count(DISTINCT carrier.site) AS site_count,
    list(
        {
            'article_id': carrier.article_id,
            'site': carrier.site,
            'url': carrier.url,
            'title': carrier.title,
            'published_at': carrier.published_at,
            'method': duplicates.method,
            'similarity': duplicates.similarity
        }
        ORDER BY carrier.published_at NULLS LAST, carrier.article_id
    ) AS copies
FROM articles AS story
JOIN articles AS carrier ON coalesce(carrier.duplicate_of, carrier.article_id) = story.article_id
LEFT JOIN duplicates ON duplicates.article_id = carrier.article_id
WHERE story.duplicate_of IS NULL
GROUP BY story.article_id, story.title, story.site, story.url, story.published_at;
COMMENT ON VIEW v_stories IS 'One row per story (an article that repeats no other), with every article that carried it: count stories here, not articles.';
COMMENT ON COLUMN v_stories.story_id IS 'The first-published copy (articles.article_id); every other copy has duplicate_of = story_id.';
COMMENT ON COLUMN v_stories.title IS 'Headline of the first-published copy.';
COMMENT ON COLUMN v_stories.site IS 'Site of the first-published copy.';
COMMENT ON COLUMN v_stories.url IS 'Address of the first-published copy.';
COMMENT ON COLUMN v_stories.published_at IS 'Publication time of the first-published copy.';
COMMENT ON COLUMN v_stories.article_count IS 'Articles that carried the story, the first copy included.';
COMMENT ON COLUMN v_stories.site_count IS 'Distinct sites that carried the story.';
COMMENT ON COLUMN v_stories.copies IS 'Every article that carried the story, first copy first: article_id, site, url, title, published_at, and for repeats the duplicates method and similarity.';
