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
