"""Facts extractor: one behaviour per test, on inline Vietnamese text."""

from __future__ import annotations

import unicodedata
from datetime import date

from transforms.facts import EXTRACTOR_VERSION, extract_facts, extract_facts_from_text
from transforms.records import Article, Caption, Fact


def facts_of(text: str, kind: str | None = None) -> list[Fact]:
    """Facts of `text` read as body paragraph 0, only those of `kind` when given."""
    facts = extract_facts_from_text(text, "body", 0)
    return [fact for fact in facts if kind is None or fact.kind == kind]


def only(text: str, kind: str) -> Fact:
    """The one fact of `kind` in `text`; fails when there are none or several."""
    [fact] = facts_of(text, kind)
    return fact


# money


def test_billions_of_dong() -> None:
    fact = only("Tổng chi giai đoạn 2011-2015 là 4.690 tỷ đồng.", "money")
    assert (fact.text, fact.value, fact.unit) == ("4.690 tỷ đồng", 4.69e12, "VND")


def test_millions_of_dong_with_decimals() -> None:
    fact = only("tổng số tiền đã hỗ trợ là 825.950,55 triệu đồng.", "money")
    assert (fact.value, fact.unit) == (8.2595055e11, "VND")


def test_thousand_billion_dong() -> None:
    assert only("Dự án cần 2,4 nghìn tỷ đồng.", "money").value == 2.4e12


def test_dollars() -> None:
    fact = only("GRDP bình quân đầu người đạt 7.614 USD.", "money")
    assert (fact.value, fact.unit) == (7614, "USD")


def test_millions_of_dollars() -> None:
    fact = only("Tỉnh thu hút 35 triệu USD vốn ODA.", "money")
    assert (fact.value, fact.unit) == (3.5e7, "USD")


def test_money_per_person_keeps_the_per_unit() -> None:
    fact = only("Mỗi hộ được hỗ trợ 2 triệu đồng/người.", "money")
    assert (fact.text, fact.value, fact.unit, fact.per_unit) == ("2 triệu đồng/người", 2e6, "VND", "người")


def test_money_for_each_village_keeps_the_per_unit() -> None:
    assert only("Tỉnh hỗ trợ 10 triệu đồng cho mỗi thôn.", "money").per_unit == "thôn"


def test_dong_bao_is_not_currency() -> None:
    assert facts_of("Có 120 đồng bào được hỗ trợ.", "money") == []


# percent


def test_percent_with_space_before_sign() -> None:
    fact = only("chiếm tỷ lệ 0,067 % tổng số hộ dân toàn tỉnh", "percent")
    assert (fact.text, fact.value) == ("0,067 %", 0.067)


def test_percent_reached() -> None:
    assert only("Dịch vụ công mức độ 4 đạt 75%.", "percent").value == 75


def test_percent_growth() -> None:
    assert only("tăng 8,8% so với cùng kỳ năm 2021", "percent").value == 8.8


def test_percent_subject_follows_a_slash() -> None:
    assert only("tỷ lệ tử vong chỉ chiếm 0,04%/tổng số ca mắc", "percent").subject == "tổng số ca mắc"


# ratio


def test_ratio_with_subject() -> None:
    fact = only("đã cung cấp được 1.712/1.832 dịch vụ công trực tuyến mức độ 3, 4 trên Cổng dịch vụ công", "ratio")
    assert (fact.value, fact.denominator) == (1712, 1832)
    assert fact.subject == "dịch vụ công trực tuyến mức độ 3, 4"


def test_ratio_of_communes() -> None:
    fact = only("toàn tỉnh có 98/98 xã đạt chuẩn nông thôn mới", "ratio")
    assert (fact.text, fact.value, fact.denominator, fact.subject) == ("98/98", 98, 98, "xã")


def test_ratio_of_localities() -> None:
    fact = only("có 4/13 địa phương không còn hộ nghèo", "ratio")
    assert (fact.value, fact.denominator) == (4, 13)


def test_day_and_month_after_time_of_day_is_no_ratio() -> None:
    assert facts_of("Sáng 2/9, đoàn công tác đến thăm.", "ratio") == []


def test_round_the_clock_is_no_ratio() -> None:
    assert facts_of("Các đội sửa chữa lưu động trực 24/24 giờ.", "ratio") == []


