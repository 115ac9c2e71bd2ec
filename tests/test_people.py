"""Person mentions: names after honorifics and titles, roles in apposition."""

from __future__ import annotations

from transforms.people import find_people


def test_comrade_with_roles_in_apposition() -> None:
    [person] = find_people("đồng chí Nguyễn Xuân Ký, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh phát biểu.")
    assert (person.name, person.role) == ("Nguyễn Xuân Ký", "Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh")


def test_title_before_the_name_is_the_role() -> None:
    [person] = find_people("Tổng Bí thư Nguyễn Phú Trọng đã chia sẻ:")
    assert (person.name, person.role) == ("Nguyễn Phú Trọng", "Tổng Bí thư")


def test_organisation_between_title_and_name_stays_in_the_role() -> None:
    [person] = find_people("Chủ tịch UBND huyện Ba Chẽ Hoàng Văn Thắng kiểm tra công trình.")
    assert (person.name, person.role) == ("Hoàng Văn Thắng", "Chủ tịch UBND huyện Ba Chẽ")


def test_description_after_an_honorific_is_the_role() -> None:
    [person] = find_people("Chị Trần Hương Nguyên, một tiểu thương ở chợ Hạ Long II, TP Hạ Long, chia sẻ:")
    assert (person.name, person.role) == ("Trần Hương Nguyên", "tiểu thương ở chợ Hạ Long II")


def test_short_apposition_closed_by_a_comma_is_the_role() -> None:
    [person] = find_people("Anh Lê Văn Tâm, thợ xây, cho biết: “Chúng tôi làm từ sáng sớm”.")
    assert (person.name, person.role) == ("Lê Văn Tâm", "thợ xây")


def test_age_in_apposition_is_no_role() -> None:
    [person] = find_people("Bà Phạm Thị Hồng, 68 tuổi, sống ở phố Hàng Bạc, cho biết:")
    assert person.role is None


def test_role_keeps_the_number_of_a_village() -> None:
    [person] = find_people("Ông Hoàng Văn Sinh, Trưởng thôn 2, cho biết:")
    assert person.role == "Trưởng thôn 2"


def test_role_keeps_lower_case_words_of_the_organisation() -> None:
    [person] = find_people("Ông Lê Văn Minh, Giám đốc Sở Giao thông vận tải, cho biết.")
    assert person.role == "Giám đốc Sở Giao thông vận tải"


def test_name_after_honorific_without_role() -> None:
    [person] = find_people("Gia đình bà Nguyễn Thị Lan được hỗ trợ làm nhà.")
    assert (person.name, person.role) == ("Nguyễn Thị Lan", None)


def test_bare_name_followed_by_a_role_is_a_person() -> None:
    [person] = find_people("Phạm Văn Hùng, Giám đốc Sở Y tế, cho biết.")
    assert (person.name, person.role) == ("Phạm Văn Hùng", "Giám đốc Sở Y tế")


def test_capitalised_honorific_is_not_part_of_the_name() -> None:
    [person] = find_people("Ông Lê Văn Minh, Giám đốc Sở Y tế, cho biết.")
    assert person.name == "Lê Văn Minh"


def test_street_named_after_a_person_is_no_person() -> None:
    assert find_people("Tại phố Trần Hưng Đạo, đoạn gần chợ, nước ngập sâu.") == []


def test_action_after_the_role_is_not_part_of_it() -> None:
    [person] = find_people("Ông Đỗ Quang Khải, Phó Chủ tịch UBND tỉnh, trực tiếp kiểm tra công tác phòng, chống bão.")
    assert person.role == "Phó Chủ tịch UBND tỉnh"


def test_offsets_point_at_the_name() -> None:
    text = "Đồng chí Cao Tường Huy, Quyền Chủ tịch UBND tỉnh, xem xét hồ sơ."
    [person] = find_people(text)
    assert text[person.start : person.end] == "Cao Tường Huy"


def test_title_without_a_name_is_no_person() -> None:
    assert find_people("do đồng chí Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh làm Trưởng ban chỉ đạo.") == []


def test_name_inside_an_institution_is_no_person() -> None:
    assert find_people("thành lập Trường Đào tạo cán bộ Nguyễn Văn Cừ trên cơ sở sáp nhập.") == []


def test_place_after_a_title_is_no_person() -> None:
    assert find_people("Chủ tịch UBND TP Hà Nội cho biết.") == []
