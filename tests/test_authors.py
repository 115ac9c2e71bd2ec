"""Authors: names in normal case from metadata or the byline printed at the end of an article."""

from __future__ import annotations

from transforms.authors import normal_case, split_names
from transforms.bylines import author_names, read_byline


def byline_authors(line: str) -> list[str] | None:
    """The writers a byline line names; None when the line is not a byline."""
    found = read_byline(line)
    return None if found is None else list(author_names(found.bylines))


def test_upper_case_byline_is_put_in_normal_case() -> None:
    assert byline_authors("HÀ CHI") == ["Hà Chi"]


def test_content_role_names_the_author() -> None:
    assert byline_authors("Nội dung: Hà Chi") == ["Hà Chi"]


def test_layout_role_is_a_byline_without_an_author() -> None:
    assert byline_authors("Trình bày: Mạnh Hà") == []


def test_photo_credit_line_is_not_an_author() -> None:
    assert byline_authors("Ảnh: Thu Chung") == []


def test_two_names_joined_by_a_dash() -> None:
    assert byline_authors("Minh Đức - Thu Hà") == ["Minh Đức", "Thu Hà"]


def test_two_names_joined_by_va() -> None:
    assert split_names("Hoàng Nga và Minh Đức") == ["Hoàng Nga", "Minh Đức"]


def test_sentence_is_not_a_byline() -> None:
    assert byline_authors("Đây là một câu văn bình thường.") is None


def test_box_label_is_not_a_byline() -> None:
    assert byline_authors("Tin liên quan") is None


def test_mixed_case_name_is_kept_as_written() -> None:
    assert normal_case("Nguyễn Văn A") == "Nguyễn Văn A"


def test_same_name_twice_is_one_author() -> None:
    assert split_names("Thu Chung, THU CHUNG") == ["Thu Chung"]
