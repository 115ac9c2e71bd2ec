-- 050: what a page says about its article beyond the text: the kind of page, how precise its date
-- is, every credit with its role, and the outlet a republished text was taken from.

ALTER TABLE articles ADD COLUMN page_type VARCHAR DEFAULT 'article';
ALTER TABLE articles ADD COLUMN published_precision VARCHAR;
ALTER TABLE articles ADD COLUMN bylines STRUCT(name VARCHAR, "role" VARCHAR, outlet VARCHAR)[];
ALTER TABLE articles ADD COLUMN syndicated_from VARCHAR;

-- Articles parsed before this migration keep their authors as bylines without a role until reparsed.
UPDATE articles SET bylines = list_transform(authors, name -> {'name': name, 'role': NULL::VARCHAR, 'outlet': NULL::VARCHAR});

COMMENT ON COLUMN articles.page_type IS 'article, video (the text is the video''s description), photo (a photo story) or live (a live report).';
COMMENT ON COLUMN articles.published_precision IS 'minute when the page gives the time of publication, day when it gives only the date (published_at is then midnight in Vietnam); NULL without a date or for rows parsed before it was recorded.';
COMMENT ON COLUMN articles.bylines IS 'Every credit the page prints, in order: name (normal case, honorifics and degrees left out, agencies such as TTXVN in capitals), role (text, photo, video or NULL when none is printed) and outlet ("Báo Tin tức" of "Tạ Nguyên/Báo Tin tức"). authors holds the names with role text or none.';
COMMENT ON COLUMN articles.syndicated_from IS 'Outlet the text was taken from, from a credit such as "Theo Vietnamnet" or "(Theo TTXVN)" (removed from the body); NULL for the outlet''s own articles.';
COMMENT ON COLUMN articles.authors IS 'Writers: the names of bylines whose role is text or not printed, in normal case.';
