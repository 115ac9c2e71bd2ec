"""Bylines as data: roles, outlets, honorifics, agencies and syndication credits as papers print them."""

from __future__ import annotations

import pytest

from transforms.bylines import merge_bylines, metadata_bylines, read_byline, syndication_credit, trailing_source
from transforms.records import Byline


def credits(line: str, marked: bool = False) -> list[tuple[str, str | None, str | None]] | None:
    found = read_byline(line, marked=marked)
    return None if found is None else [(byline.name, byline.role, byline.outlet) for byline in found.bylines]


def test_text_and_photo_by_one_person() -> None:
    assert credits("Tin và ảnh: Nam Giang") == [("Nam Giang", "text", None)]


def test_text_and_photo_by_two_people() -> None:
    assert credits("Tin: Tường Minh - Ảnh: Đỗ Hiền") == [("Tường Minh", "text", None), ("Đỗ Hiền", "photo", None)]


def test_roles_separated_by_semicolon_and_bar() -> None:
    assert credits("Bài: Hà Chi; Ảnh: Minh Hà") == [("Hà Chi", "text", None), ("Minh Hà", "photo", None)]
    assert credits("Nội dung: Hà Chi | Trình bày: Mạnh Hà") == [("Hà Chi", "text", None)]


def test_video_credit() -> None:
    assert credits("Video: Quốc Huy") == [("Quốc Huy", "video", None)]


def test_name_and_outlet_after_a_slash() -> None:
    assert credits("Tạ Nguyên/Báo Tin tức") == [("Tạ Nguyên", None, "Báo Tin tức")]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Bác sĩ Nguyễn Trung Cấp", "Nguyễn Trung Cấp"),
        ("BS. Trần Thu Hà", "Trần Thu Hà"),
        ("ThS. Lê Văn Nam", "Lê Văn Nam"),
        ("PGS.TS. Phạm Minh Đức", "Phạm Minh Đức"),
        ("ThS.BS Lê Minh Tâm", "Lê Minh Tâm"),
        ("Luật sư Đặng Văn Cường", "Đặng Văn Cường"),
    ],
)
def test_honorifics_and_degrees_are_kept_apart_from_the_name(line: str, name: str) -> None:
    assert credits(line, marked=True) == [(name, None, None)]


def test_writer_compiling_from_another_outlet() -> None:
    found = read_byline("Quang Minh (theo Healthline)")
    assert found is not None
    assert [byline.name for byline in found.bylines] == ["Quang Minh"]
    assert found.syndicated_from == "Healthline"


@pytest.mark.parametrize(
    ("line", "outlet"),
    [("Theo Vietnamnet", "Vietnamnet"), ("Theo DTO", "DTO"), ("(Theo Dân trí)", "Dân trí"), ("TTXVN", "TTXVN"),
     ("Nguồn: Báo Chính phủ", "Báo Chính phủ"), ("Theo tuoitre.vn", "tuoitre.vn")],
)
def test_syndication_credits(line: str, outlet: str) -> None:
    assert syndication_credit(line) == outlet


@pytest.mark.parametrize(
    "line",
    ["Theo kế hoạch, tỉnh sẽ hoàn thành trong năm nay.", "Theo ông Hùng, dự án sẽ xong", "Theo Quyết định số 12/QĐ-UBND, các xã phải báo cáo trước ngày 30/6."],
)
def test_sentences_opening_with_theo_are_not_credits(line: str) -> None:
    assert syndication_credit(line) is None


def test_sentence_is_not_a_byline() -> None:
    assert read_byline("Đây là một câu văn bình thường, không phải tên người.") is None


def test_agency_keeps_its_capitals_and_its_address_is_not_authors() -> None:
    assert metadata_bylines(("TTXVN, Lý Thường Kiệt, Hà Nội",), None) == (Byline("TTXVN", None, "TTXVN"),)


def test_metadata_names_split_on_real_separators() -> None:
    assert [byline.name for byline in metadata_bylines(("Thu Hà, Minh Anh",), None)] == ["Thu Hà", "Minh Anh"]


def test_site_name_as_author_is_no_byline() -> None:
    assert metadata_bylines(("Báo Quảng Ninh",), "Báo Quảng Ninh") == ()


def test_credit_in_parentheses_at_the_end_of_a_paragraph() -> None:
    assert trailing_source("Các tỉnh cam kết hỗ trợ doanh nghiệp. (Theo TTXVN)") == ("Các tỉnh cam kết hỗ trợ doanh nghiệp.", "TTXVN")
    assert trailing_source("Dự án (giai đoạn 2) hoàn thành.") == ("Dự án (giai đoạn 2) hoàn thành.", None)


def test_merged_bylines_keep_the_first_place_and_fill_in_roles() -> None:
    merged = merge_bylines((Byline("Hà Chi", None),), (Byline("Hà Chi", "text"), Byline("Mạnh Hà", "photo")))
    assert merged == (Byline("Hà Chi", "text"), Byline("Mạnh Hà", "photo"))
