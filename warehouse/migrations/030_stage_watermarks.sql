-- 030: stage_watermarks, how far a stage has looked at the articles, so that a night reads only
-- the articles stored after it (by parsed_at, which DuckDB's zone maps narrow to a few row groups).

CREATE TABLE stage_watermarks (
    stage VARCHAR PRIMARY KEY,
    through TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE stage_watermarks IS 'One row per stage that works on the night''s articles only (dedup, facts, check): every article parsed before its time was handled by a full run of that stage. No row: the next run reads every article and sets it.';
COMMENT ON COLUMN stage_watermarks.stage IS 'Stage name (dedup, facts, check).';
COMMENT ON COLUMN stage_watermarks.through IS 'Articles with parsed_at before this were all handled by the stage; its next run reads articles with parsed_at at or after it.';
COMMENT ON COLUMN stage_watermarks.updated_at IS 'When the stage last moved the watermark.';
