-- v_indicators: figures ready to chart, one row per story and figure: actual levels with a period
CREATE OR REPLACE VIEW v_indicators AS
SELECT
    story_id,
    min(fact_id) AS fact_id,
    place_code,
    any_value(place_name) AS place_name,
    province_code,
    any_value(province) AS province,
    period_start,
    period_end,
    kind,
    any_value(subject) AS subject,
    value,
    unit,
    per_unit,
    qualifier,
    min(published_day) AS published_day,
    count(*) AS mentions
FROM v_facts
WHERE kind IN ('money', 'percent', 'number', 'measure', 'duration', 'ratio')
  AND measure = 'level'
  AND status = 'actual'
  AND value IS NOT NULL
  AND period_start IS NOT NULL
GROUP BY story_id, place_code, province_code, period_start, period_end, kind, value, unit, per_unit, qualifier;

COMMENT ON VIEW v_indicators IS 'One row per figure of a story that is an actual level with a period (no changes, targets or ranges; a figure repeated in title, lead and body or in a syndicated copy counts once): ready to chart.';
COMMENT ON COLUMN v_indicators.story_id IS 'Story the figure comes from (the original of any copies).';
COMMENT ON COLUMN v_indicators.fact_id IS 'One fact that states the figure (the smallest fact_id among its mentions).';
COMMENT ON COLUMN v_indicators.place_code IS 'The 2025 unit the figure is about; NULL when the text names none.';
COMMENT ON COLUMN v_indicators.place_name IS 'That place as written.';
COMMENT ON COLUMN v_indicators.province_code IS 'Province the figure is about (v_facts.province_code).';
COMMENT ON COLUMN v_indicators.province IS 'Name of that province.';
COMMENT ON COLUMN v_indicators.period_start IS 'First day of the period the figure is about.';
COMMENT ON COLUMN v_indicators.period_end IS 'Last day of the period the figure is about.';
COMMENT ON COLUMN v_indicators.kind IS 'money, percent, number, measure, duration or ratio.';
COMMENT ON COLUMN v_indicators.subject IS 'Noun phrase the figure measures (from one of its mentions).';
COMMENT ON COLUMN v_indicators.value IS 'The figure.';
COMMENT ON COLUMN v_indicators.unit IS 'Unit of the figure.';
COMMENT ON COLUMN v_indicators.per_unit IS 'What the figure is per, if anything.';
COMMENT ON COLUMN v_indicators.qualifier IS 'approx, over, under, at_least, at_most, or NULL when exact.';
COMMENT ON COLUMN v_indicators.published_day IS 'Earliest publication day among the figure''s mentions.';
COMMENT ON COLUMN v_indicators.mentions IS 'How many facts of the story state the figure (title, lead, body, captions, copies).';
