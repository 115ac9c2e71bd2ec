-- fact_value_unparsed: every fact carries its parsed value; a row here is a figure (money, percent,
-- percentage_point, ratio, number, measure, duration) without finite ends (low and high, with value
-- equal to them for a single figure and NULL for a range), a ratio without a finite denominator, a
-- legal_ref without a document number, or a person without a name.
SELECT fact_id, article_id, kind, text
FROM night_facts
WHERE (kind IN ('money', 'percent', 'percentage_point', 'ratio', 'number', 'measure', 'duration')
       AND (low IS NULL OR high IS NULL OR NOT isfinite(low) OR NOT isfinite(high) OR low > high
            OR (value IS NULL AND low = high) OR (value IS NOT NULL AND NOT (value = low AND value = high))))
   OR (kind = 'ratio' AND (denominator IS NULL OR NOT isfinite(denominator)))
   OR (kind = 'legal_ref' AND coalesce(trim(doc_number), '') = '')
   OR (kind = 'person' AND coalesce(trim(name), '') = '')
