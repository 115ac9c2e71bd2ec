-- v_facts: one row per fact, with its article, site, province and publication day
CREATE OR REPLACE VIEW v_facts AS
SELECT
    facts.fact_id,
    facts.article_id,
    coalesce(articles.duplicate_of, articles.article_id) AS story_id,
    articles.title AS article_title,
    articles.url AS article_url,
    articles.site,
    sources.province,
    CAST(timezone('Asia/Ho_Chi_Minh', articles.published_at) AS DATE) AS published_day,
    facts.kind,
    facts.value,
    facts.denominator,
    facts.unit,
    facts.per_unit,
    facts.subject,
    facts.period,
    facts.place,
    facts.text,
    facts.sentence,
    facts.source,
    facts.paragraph,
    facts.doc_number,
    facts.doc_type,
    facts.issued_on,
    facts.name,
    facts.role,
    facts.extractor_version
FROM facts
JOIN articles USING (article_id)
LEFT JOIN sources ON sources.site = articles.site;

COMMENT ON VIEW v_facts IS 'One row per fact, with its article, site, province and publication day.';
COMMENT ON COLUMN v_facts.fact_id IS 'Fact key (facts.fact_id).';
COMMENT ON COLUMN v_facts.article_id IS 'Article the fact was found in.';
COMMENT ON COLUMN v_facts.story_id IS 'Original article of the story (the article itself unless it is a copy): group by it to count a syndicated fact once.';
COMMENT ON COLUMN v_facts.article_title IS 'Headline of the article.';
COMMENT ON COLUMN v_facts.article_url IS 'Address of the article.';
COMMENT ON COLUMN v_facts.site IS 'Site that published the article.';
COMMENT ON COLUMN v_facts.province IS 'Province of that site.';
COMMENT ON COLUMN v_facts.published_day IS 'Publication day of the article in Vietnam (Asia/Ho_Chi_Minh).';
COMMENT ON COLUMN v_facts.kind IS 'money, percent, ratio, number, legal_ref or person.';
COMMENT ON COLUMN v_facts.value IS 'The number: currency units for money, percent points for percent, numerator for ratio, count for number.';
COMMENT ON COLUMN v_facts.denominator IS 'Denominator of a ratio.';
COMMENT ON COLUMN v_facts.unit IS 'VND or USD for money, % for percent, the unit noun for numbers.';
COMMENT ON COLUMN v_facts.per_unit IS 'What a money amount is per.';
COMMENT ON COLUMN v_facts.subject IS 'Noun phrase the number measures.';
COMMENT ON COLUMN v_facts.period IS 'Period the sentence gives.';
COMMENT ON COLUMN v_facts.place IS 'Place the sentence gives.';
COMMENT ON COLUMN v_facts.text IS 'Exact surface string of the fact.';
COMMENT ON COLUMN v_facts.sentence IS 'Whole sentence the fact stands in.';
COMMENT ON COLUMN v_facts.source IS 'Where in the article: title, lead, body or caption.';
COMMENT ON COLUMN v_facts.paragraph IS 'Body paragraph index or caption position.';
COMMENT ON COLUMN v_facts.doc_number IS 'Normalised document number of a legal_ref.';
COMMENT ON COLUMN v_facts.doc_type IS 'Document type of a legal_ref.';
COMMENT ON COLUMN v_facts.issued_on IS 'Issue date of a legal_ref when the text gives it.';
COMMENT ON COLUMN v_facts.name IS 'Person''s name (kind person).';
COMMENT ON COLUMN v_facts.role IS 'Person''s role or title.';
COMMENT ON COLUMN v_facts.extractor_version IS 'Version of the rules that found the fact.';