def test_day_larger_than_month_is_no_ratio() -> None:
    assert facts_of("Tối 16/2, chuyến tàu lăn bánh.", "ratio") == []


# number


def test_count_of_households() -> None:
    fact = only("toàn tỉnh còn 258 hộ nghèo, chiếm tỷ lệ 0,067 %", "number")
    assert (fact.text, fact.value, fact.unit, fact.subject) == ("258 hộ", 258, "hộ", "hộ nghèo")


def test_grouped_count_of_people() -> None:
    fact = only("đã hỗ trợ cho 500.277 người", "number")
    assert (fact.value, fact.unit) == (500277, "người")


def test_approximate_thousands_of_cases() -> None:
    fact = only("đã ghi nhận khoảng 300 ngàn ca nhiễm", "number")
    assert (fact.text, fact.value, fact.unit) == ("khoảng 300 ngàn ca", 300000, "ca")


def test_more_than_thousands_of_visits() -> None:
    fact = only("huyện đón hơn 650 nghìn lượt", "number")
    assert (fact.text, fact.value) == ("hơn 650 nghìn lượt", 650000)


def test_millions_of_visits_with_subject() -> None:
    fact = only("toàn tỉnh đón 2,7 triệu lượt khách", "number")
    assert (fact.value, fact.unit, fact.subject) == (2.7e6, "lượt", "lượt khách")


def test_two_word_unit_with_decimal_count() -> None:
    fact = only("đạt 14,85 bác sĩ trên 1 vạn dân", "number")
    assert (fact.text, fact.value, fact.unit) == ("14,85 bác sĩ", 14.85, "bác sĩ")


def test_population_base_becomes_per_unit_not_a_fact() -> None:
    [doctors] = facts_of("đạt 14,85 bác sĩ trên 1 vạn dân", "number")
    assert doctors.per_unit == "1 vạn dân"


def test_kilometres() -> None:
    fact = only("làm mới 25 km đường giao thông", "measure")
    assert (fact.value, fact.unit) == (25, "km")


def test_hectares_written_against_the_number() -> None:
    fact = only("trên diện tích hơn 660ha đất", "measure")
    assert (fact.text, fact.value, fact.unit, fact.qualifier) == ("hơn 660ha", 660, "ha", "over")


def test_capitalised_approximation_opens_the_fact() -> None:
    fact = only("Khoảng 68% sản lượng đến từ sinh hoạt.", "percent")
    assert (fact.text, fact.value) == ("Khoảng 68%", 68)


def test_hon_after_a_comparative_is_not_an_approximation() -> None:
    fact = only("đạt 95,3% dân số, cao hơn 1,8 điểm phần trăm so với chỉ tiêu", "percentage_point")
    assert (fact.text, fact.value, fact.qualifier) == ("1,8 điểm phần trăm", 1.8, None)
    assert (fact.measure, fact.direction) == ("change", "up")


def test_money_per_unit_chain() -> None:
    fact = only("hỗ trợ học phí với mức 2 triệu đồng/người/năm học;", "money")
    assert (fact.text, fact.per_unit) == ("2 triệu đồng/người/năm học", "người/năm học")


def test_capitalised_two_word_unit() -> None:
    fact = only("Toàn tỉnh hiện có 54 Trung tâm Phục vụ hành chính công cấp xã.", "number")
    assert (fact.text, fact.unit) == ("54 Trung tâm", "Trung tâm")


def test_hours_within_a_delay_are_a_duration() -> None:
    fact = only("được phản hồi trong vòng 24 giờ.", "duration")
    assert (fact.text, fact.value, fact.unit) == ("24 giờ", 24, "giờ")


def test_two_word_unit_wins_over_a_function_word() -> None:
    fact = only("các trường công lập tuyển 15.120 chỉ tiêu", "number")
    assert (fact.text, fact.unit) == ("15.120 chỉ tiêu", "chỉ tiêu")


def test_compound_ending_in_a_level_word_does_not_make_a_level() -> None:
    assert [fact.text for fact in facts_of("Phê duyệt danh mục 35 dự án; tổng điểm 3 môn", "number")] == [
        "35 dự án",
        "3 môn",
    ]


def test_and_a_half() -> None:
    assert only("Sau 2 năm rưỡi chống dịch", "duration").value == 2.5


