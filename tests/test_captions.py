"""Photo captions: each kept once with its repetitions counted, credits split off, none left in the body."""

from __future__ import annotations

from transforms.captions import split_credit
from transforms.parse import parse_page
from transforms.records import Selectors

SELECTORS = Selectors(title="h1", lead=".sapo", body=".content", captions="figure figcaption")
URL = "http://127.0.0.1/bao/tin-1.html"
PARAGRAPHS = (
    "<p>Tỉnh đã bố trí 825,6 tỷ đồng từ ngân sách địa phương cho chương trình giảm nghèo.</p>"
    "<p>Ngân hàng Chính sách xã hội đã giải ngân 1.142 tỷ đồng cho 26.480 lượt hộ vay.</p>"
)


def page(body: str) -> str:
    return (
        "<html><head><title>Giảm nghèo</title></head><body><h1>Quảng Ninh giảm nghèo</h1>"
        f'<div class="sapo">(BQN) - Toàn tỉnh còn 112 hộ nghèo.</div><div class="content">{body}</div></body></html>'
    )


def test_caption_repeated_in_alt_title_figcaption_and_em_is_kept_once() -> None:
    article = parse_page(
        page(
            '<figure><img src="/a.jpg" alt="Người dân nộp hồ sơ qua mạng." title="Người dân nộp hồ sơ qua mạng.">'
            "<figcaption>Người dân nộp hồ sơ qua mạng.</figcaption></figure>"
            '<p style="text-align:center"><em>Người dân nộp hồ sơ qua mạng.</em></p>' + PARAGRAPHS
        ),
        URL,
        SELECTORS,
    )
    assert [(caption.text, caption.occurrences) for caption in article.captions] == [
        ("Người dân nộp hồ sơ qua mạng.", 4)
    ]
    assert not any("nộp hồ sơ qua mạng" in paragraph for paragraph in article.body)


def test_caption_keeps_its_image_url_and_position() -> None:
    article = parse_page(
        page(
            '<figure><img src="/a.jpg" alt=""><figcaption>Đồi quế ở Ba Chẽ.</figcaption></figure>'
            + PARAGRAPHS
            + '<figure><img src="/b.jpg"><figcaption>Giải ngân vốn vay.</figcaption></figure>'
        ),
        URL,
        SELECTORS,
    )
    assert [(caption.image_url, caption.position) for caption in article.captions] == [
        ("http://127.0.0.1/a.jpg", 0),
        ("http://127.0.0.1/b.jpg", 1),
    ]


def test_lazy_loaded_image_gives_its_real_url_not_the_placeholder() -> None:
    article = parse_page(
        page(
            '<figure><img src="data:image/gif;base64,R0lGOD" data-src="/real.jpg" alt="Đồi quế ở Ba Chẽ.">'
            "<figcaption>Đồi quế ở Ba Chẽ.</figcaption></figure>" + PARAGRAPHS
        ),
        URL,
        SELECTORS,
    )
    assert [(caption.image_url, caption.occurrences) for caption in article.captions] == [
        ("http://127.0.0.1/real.jpg", 2)
    ]


def test_credit_in_parentheses_goes_to_the_credit_column() -> None:
    article = parse_page(
        page('<figure><img src="/a.jpg"><figcaption>Phiên họp UBND tỉnh. (Ảnh: Minh Hà/TTXVN)</figcaption></figure>' + PARAGRAPHS),
        URL,
        SELECTORS,
    )
    assert [(caption.text, caption.credit) for caption in article.captions] == [
        ("Phiên họp UBND tỉnh.", "Ảnh: Minh Hà/TTXVN")
    ]


def test_caption_table_cell_is_a_caption_and_leaves_the_body() -> None:
    article = parse_page(
        page(
            '<table class="image"><tr><td><img src="/a.jpg" alt="Quang cảnh phiên họp."></td></tr>'
            '<tr><td class="caption"><em>Quang cảnh phiên họp. (Ảnh: Trung tâm Truyền thông tỉnh)</em></td></tr></table>'
            + PARAGRAPHS
        ),
        URL,
        SELECTORS,
    )
    assert [(caption.text, caption.credit, caption.occurrences) for caption in article.captions] == [
        ("Quang cảnh phiên họp.", "Ảnh: Trung tâm Truyền thông tỉnh", 2)
    ]
    assert not any("Quang cảnh" in paragraph for paragraph in article.body)


