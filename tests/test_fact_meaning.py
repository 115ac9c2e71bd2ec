"""What a figure means: kind, range, qualifier, change or level, target, period, comparison, place;
issuers and keys of documents; whole roles and names. One behaviour per test, on inline text."""

from __future__ import annotations

from datetime import date

from transforms.facts import extract_facts_from_text
from transforms.places import find_places, place_rows, resolve_place
from transforms.records import Fact


def facts_of(text: str, province_code: str | None = "22") -> list[Fact]:
    return extract_facts_from_text(text, "body", 0, province_code)


def numeric(text: str, province_code: str | None = "22") -> list[Fact]:
    return [fact for fact in facts_of(text, province_code) if fact.kind not in ("legal_ref", "person")]


def test_range_keeps_both_ends_and_no_value() -> None:
    [fact] = numeric("Giá căn hộ dao động từ 14,5 đến 17 triệu đồng/m².")
    assert (fact.kind, fact.value, fact.low, fact.high, fact.per_unit) == ("money", None, 14.5e6, 17e6, "m²")
    assert fact.subject is None or "5 đến" not in fact.subject


def test_hyphen_range_with_approximation() -> None:
    [fact] = numeric("Căn hộ khoảng 19-22 triệu đồng/m².")
    assert (fact.low, fact.high, fact.qualifier) == (19e6, 22e6, "approx")


def test_holiday_dates_are_no_ratio() -> None:
    assert numeric("Dịp nghỉ lễ 30/4 - 1/5, khách du lịch tăng mạnh.") == []


def test_compound_amount_adds_up() -> None:
    [fact] = numeric("Xã được hỗ trợ 3 tỷ 500 triệu đồng làm nhà.")
    assert fact.value == 3.5e9


def test_percentage_points_are_a_change_not_a_score() -> None:
    [fact] = numeric("Tỷ lệ hộ nghèo giảm 9,3 điểm phần trăm.")
    assert (fact.kind, fact.value, fact.measure, fact.direction) == ("percentage_point", 9.3, "change", "down")


def test_durations_are_not_counts() -> None:
    kinds = [(fact.kind, fact.unit) for fact in numeric("Thời hạn vay 5 năm, giải quyết trong vòng 24 giờ, thi công 36 tháng.")]
    assert kinds == [("duration", "năm"), ("duration", "giờ"), ("duration", "tháng")]


def test_reporting_span_is_no_duration() -> None:
    assert numeric("Trong 9 tháng đầu năm 2026, tình hình ổn định.") == []


def test_phone_numbers_and_levels_are_no_figures() -> None:
    assert numeric("Gọi 0237.3852.211 hoặc 1900 1234; dịch vụ công mức độ 4; thôn 2; khóa XII.") == []


def test_change_is_told_from_level() -> None:
    level, change = numeric("Toàn tỉnh còn 112 hộ nghèo, giảm 146 hộ so với cuối năm 2024.")
    assert (level.measure, level.direction) == ("level", None)
    assert (change.measure, change.direction) == ("change", "down")
    assert (change.compared_to_start, change.compared_to_end) == (date(2024, 12, 31), date(2024, 12, 31))