# legal references


def test_resolution_number_is_normalised() -> None:
    fact = only("Ban Chấp hành đã ban hành Nghị quyết số 06 - NQ/TU về phát triển bền vững", "legal_ref")
    assert (fact.text, fact.doc_number, fact.doc_type) == ("06 - NQ/TU", "06-NQ/TU", "Nghị quyết")


def test_resolution_with_issue_date() -> None:
    fact = only("thực hiện Nghị quyết số 19-NQ/TU, ngày 03/3/2015 của Tỉnh ủy", "legal_ref")
    assert (fact.doc_number, fact.issued_on) == ("19-NQ/TU", date(2015, 3, 3))


def test_prime_minister_decision() -> None:
    fact = only("thực hiện Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng", "legal_ref")
    assert (fact.doc_number, fact.doc_type, fact.issued_on) == ("06/QĐ-TTg", "Quyết định", date(2022, 1, 6))


def test_plan_number() -> None:
    fact = only("UBND tỉnh ban hành Kế hoạch số 215/KH-UBND", "legal_ref")
    assert (fact.doc_number, fact.doc_type) == ("215/KH-UBND", "Kế hoạch")


def test_provincial_decision_with_date_after_issuer() -> None:
    fact = only("Quyết định số 3456/QĐ-UBND của UBND tỉnh ngày 12/10/2022", "legal_ref")
    assert (fact.doc_number, fact.issued_on) == ("3456/QĐ-UBND", date(2022, 10, 12))


def test_circular_with_year_in_its_number() -> None:
    fact = only("Thông tư số 01/2022/TT-BNV của Bộ Nội vụ", "legal_ref")
    assert (fact.doc_number, fact.doc_type) == ("01/2022/TT-BNV", "Thông tư")


def test_type_is_inferred_from_the_code_in_a_list() -> None:
    facts = facts_of("Nghị quyết số 18-NQ/TW, số 19-NQ/TW của Ban Chấp hành Trung ương", "legal_ref")
    assert [(fact.doc_number, fact.doc_type) for fact in facts] == [
        ("18-NQ/TW", "Nghị quyết"),
        ("19-NQ/TW", "Nghị quyết"),
    ]


def test_issue_date_leading_the_sentence() -> None:
    fact = only("Ngày 12/9/2025, UBND tỉnh ban hành Quyết định số 3456/QĐ-UBND phê duyệt danh mục.", "legal_ref")
    assert fact.issued_on == date(2025, 9, 12)


def test_a_later_date_is_not_the_issue_date() -> None:
    fact = only("Từ khi thực hiện Nghị quyết số 128-NQ/CP của Chính phủ đến ngày 29/3/2022", "legal_ref")
    assert fact.issued_on is None


def test_document_number_is_not_a_ratio_or_count() -> None:
    kinds = [fact.kind for fact in facts_of("Quyết định số 06/QĐ-TTg của Thủ tướng Chính phủ")]
    assert kinds == ["legal_ref"]


# person


def test_person_fact_has_name_and_role() -> None:
    fact = only("đồng chí Nguyễn Xuân Ký, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh phát biểu", "person")
    assert (fact.text, fact.name, fact.role) == ("Nguyễn Xuân Ký", "Nguyễn Xuân Ký", "Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh")


# subject, period, place


def test_period_range_is_kept() -> None:
    fact = only("giai đoạn 2016 – 2020 là 8.981 tỷ đồng", "money")
    assert (fact.period_start, fact.period_end) == (date(2016, 1, 1), date(2020, 12, 31))


def test_year_is_kept_as_period() -> None:
    fact = only("Đến năm 2022 toàn tỉnh còn 258 hộ nghèo", "number")
    assert (fact.period_start, fact.period_end) == (date(2022, 1, 1), date(2022, 12, 31))


def test_place_of_the_clause_not_the_next_one() -> None:
    facts = facts_of("huyện Ba Chẽ là 0,623%, huyện Hải Hà là 0,562%", "percent")
    assert [fact.place_name for fact in facts] == ["huyện Ba Chẽ", "huyện Hải Hà"]


def test_subject_before_money() -> None:
    assert only("GRDP bình quân đầu người đạt 7.614 USD.", "money").subject == "GRDP bình quân đầu người"


