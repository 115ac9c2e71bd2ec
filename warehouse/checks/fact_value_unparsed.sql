-- fact_value_unparsed: every fact carries its parsed value; a row here is a money, percent, ratio
-- or number fact without a finite value (or a ratio without a finite denominator), a legal_ref
-- without a document number, or a person without a name.
SELECT fact_id, article_id, kind, text
FROM night_facts
WHERE (kind IN ('money', 'percent', 'ratio', 'number') AND (value IS NULL OR NOT isfinite(value)))
   OR (kind = 'ratio' AND (denominator IS NULL OR NOT isfinite(denominator)))
   OR (kind = 'legal_ref' AND coalesce(trim(doc_number), '') = '')
   OR (kind = 'person' AND coalesce(trim(name), '') = '')
