-- 060: what a fact means (range, qualifier, level or change, actual or target, period and comparison
-- as dates, place resolved to a 2025 unit, document issuer and key, a person's organisation), and the
-- places table of 2025 administrative units. The free-text period and place columns give way to dates
-- and codes; `provnews facts` extracts every older fact again (its extractor version differs).

ALTER TABLE facts DROP COLUMN period;
ALTER TABLE facts DROP COLUMN place;
ALTER TABLE facts ADD COLUMN low DOUBLE;
ALTER TABLE facts ADD COLUMN high DOUBLE;
ALTER TABLE facts ADD COLUMN qualifier VARCHAR;
ALTER TABLE facts ADD COLUMN measure VARCHAR;
ALTER TABLE facts ADD COLUMN direction VARCHAR;
ALTER TABLE facts ADD COLUMN status VARCHAR;
ALTER TABLE facts ADD COLUMN period_start DATE;
ALTER TABLE facts ADD COLUMN period_end DATE;
ALTER TABLE facts ADD COLUMN compared_to_start DATE;
ALTER TABLE facts ADD COLUMN compared_to_end DATE;
ALTER TABLE facts ADD COLUMN place_name VARCHAR;
ALTER TABLE facts ADD COLUMN place_code VARCHAR;
ALTER TABLE facts ADD COLUMN place_level VARCHAR;
ALTER TABLE facts ADD COLUMN doc_key VARCHAR;
ALTER TABLE facts ADD COLUMN issuer VARCHAR;
ALTER TABLE facts ADD COLUMN organisation VARCHAR;

-- Facts stored by the earlier rules were single figures; they stay readable until the facts stage,
-- for which every article is pending again, replaces them with facts carrying their meaning.
UPDATE facts SET low = value, high = value WHERE value IS NOT NULL;
DELETE FROM fact_extractions;
-- The facts stage reads only articles parsed after its watermark: without it, it reads them all.
DELETE FROM stage_watermarks WHERE stage = 'facts';

COMMENT ON TABLE facts IS 'One row per fact found in an article: a figure (money, percent, percentage_point, ratio, number, measure, duration), a legal_ref or a person, with what it means.';
COMMENT ON COLUMN facts.kind IS 'money, percent, percentage_point (a difference of percentages), ratio ("98/98 xã"), number (a count of things), measure (km, ha, m², MW, tấn, °C, …), duration ("3 tháng", "24 giờ"), legal_ref or person.';
COMMENT ON COLUMN facts.value IS 'The figure, in the unit of `unit` (currency units for money, percent for percent and percentage_point, the numerator for ratio); NULL for a range, whose ends are low and high.';
COMMENT ON COLUMN facts.low IS 'Lower end of a range ("từ 14,5 đến 17 triệu đồng" gives 14500000); equals value for a single figure.';
COMMENT ON COLUMN facts.high IS 'Upper end of a range; equals value for a single figure.';
COMMENT ON COLUMN facts.unit IS 'VND, USD or EUR for money; % for percent; "điểm phần trăm" for percentage_point; the measure unit (km, ha, m², tấn, MW, °C, …), the time unit (ngày, tháng, năm, giờ) or the counted noun ("hộ", "dự án"); NULL for ratios and non-figures.';
COMMENT ON COLUMN facts.qualifier IS 'How exact the figure is: approx (khoảng, gần, xấp xỉ, ước), over (hơn, trên), under (dưới, chưa đến), at_least (ít nhất, tối thiểu, trở lên), at_most (tối đa, không quá); NULL when stated exactly.';
COMMENT ON COLUMN facts.measure IS 'level (a stock, a total, a rate) or change (a difference: "giảm 146 hộ", "tăng 26,4%"); NULL for legal_ref and person. Never add a change to a level.';
COMMENT ON COLUMN facts.direction IS 'up or down for a change; NULL for a level.';
COMMENT ON COLUMN facts.status IS 'actual, or target for a plan or goal ("mục tiêu", "kế hoạch", "phấn đấu", "dự kiến", "dự toán"); NULL for legal_ref and person.';
COMMENT ON COLUMN facts.period_start IS 'First day of the period the figure is about ("quý I/2026" gives 2026-01-01), from its sentence, else its paragraph; NULL when the text names none. A point in time ("đến 30/6/2025") has start = end.';
COMMENT ON COLUMN facts.period_end IS 'Last day of the period the figure is about ("9 tháng đầu năm 2026" gives 2026-09-30).';
COMMENT ON COLUMN facts.compared_to_start IS 'First day of the period the figure is compared with ("so với cùng kỳ năm 2025"); never the figure''s own period.';
COMMENT ON COLUMN facts.compared_to_end IS 'Last day of the period the figure is compared with.';
COMMENT ON COLUMN facts.place_name IS 'The place the figure is about, as written ("huyện Ba Chẽ", "Quảng Ninh"); NULL when its sentence names none.';
COMMENT ON COLUMN facts.place_code IS 'Code of the administrative unit in force since 1 July 2025 that holds the place (places.place_code); a pre-2025 name maps to the unit that took it over.';
COMMENT ON COLUMN facts.place_level IS 'Level of place_code: province, ward, commune or special_zone.';
COMMENT ON COLUMN facts.subject IS 'Noun phrase the figure measures ("hộ nghèo", "dịch vụ công trực tuyến"), never cut inside a number.';
COMMENT ON COLUMN facts.doc_key IS 'Key of a legal_ref document: number|issuer|year, so documents sharing a number in other years or from other issuers differ.';
COMMENT ON COLUMN facts.issuer IS 'Who issued a legal_ref (Tỉnh ủy, UBND tỉnh, HĐND tỉnh, Thủ tướng Chính phủ, Bộ Chính trị, …), as the text names it or its code implies.';
COMMENT ON COLUMN facts.organisation IS 'Body a person''s role belongs to ("Sở Tài chính" of "Giám đốc Sở Tài chính").';
COMMENT ON COLUMN facts.role IS 'Person''s role or roles, whole, as the text gives them.';

CREATE TABLE places (
    place_code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    former_names VARCHAR[] NOT NULL
);
COMMENT ON TABLE places IS 'One row per administrative unit in force since 1 July 2025 (34 provinces and cities; communes, wards, special zones), from the vietnamadminunits package; filled by the facts stage.';
COMMENT ON COLUMN places.place_code IS 'Official code: two digits for a province or city, five for a commune, ward or special zone.';
COMMENT ON COLUMN places.name IS 'Full name with its type ("Tỉnh Quảng Ninh", "Xã Ba Chẽ").';
COMMENT ON COLUMN places.short_name IS 'Name without its type ("Quảng Ninh", "Ba Chẽ").';
COMMENT ON COLUMN places.level IS 'province, ward, commune or special_zone.';
COMMENT ON COLUMN places.province_code IS 'Code of the province or city the unit lies in (its own code for a province).';
COMMENT ON COLUMN places.former_names IS 'Pre-2025 units that map to this one: merged provinces, districts of the same name, communes and wards the 2025 converter assigns to it.';