# not facts


def test_years_are_not_facts() -> None:
    assert facts_of("Năm 2022, Bính Ngọ 2026 và nhiệm kỳ 2020-2025 đến hết năm 2030.") == []


def test_dates_are_not_facts() -> None:
    assert facts_of("Vào ngày 6/4/2022, từ tháng 4/2021 đến ngày 29/3/2022, sáng 12/2.") == []


def test_levels_are_not_facts() -> None:
    assert facts_of("dịch vụ công trực tuyến mức độ 3, 4 và mức 3, 4 của tỉnh") == []


def test_doses_are_not_facts() -> None:
    assert facts_of("tiêm vắc-xin mũi 1, mũi 2 và mũi 3, mũi 4 cho người dân") == []


def test_villages_and_stages_are_not_facts() -> None:
    assert facts_of("Cử tri thôn 2, xã Bằng Cả hoàn thành giai đoạn 2.") == []


def test_party_congress_terms_are_not_facts() -> None:
    assert facts_of("Ban Chấp hành Trung ương Đảng (khóa XII) và đứng thứ 2 cả nước") == []


def test_slogans_are_not_facts() -> None:
    assert facts_of("theo phương châm “3 trước”, “4 tại chỗ”, tích cực, chủ động") == []


def test_phone_numbers_are_not_facts() -> None:
    assert facts_of("Gọi đường dây nóng 0912.345.678 hoặc 0203.3825.111.") == []


def test_numbers_glued_to_names_are_not_facts() -> None:
    assert facts_of("dịch Covid-19 và điều trị F0 tại nhà, tàu SE3 lăn bánh") == []


def test_kilometre_post_is_not_a_fact() -> None:
    assert facts_of("qua cầu phao tạm Km3+4 Hải Yên mỗi ngày") == []


def test_day_of_the_lunar_month_is_not_a_count() -> None:
    assert facts_of("Chợ hoa mở đến hết chiều 30 Tết.") == []


def test_hours_are_not_facts() -> None:
    assert facts_of("làm việc từ 7 giờ đến 17 giờ") == []


def test_half_year_is_a_period_not_a_count() -> None:
    assert facts_of("Trong 6 tháng đầu năm, tỉnh ổn định.", "number") == []


def test_months_of_a_year_are_a_period_not_a_count() -> None:
    assert facts_of("10 tháng năm 2025, không gian đi bộ đón khách.", "number") == []


def test_clock_time_is_not_a_duration() -> None:
    assert facts_of("Lễ khai mạc bắt đầu lúc 9 giờ sáng, kéo dài tới 11 giờ 30.", "number") == []


# provenance


def test_offsets_locate_the_surface_text_in_nfc_input() -> None:
    text = unicodedata.normalize("NFC", "Tổng kinh phí năm 2022 là 2.013 tỷ đồng, tăng 8,8%.")
    for fact in facts_of(text):
        assert text[fact.start : fact.end] == fact.text


def test_sentence_is_the_one_holding_the_fact() -> None:
    fact = only("Tỉnh có 1.473 Tổ công nghệ số. Năm 2023 tăng 8,8%.", "percent")
    assert fact.sentence == "Năm 2023 tăng 8,8%."


def test_article_facts_carry_source_paragraph_and_version() -> None:
    article = Article(
        url="https://baoquangninh.vn/a-1234567.html",
        canonical_url=None,
        title="Chi 4.690 tỷ đồng cho an sinh",
        lead="Tỉnh có 258 hộ nghèo.",
        body=("Không có số liệu.", "Đạt 75%."),
        published_at=None,
        authors=(),
        section=None,
        captions=(Caption(text="Hỗ trợ 10 triệu đồng cho mỗi thôn", image_url=None, occurrences=2, position=3),),
    )
    provenance = [(fact.source, fact.paragraph, fact.text, fact.extractor_version) for fact in extract_facts(article)]
    assert provenance == [
        ("title", None, "4.690 tỷ đồng", EXTRACTOR_VERSION),
        ("lead", None, "258 hộ", EXTRACTOR_VERSION),
        ("body", 1, "75%", EXTRACTOR_VERSION),
        ("caption", 3, "10 triệu đồng", EXTRACTOR_VERSION),
    ]
