-- 003: the duplicate detector's state: which articles are indexed, their LSH band keys,
-- every verified pair of copies, and caption keys for photo reuse.

CREATE TABLE dedup_index (
    article_id VARCHAR PRIMARY KEY,
    content_sha256 VARCHAR NOT NULL,
    published_at TIMESTAMPTZ,
    canonical_url VARCHAR,
    body_key_sha256 VARCHAR NOT NULL,
    body_words INTEGER NOT NULL,
    comparable BOOLEAN NOT NULL,
    indexed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE dedup_index IS 'One row per article the duplicate detector has indexed; an article whose body, date or canonical URL changed since is indexed again.';
COMMENT ON COLUMN dedup_index.article_id IS 'Indexed article (articles.article_id).';
COMMENT ON COLUMN dedup_index.content_sha256 IS 'articles.content_sha256 when the article was indexed.';
COMMENT ON COLUMN dedup_index.published_at IS 'articles.published_at when the article was indexed.';
COMMENT ON COLUMN dedup_index.canonical_url IS 'articles.canonical_url when the article was indexed.';
COMMENT ON COLUMN dedup_index.body_key_sha256 IS 'SHA-256 of the body''s words in comparison form (NFC, lower case, new tone placement, no punctuation, caption paragraphs left out): equal values are exact copies.';
COMMENT ON COLUMN dedup_index.body_words IS 'Syllables in the body, captions left out.';
COMMENT ON COLUMN dedup_index.comparable IS 'Whether the body is long enough (30 syllables) to be an exact or near copy; short bodies share boilerplate.';
COMMENT ON COLUMN dedup_index.indexed_at IS 'When the article was indexed.';

CREATE TABLE dedup_bands (
    band_key BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);
COMMENT ON TABLE dedup_bands IS 'One row per LSH band of a comparable article''s MinHash signature (32 bands of 4 of 128 values): two articles sharing a band_key are near-copy candidates.';
COMMENT ON COLUMN dedup_bands.band_key IS 'Hash of the band number and the band''s four MinHash values.';
COMMENT ON COLUMN dedup_bands.article_id IS 'Article the band belongs to (articles.article_id).';

CREATE TABLE duplicate_pairs (
    article_id VARCHAR NOT NULL,
    other_article_id VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    similarity DOUBLE NOT NULL,
    containment DOUBLE NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, other_article_id)
);
COMMENT ON TABLE duplicate_pairs IS 'One row per verified pair of copies of a story; the stories of the duplicates table are the connected groups of these pairs.';
COMMENT ON COLUMN duplicate_pairs.article_id IS 'The pair''s article with the smaller article_id.';
COMMENT ON COLUMN duplicate_pairs.other_article_id IS 'The pair''s article with the larger article_id.';
COMMENT ON COLUMN duplicate_pairs.method IS 'Strongest evidence: url (one declares the other''s address canonical, or both the same one), exact (same body words) or near (MinHash LSH candidate, verified on the shingles).';
COMMENT ON COLUMN duplicate_pairs.similarity IS 'Jaccard similarity of the two bodies'' 5-syllable shingle sets (1.0 for url and exact).';
COMMENT ON COLUMN duplicate_pairs.containment IS 'Share of the smaller shingle set found in the larger (1.0 for url and exact); near pairs need at least 0.8.';
COMMENT ON COLUMN duplicate_pairs.detected_at IS 'When the pair was found.';

ALTER TABLE duplicates ADD COLUMN matched_with VARCHAR;
COMMENT ON COLUMN duplicates.matched_with IS 'Copy the method and similarity were measured against: duplicate_of itself, or another copy through which the article joined the story.';

CREATE TABLE caption_keys (
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    caption_key VARCHAR NOT NULL,
    caption_words INTEGER NOT NULL,
    PRIMARY KEY (article_id, position)
);
COMMENT ON TABLE caption_keys IS 'One row per caption of an indexed article, in comparison form, so one wire photo''s caption can be followed across articles.';
COMMENT ON COLUMN caption_keys.article_id IS 'Article the caption belongs to (captions.article_id).';
COMMENT ON COLUMN caption_keys.position IS 'Order of the photo in the article (captions.position).';
COMMENT ON COLUMN caption_keys.caption_key IS 'Caption text in comparison form (NFC, lower case, one tone placement, single spaces).';
COMMENT ON COLUMN caption_keys.caption_words IS 'Syllables in the caption; short captions ("Ảnh minh họa") are not counted as reuse.';

