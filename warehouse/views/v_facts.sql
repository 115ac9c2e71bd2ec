-- v_facts: one row per fact, with its article, story, site, the province it is about and publication day
CREATE OR REPLACE VIEW v_facts AS
WITH placed AS (
    -- The province of each fact's own place.
    SELECT facts.*, places.province_code AS place_province_code
    FROM facts
    LEFT JOIN places ON places.place_code = facts.place_code
),
article_province AS (
    -- An article's main place: the province its facts' places name most, the earliest on a tie.
    SELECT article_id,
           arg_min(place_province_code, (-mentions, first_seen)) AS province_code
    FROM (
        SELECT article_id, place_province_code, count(*) AS mentions,
               min([CASE source WHEN 'title' THEN 0 WHEN 'lead' THEN 1 WHEN 'body' THEN 2 ELSE 3 END,
                    coalesce(paragraph, 0), start_offset]) AS first_seen
        FROM placed
        WHERE place_province_code IS NOT NULL
        GROUP BY article_id, place_province_code
    )
    GROUP BY article_id
),
site_province AS (
    SELECT sources.site, places.place_code AS province_code
    FROM sources
    LEFT JOIN places ON places.level = 'province' AND places.short_name = sources.province
)
SELECT
    placed.fact_id,
    placed.article_id,
    coalesce(articles.duplicate_of, articles.article_id) AS story_id,
    articles.title AS article_title,
    articles.url AS article_url,
    articles.site,
    coalesce(placed.place_province_code, article_province.province_code, site_province.province_code)
        AS province_code,
    coalesce(province.short_name, sources.province) AS province,
    CAST(timezone('Asia/Ho_Chi_Minh', articles.published_at) AS DATE) AS published_day,
    placed.kind,
    placed.value,
    placed.low,
    placed.high,
    placed.denominator,
    placed.unit,
    placed.per_unit,
    placed.qualifier,
    placed.measure,
    placed.direction,
    placed.status,
    placed.period_start,
    placed.period_end,
    placed.compared_to_start,
    placed.compared_to_end,
    placed.place_name,
    placed.place_code,
    placed.place_level,
    placed.subject,
    placed.text,
    placed.sentence,
    placed.source,
    placed.paragraph,
    placed.doc_number,
    placed.doc_key,
    placed.doc_type,
    placed.issuer,
    placed.issued_on,
    placed.name,
    placed.role,
    placed.organisation,
    placed.extractor_version
FROM placed
JOIN articles USING (article_id)
LEFT JOIN sources ON sources.site = articles.site
LEFT JOIN article_province USING (article_id)
LEFT JOIN site_province ON site_province.site = articles.site
LEFT JOIN places AS province
    ON province.place_code = coalesce(placed.place_province_code, article_province.province_code,
                                      site_province.province_code);

COMMENT ON VIEW v_facts IS 'One row per fact, with its article, story, site, the province it is about and publication day.';
COMMENT ON COLUMN v_facts.fact_id IS 'Fact key (facts.fact_id).';
COMMENT ON COLUMN v_facts.article_id IS 'Article the fact was found in.';
COMMENT ON COLUMN v_facts.story_id IS 'Original article of the story (the article itself unless it is a copy): group by it to count a syndicated fact once.';
COMMENT ON COLUMN v_facts.article_title IS 'Headline of the article.';
COMMENT ON COLUMN v_facts.article_url IS 'Address of the article.';
COMMENT ON COLUMN v_facts.site IS 'Site that published the article.';
COMMENT ON COLUMN v_facts.province_code IS 'Province the fact is about: its place''s province, else the province the article''s places name most, else the publishing site''s.';
COMMENT ON COLUMN v_facts.province IS 'Name of that province ("Quảng Ninh").';
COMMENT ON COLUMN v_facts.published_day IS 'Publication day of the article in Vietnam (Asia/Ho_Chi_Minh).';
COMMENT ON COLUMN v_facts.kind IS 'money, percent, percentage_point, ratio, number (a count), measure, duration, legal_ref or person.';
COMMENT ON COLUMN v_facts.value IS 'The figure in the unit of `unit`; NULL for a range (see low and high).';
COMMENT ON COLUMN v_facts.low IS 'Lower end of a range; equals value for a single figure.';
COMMENT ON COLUMN v_facts.high IS 'Upper end of a range; equals value for a single figure.';
COMMENT ON COLUMN v_facts.denominator IS 'Denominator of a ratio.';
COMMENT ON COLUMN v_facts.unit IS 'VND/USD/EUR for money, % for percent, "điểm phần trăm" for percentage_point, the measure, time unit or counted noun otherwise.';
COMMENT ON COLUMN v_facts.per_unit IS 'What a figure is per ("người" in "2 triệu đồng/người", "m²" in "17 triệu đồng/m²").';
COMMENT ON COLUMN v_facts.qualifier IS 'approx, over, under, at_least, at_most, or NULL when exact.';
COMMENT ON COLUMN v_facts.measure IS 'level or change: never add a change to a level.';
COMMENT ON COLUMN v_facts.direction IS 'up or down for a change.';
COMMENT ON COLUMN v_facts.status IS 'actual or target: never add a target to an actual.';
COMMENT ON COLUMN v_facts.period_start IS 'First day of the period the figure is about.';
COMMENT ON COLUMN v_facts.period_end IS 'Last day of the period the figure is about.';
COMMENT ON COLUMN v_facts.compared_to_start IS 'First day of the period the figure is compared with.';
COMMENT ON COLUMN v_facts.compared_to_end IS 'Last day of the period the figure is compared with.';
COMMENT ON COLUMN v_facts.place_name IS 'The place the figure is about, as written.';
COMMENT ON COLUMN v_facts.place_code IS 'The 2025 administrative unit of that place (places.place_code).';
COMMENT ON COLUMN v_facts.place_level IS 'province, ward, commune or special_zone.';
COMMENT ON COLUMN v_facts.subject IS 'Noun phrase the figure measures.';
COMMENT ON COLUMN v_facts.text IS 'Exact surface string of the fact.';
COMMENT ON COLUMN v_facts.sentence IS 'Whole sentence the fact stands in.';
COMMENT ON COLUMN v_facts.source IS 'Where in the article: title, lead, body or caption.';
COMMENT ON COLUMN v_facts.paragraph IS 'Body paragraph index or caption position.';
COMMENT ON COLUMN v_facts.doc_number IS 'Normalised document number of a legal_ref.';
COMMENT ON COLUMN v_facts.doc_key IS 'number|issuer|year of a legal_ref: count documents by it.';
COMMENT ON COLUMN v_facts.doc_type IS 'Document type of a legal_ref.';
COMMENT ON COLUMN v_facts.issuer IS 'Who issued a legal_ref.';
COMMENT ON COLUMN v_facts.issued_on IS 'Issue date of a legal_ref when the text gives it.';
COMMENT ON COLUMN v_facts.name IS 'Person''s name (kind person).';
COMMENT ON COLUMN v_facts.role IS 'Person''s role or roles, whole.';
COMMENT ON COLUMN v_facts.organisation IS 'Body the person''s role belongs to.';
COMMENT ON COLUMN v_facts.extractor_version IS 'Version of the rules that found the fact.';
