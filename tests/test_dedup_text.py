"""Duplicate detection on text: body hash, shingles, MinHash signatures and LSH band keys."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from tests.dedup_samples import ROAD
from transforms.dedup import (
    BANDS,
    NEAR_THRESHOLD,
    NUM_PERM,
    band_keys,
    body_hash,
    candidate_probability,
    comparison_text,
    containment,
    is_comparable,
    jaccard,
    shingles,
    signatures,
    word_hashes,
)

INSURANCE = (
    "Bảo hiểm xã hội tỉnh cho biết đến hết tháng 9, toàn tỉnh có hơn 1,2 triệu người tham gia bảo "
    "hiểm y tế, đạt tỷ lệ bao phủ 96,5% dân số, cao hơn mức bình quân cả nước.",
    "Ngân sách tỉnh hỗ trợ thêm 30% mức đóng cho người thuộc hộ cận nghèo và 20% cho học sinh, "
    "sinh viên; nhiều doanh nghiệp đã trả nợ bảo hiểm sau khi được cơ quan chức năng đôn đốc.",
)
CAPTION = "Tuyến đường qua trung tâm huyện Ba Chẽ đang được mở rộng"


def words(body: tuple[str, ...], captions: tuple[str, ...] = ()) -> np.ndarray:
    return word_hashes([comparison_text(body, captions)])[0]


def test_old_and_new_tone_placement_give_one_hash():
    new_style = ("Phát triển du lịch văn hoá, chăm lo sức khoẻ và thuỷ lợi.",)
    old_style = ("Phát triển du lịch văn hóa, chăm lo sức khỏe và thủy lợi.",)
    assert body_hash(new_style) == body_hash(old_style)


def test_case_spacing_quotes_and_paragraph_breaks_do_not_change_the_hash():
    one = ("Ông Nguyễn Văn An nói: “Dự án hoàn thành đúng hạn”.", "Người dân   đồng thuận.")
    other = ('ông nguyễn văn an nói: "dự án hoàn thành đúng hạn". Người dân đồng thuận.',)
    assert body_hash(one) == body_hash(other)


def test_decomposed_unicode_gives_the_composed_hash():
    assert body_hash(ROAD) == body_hash(tuple(unicodedata.normalize("NFD", p) for p in ROAD))


def test_a_changed_word_changes_the_hash():
    changed = (ROAD[0].replace("680 tỷ", "690 tỷ"), *ROAD[1:])
    assert body_hash(changed) != body_hash(ROAD)


def test_paragraph_repeating_a_caption_is_left_out_of_the_body():
    with_caption = (ROAD[0], CAPTION + ".", ROAD[1])
    assert np.array_equal(words(with_caption, captions=(CAPTION + ".",)), words((ROAD[0], ROAD[1])))


def test_words_are_runs_of_letters_and_digits():
    punctuated = words(("Tổng vốn 1.565 tỷ đồng (8/2025).",))
    spaced = words(("tổng vốn 1 565 tỷ đồng 8 2025",))
    assert len(punctuated) == 8
    assert np.array_equal(punctuated, spaced)


def test_word_hashes_of_a_batch_match_each_text_alone():
    batch = word_hashes([comparison_text(ROAD), "", comparison_text(INSURANCE)])
    assert [len(hashes) for hashes in batch] == [len(words(ROAD)), 0, len(words(INSURANCE))]
    assert np.array_equal(batch[2], words(INSURANCE))


def test_different_words_have_different_hashes():
    assert len(set(words(("một hai ba bốn năm sáu bảy tám chín mười mươi",)).tolist())) == 11


def test_short_bodies_are_not_comparable():
    assert not is_comparable(words(("Xem video.",)))
    assert is_comparable(words(ROAD))


def test_identical_bodies_have_jaccard_one():
    assert jaccard(shingles(words(ROAD)), shingles(words(ROAD))) == 1.0


def test_unrelated_bodies_share_no_shingles():
    assert jaccard(shingles(words(ROAD)), shingles(words(INSURANCE))) == 0.0


def test_copy_missing_its_last_paragraph_is_contained_in_the_original():
    original, copy = shingles(words(ROAD)), shingles(words(ROAD[:-1]))
    assert containment(original, copy) == 1.0
    assert jaccard(original, copy) < 0.9
    assert containment(original, copy) >= NEAR_THRESHOLD


def test_one_rewritten_paragraph_in_two_is_not_a_near_copy():
    rewritten = (ROAD[0], INSURANCE[0])
    assert containment(shingles(words(ROAD[:2])), shingles(words(rewritten))) < NEAR_THRESHOLD


def test_signature_of_a_body_does_not_depend_on_the_batch():
    road, insurance = words(ROAD), words(INSURANCE)
    alone = signatures([road])
    batched = signatures([insurance, road, insurance])
    assert alone.shape == (1, NUM_PERM)
    assert np.array_equal(alone[0], batched[1])


def test_signature_agreement_estimates_jaccard():
    road, shortened = words(ROAD), words(ROAD[:-2])
    truth = jaccard(shingles(road), shingles(shortened))
    first, second = signatures([road, shortened])
    assert abs(float(np.mean(first == second)) - truth) < 0.12


def test_signatures_refuse_a_body_without_shingles():
    with pytest.raises(ValueError):
        signatures([words(("một hai",))])


def test_equal_signatures_give_equal_band_keys_and_bands_differ():
    road = signatures([words(ROAD)] * 2)
    keys = band_keys(road)
    assert keys.shape == (2, BANDS)
    assert np.array_equal(keys[0], keys[1])
    assert len(set(keys[0].tolist())) == BANDS


def test_s_curve_separates_copies_from_unrelated_bodies():
    assert candidate_probability(0.8) > 0.999
    assert candidate_probability(0.6) > 0.98
    assert candidate_probability(0.1) < 0.01
