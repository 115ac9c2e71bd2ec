"""Vietnamese number parsing."""

from __future__ import annotations

from transforms.numbers import parse_vietnamese_number


def test_dot_groups_thousands() -> None:
    assert parse_vietnamese_number("1.712") == 1712


def test_comma_is_the_decimal_mark() -> None:
    assert parse_vietnamese_number("0,067") == 0.067


def test_grouped_number_with_decimals() -> None:
    assert parse_vietnamese_number("825.950,55") == 825950.55


def test_billion_scales_the_value() -> None:
    assert parse_vietnamese_number("4.690 tỷ") == 4.69e12


def test_million_scale_keeps_decimals_exact() -> None:
    assert parse_vietnamese_number("825.950,55 triệu") == 8.2595055e11


def test_stacked_scale_words_multiply() -> None:
    assert parse_vietnamese_number("2,4 nghìn tỷ") == 2.4e12


def test_ngan_is_a_thousand() -> None:
    assert parse_vietnamese_number("300 ngàn") == 300000


def test_van_is_ten_thousand() -> None:
    assert parse_vietnamese_number("1 vạn") == 10000


def test_ti_spelling_of_billion() -> None:
    assert parse_vietnamese_number("3 tỉ") == 3e9


def test_dot_before_a_single_digit_is_not_a_vietnamese_number() -> None:
    assert parse_vietnamese_number("1.5") is None


def test_words_are_not_a_number() -> None:
    assert parse_vietnamese_number("hộ nghèo") is None
