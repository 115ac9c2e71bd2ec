"""Unicode helpers: stored text is NFC on one line; the comparison key folds case and tone-mark placement."""

from __future__ import annotations

import unicodedata

from transforms.text import comparison_key, normalise_text


def test_decomposed_text_comes_out_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Quảng Ninh")
    assert normalise_text(decomposed) == "Quảng Ninh"
    assert unicodedata.is_normalized("NFC", normalise_text(decomposed))


def test_whitespace_runs_and_no_break_spaces_fold_to_one_space() -> None:
    assert normalise_text("  Hạ\u00a0Long \n\t vịnh\u200b ") == "Hạ Long vịnh"


def test_stored_text_keeps_the_authors_tone_mark_placement() -> None:
    assert normalise_text("hoà bình") == "hoà bình"


def test_key_moves_the_tone_mark_of_oa_oe_uy() -> None:
    assert comparison_key("hoà") == "hòa"
    assert comparison_key("khoẻ") == "khỏe"
    assert comparison_key("thuý") == "thúy"


def test_both_placements_share_one_key() -> None:
    assert comparison_key("Hoà Bình, sức khoẻ") == comparison_key("HÒA BÌNH, SỨC KHỎE")


def test_key_leaves_syllables_with_one_possible_placement_alone() -> None:
    assert comparison_key("người được quý hoàng giữ") == "người được quý hoàng giữ"


def test_key_leaves_words_that_are_not_vietnamese_syllables_alone() -> None:
    assert comparison_key("Café") == "café"


def test_key_of_a_decomposed_text_equals_the_key_of_the_composed_one() -> None:
    assert comparison_key(unicodedata.normalize("NFD", "thuý")) == comparison_key("thuý")
