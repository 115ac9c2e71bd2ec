-- 040: sources say where a site belongs and how it is read: its province's 2025 code, its kind and CMS family.

ALTER TABLE sources ADD COLUMN province_code VARCHAR;
ALTER TABLE sources ADD COLUMN kind VARCHAR;
ALTER TABLE sources ADD COLUMN family VARCHAR;
ALTER TABLE sources ADD COLUMN verified VARCHAR;
COMMENT ON COLUMN sources.province_code IS 'Two-digit code of the province or centrally-run city since 1 July 2025 (01 Hà Nội … 96 Cà Mau); NULL for a site file that states none.';
COMMENT ON COLUMN sources.kind IS 'newspaper (an official provincial paper or a legacy host of an absorbed paper), portal (a provincial government portal) or other.';
COMMENT ON COLUMN sources.family IS 'CMS family of the site''s current layout (scrapers/families/<family>.yaml); NULL when the site file carries all its own selectors.';
COMMENT ON COLUMN sources.verified IS 'What the site file''s selectors and addresses rest on, as its verified note says.';