def test_placeholder_alt_text_is_not_a_caption_nor_a_repetition() -> None:
    article = parse_page(
        page(
            '<figure><img src="/a.jpg" alt="Chú thích ảnh"><figcaption>Đồi quế ở Ba Chẽ.</figcaption></figure>'
            '<p><img src="/b.jpg" alt="Ảnh minh họa"></p>' + PARAGRAPHS
        ),
        URL,
        SELECTORS,
    )
    assert [(caption.text, caption.occurrences) for caption in article.captions] == [("Đồi quế ở Ba Chẽ.", 1)]


def test_headline_used_as_alt_text_is_not_a_caption() -> None:
    article = parse_page(
        page('<p><img src="/cover.jpg" alt="Quảng Ninh giảm nghèo"></p><p><em>Quảng Ninh giảm nghèo</em></p>' + PARAGRAPHS),
        URL,
        SELECTORS,
    )
    assert article.captions == ()


def test_generic_path_takes_captions_out_of_the_body() -> None:
    paragraphs = "".join(
        f"<p>Đoạn văn thứ {number} của bài báo kể về việc người dân nộp hồ sơ trực tuyến tại trung tâm "
        "phục vụ hành chính công của tỉnh, với nhiều chi tiết về thủ tục và thời gian xử lý.</p>"
        for number in range(1, 7)
    )
    html = (
        "<html><body><h1>Người dân nộp hồ sơ trực tuyến</h1><article>"
        '<figure><img src="/a.jpg" alt="Cán bộ hướng dẫn người dân.">'
        "<figcaption>Cán bộ hướng dẫn người dân. Ảnh: Thu Chung</figcaption></figure>"
        f"{paragraphs}</article></body></html>"
    )
    article = parse_page(html, URL)
    assert article.extractor == "generic"
    assert [(caption.text, caption.credit) for caption in article.captions] == [
        ("Cán bộ hướng dẫn người dân.", "Ảnh: Thu Chung")
    ]
    assert not any("Cán bộ hướng dẫn" in paragraph for paragraph in article.body)


def test_italic_paragraph_under_a_captioned_photo_stays_in_the_body() -> None:
    article = parse_page(
        page(
            '<figure><img src="/a.jpg"><figcaption>Đồi quế ở Ba Chẽ.</figcaption></figure>'
            "<p><em>Quế là cây thoát nghèo của người Dao ở Ba Chẽ.</em></p>" + PARAGRAPHS
        ),
        URL,
        SELECTORS,
    )
    assert article.body[0] == "Quế là cây thoát nghèo của người Dao ở Ba Chẽ."


def test_credit_after_the_caption_sentence() -> None:
    assert split_credit("Đồi quế của gia đình. Ảnh: Thu Chung") == ("Đồi quế của gia đình.", "Ảnh: Thu Chung")


def test_lower_case_anh_inside_a_caption_is_not_a_credit() -> None:
    assert split_credit("Khách xem triển lãm ảnh: Hạ Long xưa và nay") == (
        "Khách xem triển lãm ảnh: Hạ Long xưa và nay",
        None,
    )


def test_caption_without_credit_has_none() -> None:
    assert split_credit("Đồi quế của gia đình.") == ("Đồi quế của gia đình.", None)


def test_closing_illustration_label_is_a_credit() -> None:
    assert split_credit("Cảnh sát giao thông làm nhiệm vụ. Ảnh minh họa") == ("Cảnh sát giao thông làm nhiệm vụ.", "Ảnh minh họa")
    assert split_credit("Cảnh sát giao thông làm nhiệm vụ - Ảnh minh họa.") == ("Cảnh sát giao thông làm nhiệm vụ", "Ảnh minh họa")


def test_illustration_label_alone_under_a_photo_is_its_caption() -> None:
    body = '<p><img src="/a.jpg"></p><p style="text-align:center"><em>Ảnh minh họa: Internet</em></p>' + PARAGRAPHS
    article = parse_page(page(body), URL, SELECTORS)
    assert [(caption.text, caption.credit) for caption in article.captions] == [("Ảnh minh họa", "Ảnh minh họa: Internet")]
    assert "Internet" not in " ".join(article.body)