def test_comparison_year_is_not_the_period() -> None:
    money, percent = numeric("Năm 2025, xuất khẩu đạt 2,35 tỷ USD, tăng 26,4% so với năm 2024.")
    assert (money.period_start, money.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (percent.period_start, percent.compared_to_start) == (date(2025, 1, 1), date(2024, 1, 1))
    assert (percent.measure, percent.direction) == ("change", "up")


def test_same_period_last_year_takes_the_figure_months() -> None:
    [fact] = numeric("Quý I/2026, thu ngân sách tăng 8,4% so với cùng kỳ năm 2025.")
    assert (fact.period_start, fact.period_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (fact.compared_to_start, fact.compared_to_end) == (date(2025, 1, 1), date(2025, 3, 31))


def test_nine_months_and_points_in_time() -> None:
    nine, point, end_of_year = numeric(
        "9 tháng đầu năm 2026 thu 14.250 tỷ đồng. Đến 30/6/2025 có 7.120 doanh nghiệp. Hết năm 2022 còn 58 hộ nghèo."
    )
    assert (nine.period_start, nine.period_end) == (date(2026, 1, 1), date(2026, 9, 30))
    assert (point.period_start, point.period_end) == (date(2025, 6, 30), date(2025, 6, 30))
    assert end_of_year.period_end == date(2022, 12, 31)


def test_period_from_the_paragraph_when_the_sentence_has_none() -> None:
    _, second = numeric("Tháng 10/2025, giá lúa ở mức 7.000 đồng/kg. Giá xoài là 40.000 đồng/kg.")
    assert (second.period_start, second.period_end) == (date(2025, 10, 1), date(2025, 10, 31))


def test_target_and_actual() -> None:
    actual, target = numeric("Năm 2025 thu 59.940 tỷ đồng; năm 2026 tỉnh phấn đấu thu 61.000 tỷ đồng.")
    assert (actual.status, target.status) == ("actual", "target")
    assert target.period_start == date(2026, 1, 1)


def test_share_of_the_plan_is_actual() -> None:
    [share, growth] = numeric("Thu ngân sách bằng 81% dự toán, tăng 6,9% so với cùng kỳ.")
    assert (share.status, growth.status) == ("actual", "actual")


def test_qualifiers() -> None:
    qualifiers = [fact.qualifier for fact in numeric(
        "khoảng 5 hộ, hơn 6 hộ, dưới 7 hộ, ít nhất 8 hộ, tối đa 9 hộ, 12% trở lên, ước đạt 10 tỷ đồng, 11 hộ"
    )]
    assert qualifiers == ["approx", "over", "under", "at_least", "at_most", "at_least", "approx", None]


def test_subject_is_not_cut_at_a_decimal_comma() -> None:
    _, second = numeric("Thu hút 2,1 tỷ USD và 46.500 tỷ đồng vốn đầu tư.")
    assert second.subject is None or not any(character.isdigit() for character in second.subject)


def test_places_in_brackets_each_figure_its_own() -> None:
    total, first, second = numeric("Toàn tỉnh có 258 hộ nghèo, trong đó huyện Ba Chẽ (58 hộ) và huyện Bình Liêu (54 hộ).")
    assert total.place_name is None
    assert (first.place_name, first.place_code, first.place_level) == ("huyện Ba Chẽ", "06970", "commune")
    assert (second.place_name, second.place_code) == ("huyện Bình Liêu", "06838")


def test_former_province_maps_to_its_successor() -> None:
    [fact] = numeric("Tỉnh Hải Dương cũ thu hút 520 triệu USD.", province_code="31")
    assert (fact.place_code, fact.place_level) == ("31", "province")


def test_former_city_maps_to_the_ward_of_its_name() -> None:
    [mention] = find_places("TP Hạ Long")
    place = resolve_place(mention, "22")
    assert place is not None and (place.code, place.level) == ("06688", "ward")


def test_gazetteer_rows_hold_34_provinces_and_former_names() -> None:
    rows = place_rows()
    provinces = [row for row in rows if row[3] == "province"]
    assert len(provinces) == 34
    hai_phong = next(row for row in provinces if row[0] == "31")
    assert any("Hải Dương" in name for name in hai_phong[5])


def test_same_number_different_year_are_different_documents() -> None:
    first, second = [fact for fact in facts_of(
        "Nghị quyết số 06-NQ/TU ngày 20/5/2021 của Tỉnh ủy và Nghị quyết số 06-NQ/TU ngày 15/1/2026 của Tỉnh ủy."
    ) if fact.kind == "legal_ref"]
    assert first.doc_key != second.doc_key
    assert (first.issuer, first.issued_on) == ("Tỉnh ủy", date(2021, 5, 20))


def test_issue_date_leading_the_sentence_with_ky() -> None:
    [fact] = [fact for fact in facts_of("Ngày 19/7/2025, Chủ tịch UBND tỉnh đã ký Công điện số 05/CĐ-UBND.")
              if fact.kind == "legal_ref"]
    assert (fact.issued_on, fact.doc_type, fact.issuer) == (date(2025, 7, 19), "Công điện", "Chủ tịch UBND tỉnh")


def test_issuer_from_the_code() -> None:
    [fact] = [fact for fact in facts_of("Thực hiện Quyết định số 90/QĐ-TTg về giảm nghèo.") if fact.kind == "legal_ref"]
    assert fact.issuer == "Thủ tướng Chính phủ"


def test_role_with_a_comma_inside_the_organisation_name() -> None:
    [person] = [fact for fact in facts_of("Bà Trần Thị Hạnh, Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch, phát biểu.")
                if fact.kind == "person"]
    assert (person.role, person.organisation) == (
        "Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"
    )


def test_head_of_a_management_board() -> None:
    [person] = [fact for fact in facts_of("Ông Lê Văn Nam, Trưởng Ban Quản lý Khu kinh tế tỉnh, cho biết.")
                if fact.kind == "person"]
    assert (person.role, person.organisation) == ("Trưởng Ban Quản lý Khu kinh tế tỉnh", "Ban Quản lý Khu kinh tế tỉnh")


def test_hyphenated_name_is_whole() -> None:
    [person] = [fact for fact in facts_of("Ông Kim Min-jun, Tổng Giám đốc Công ty ABC, cho biết.")
                if fact.kind == "person"]
    assert person.name == "Kim Min-jun"
