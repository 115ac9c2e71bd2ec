-- v_places: how often each place is named, per month of publication
CREATE OR REPLACE VIEW v_places AS
SELECT
    facts.place_code,
    places.name,
    places.level,
    places.province_code,
    CAST(date_trunc('month', timezone('Asia/Ho_Chi_Minh', articles.published_at)) AS DATE) AS month,
    count(*) AS mentions,
    count(DISTINCT coalesce(articles.duplicate_of, articles.article_id)) AS stories
FROM facts
JOIN articles USING (article_id)
JOIN places ON places.place_code = facts.place_code
GROUP BY ALL;

COMMENT ON VIEW v_places IS 'One row per place and month: how many facts name the place and in how many stories.';
COMMENT ON COLUMN v_places.place_code IS 'The 2025 administrative unit (places.place_code).';
COMMENT ON COLUMN v_places.name IS 'Its full name.';
COMMENT ON COLUMN v_places.level IS 'province, ward, commune or special_zone.';
COMMENT ON COLUMN v_places.province_code IS 'Province it lies in.';
COMMENT ON COLUMN v_places.month IS 'First day of the month of publication (Vietnam time); NULL for undated articles.';
COMMENT ON COLUMN v_places.mentions IS 'Facts that name the place in that month.';
COMMENT ON COLUMN v_places.stories IS 'Distinct stories (a copy counts with its original) among them.';
