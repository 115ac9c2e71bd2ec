-- v_captions: one row per caption, with its article, site, publication day and how many
-- articles carry the same caption text (wire photos reuse one caption across papers).
CREATE OR REPLACE VIEW v_captions AS
WITH shared AS (
    SELECT text, count(DISTINCT article_id) AS articles
    FROM captions
    GROUP BY text
)
SELECT
    captions.article_id,
    captions.position,
    captions.text,
    captions.credit,
    captions.image_url,
    captions.occurrences,
    articles.title AS article_title,
    articles.site,
    CAST(timezone('Asia/Ho_Chi_Minh', articles.published_at) AS DATE) AS published_day,
    shared.articles AS shared_by
FROM captions
JOIN articles USING (article_id)
JOIN shared USING (text);

COMMENT ON VIEW v_captions IS 'One row per caption, with its article and how many articles share the same caption text.';
COMMENT ON COLUMN v_captions.article_id IS 'Article the photo belongs to.';
COMMENT ON COLUMN v_captions.position IS 'Order of the photo in the article, from 0.';
COMMENT ON COLUMN v_captions.text IS 'Caption text without the photo credit.';
COMMENT ON COLUMN v_captions.credit IS 'Photo credit split from the caption.';
COMMENT ON COLUMN v_captions.image_url IS 'Address of the photo.';
COMMENT ON COLUMN v_captions.occurrences IS 'How often the page repeated the caption.';
COMMENT ON COLUMN v_captions.article_title IS 'Headline of the article.';
COMMENT ON COLUMN v_captions.site IS 'Site that published the article.';
COMMENT ON COLUMN v_captions.published_day IS 'Publication day of the article in Vietnam (Asia/Ho_Chi_Minh).';
COMMENT ON COLUMN v_captions.shared_by IS 'Articles (this one included) with exactly the same caption text.';
