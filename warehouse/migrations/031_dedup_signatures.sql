-- 031: each indexed article's MinHash signature and shingle count, so that a band candidate is
-- ruled out from these two columns instead of reading and hashing the old article's body again.

ALTER TABLE dedup_index ADD COLUMN signature BLOB;
ALTER TABLE dedup_index ADD COLUMN shingle_count INTEGER;
COMMENT ON COLUMN dedup_index.signature IS 'MinHash signature of the body: 128 little-endian uint32 values (transforms.dedup.signatures); NULL for bodies too short to compare and for articles indexed before the column existed (their candidates are verified from the bodies).';
COMMENT ON COLUMN dedup_index.shingle_count IS 'Distinct 5-syllable shingles of the body; with the signature, bounds the containment of a candidate pair. NULL where signature is.';
