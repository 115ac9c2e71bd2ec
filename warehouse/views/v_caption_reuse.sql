-- v_caption_reuse: one row per caption (in comparison form) that two or more articles carry, with every use.
-- Captions under five syllables ("Ảnh minh họa") are left out: they name no particular photo.
CREATE OR REPLACE VIEW v_caption_reuse AS
SELECT
    caption_keys.caption_key,
    min(captions.text) AS caption,
    count(DISTINCT caption_keys.article_id) AS article_count,
    count(DISTINCT coalesce(articles.duplicate_of, articles.article_id)) AS story_count,
    count(DISTINCT articles.site) AS site_count,
    list(
        {
            'article_id': articles.article_id,
            'position': captions.position,
            'site': articles.site,
            'url': articles.url,
            'published_at': articles.published_at,
            'image_url': captions.image_url
        }
        ORDER BY articles.published_at NULLS LAST, articles.article_id, captions.position
    ) AS uses
FROM caption_keys
JOIN captions USING (article_id, position)
JOIN articles USING (article_id)
WHERE caption_keys.caption_words >= 5
GROUP BY caption_keys.caption_key
HAVING count(DISTINCT caption_keys.article_id) >= 2;
COMMENT ON VIEW v_caption_reuse IS 'One row per photo caption that two or more articles carry (wire photos), with every use.';
COMMENT ON COLUMN v_caption_reuse.caption_key IS 'Caption in comparison form (caption_keys.caption_key).';
COMMENT ON COLUMN v_caption_reuse.caption IS 'One of the caption''s spellings as published.';
COMMENT ON COLUMN v_caption_reuse.article_count IS 'Articles carrying the caption.';
COMMENT ON COLUMN v_caption_reuse.story_count IS 'Distinct stories carrying the caption: above 1 means the photo was reused for another story.';
COMMENT ON COLUMN v_caption_reuse.site_count IS 'Distinct sites carrying the caption.';
COMMENT ON COLUMN v_caption_reuse.uses IS 'Every use, earliest first: article_id, position, site, url, published_at, image_url.';
