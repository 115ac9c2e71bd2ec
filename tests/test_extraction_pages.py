"""The extraction fixture pages: real Vietnamese markup patterns, each with the article a reader sees.

Every page is checked field by field against its expected JSON, and each kind of failure seen on
real pages has a test of its own on the page that reproduces it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bench.fixture_pages import FIXTURE_DIR, PageResult, extract_fixture, fixture_pages, same_minute, scores
from transforms.text import normalise_text

PAGES = fixture_pages()


def page(name: str) -> PageResult:
    result = extract_fixture(FIXTURE_DIR / f"{name}.html")
    assert result.article is not None, f"{name} refused as no article"
    return result


def test_at_least_thirty_fixture_pages() -> None:
    assert len(PAGES) >= 30


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.stem)
def test_fixture_page_comes_out_as_expected(path: Path) -> None:
    result = extract_fixture(path)
    article, expected = result.article, result.expected
    assert article is not None
    assert article.title == normalise_text(expected["title"])
    assert article.lead == normalise_text(expected["lead"])
    assert list(article.body) == [normalise_text(paragraph) for paragraph in expected["body"]]
    assert same_minute(article.published_at, expected["published_at"]), article.published_at
    assert article.published_precision == expected["published_precision"]
    assert list(article.authors) == expected["authors"]
    assert [
        {"name": byline.name, "role": byline.role, "outlet": byline.outlet} for byline in article.bylines
    ] == expected["bylines"]
    assert article.syndicated_from == expected["syndicated_from"]
    assert article.page_type == expected["page_type"]
    assert [{"text": caption.text, "credit": caption.credit} for caption in article.captions] == expected["captions"]


def test_bench_figures_on_the_fixture_pages_meet_the_targets() -> None:
    figures = scores([extract_fixture(path) for path in PAGES])
    assert figures["body_f1"] >= 0.97
    assert figures["title"] >= 0.97
    assert figures["published_at"] >= 0.95
    assert figures["authors"] >= 0.90
    assert figures["lead"] >= 0.90
    assert figures["captions_found"] >= 0.95
    assert figures["caption_leaks"] == 0


# Video and media pages


def test_video_page_body_is_its_description_and_the_byline_is_not_text() -> None:
    article = page("video-page-description").article
    assert article.page_type == "video"
    assert article.body == ("Hơn 50 đội ghe ngo tranh tài trong ngày hội Oóc Om Bóc, thu hút hàng chục nghìn người xem hai bên bờ sông.",)
    assert [(byline.name, byline.role) for byline in article.bylines] == [("Hữu Phước", "video")]


def test_video_page_with_an_embedded_player_and_a_desk_credit() -> None:
    article = page("youtube-video-page").article
    assert article.page_type == "video"
    assert len(article.body) == 1 and article.authors == ()


def test_photo_story_is_complete_with_a_sapo_and_captions() -> None:
    article = page("photo-story").article
    assert article.page_type == "photo"
    assert len(article.captions) == 5


def test_live_report_is_a_live_page() -> None:
    assert page("live-report").article.page_type == "live"


# Dates


def test_us_order_meta_loses_to_the_day_first_date_on_the_page() -> None:
    article = page("onecms-us-meta-date").article
    assert (article.published_at.year, article.published_at.month, article.published_at.day) == (2021, 9, 11)


def test_date_only_meta_takes_the_time_the_page_shows() -> None:
    article = page("archive-2009-table-layout").article
    assert article.published_at.hour == 8 and article.published_at.minute == 15
    assert article.published_precision == "minute"


def test_date_without_a_time_is_a_day_not_midnight() -> None:
    assert page("date-only-page").article.published_precision == "day"


def test_a_family_declares_its_meta_date_month_first() -> None:
    article = page("family-declared-date-order").article
    assert article.published_at.replace(second=0) == datetime.fromisoformat("2024-03-07T09:05:00+07:00")


def test_header_clock_and_update_time_are_not_the_publication_date() -> None:
    assert page("header-clock-and-updated").article.published_at == datetime.fromisoformat("2025-11-20T07:30:00+07:00")


# Titles


def test_category_h1_is_not_the_title() -> None:
    assert page("category-h1-before-title").article.title == "Ba dấu hiệu sớm của sốt xuất huyết cần đưa trẻ đi khám"


# Authors


def test_role_split_bylines_keep_their_roles() -> None:
    article = page("inline-related-teaser").article
    assert [(byline.name, byline.role) for byline in article.bylines] == [("Tường Minh", "text"), ("Đỗ Hiền", "photo")]
    assert article.authors == ("Tường Minh",)
    assert page("onecms-us-meta-date").article.authors == ("Nam Giang",)


def test_closing_byline_with_outlet_after_a_slash() -> None:
    article = page("outlet-slash-byline").article
    assert [(byline.name, byline.outlet) for byline in article.bylines] == [("Tạ Nguyên", "Báo Tin tức")]


def test_bold_closing_byline_with_an_honorific() -> None:
    assert page("category-h1-before-title").article.authors == ("Nguyễn Trung Cấp",)
    assert page("qa-reader-signature").article.authors == ("Lê Minh Tâm",)


def test_writer_compiling_from_a_foreign_outlet() -> None:
    article = page("compiled-from-foreign-source").article
    assert (article.authors, article.syndicated_from) == (("Quang Minh",), "Healthline")


def test_json_ld_agency_with_its_address_is_one_author_in_capitals() -> None:
    assert page("jsonld-agency-address").article.authors == ("TTXVN",)


# Leads


def test_sapo_beside_the_body_container_is_the_lead() -> None:
    for name in ("express-date-above-title", "onecms-us-meta-date", "teaser-before-real-sapo"):
        result = page(name)
        assert result.article.lead == result.expected["lead"], name
        assert result.expected["lead"] not in result.article.body, name


def test_truncated_auto_generated_sapo_is_not_the_lead() -> None:
    article = page("truncated-auto-sapo").article
    assert article.lead == ""
    assert article.body[0].startswith("Trong đợt tuần tra tháng 10")


def test_related_teaser_is_never_the_lead() -> None:
    article = page("teaser-before-real-sapo").article
    assert "cá ngừ" not in article.lead


def test_lead_is_not_repeated_as_the_first_paragraph() -> None:
    article = page("lead-repeated-with-marker").article
    assert not article.body[0].startswith("(BTM)")


# Body noise


def test_syndication_credits_leave_the_body() -> None:
    for name, outlet in (
        ("syndicated-theo-credit", "Vietnamnet"),
        ("jsonld-agency-address", "TTXVN"),
        ("agency-credit-after-last-sentence", "TTXVN"),
    ):
        article = page(name).article
        assert article.syndicated_from == outlet, name
        assert not any(outlet in paragraph for paragraph in article.body), name


def test_hidden_reader_mail_box_and_aria_hidden_copy_leave_the_body() -> None:
    body = " ".join(page("hidden-reader-mail-box").article.body)
    assert "bandoc@" not in body and body.count("xe cứu hỏa") == 1


def test_reader_call_and_question_signature_leave_the_body() -> None:
    body = " ".join(page("qa-reader-signature").article.body)
    assert "Mời bạn đọc" not in body and "Trần Văn Hòa" not in body


def test_related_teasers_inside_the_text_leave_the_body() -> None:
    body = " ".join(page("inline-related-teaser").article.body)
    assert "Xem thêm" not in body and "Thiếu giáo viên mầm non" not in body and "Lương giáo viên" not in body


# Captions


def test_font_caption_in_a_table_cell_is_reported() -> None:
    captions = page("archive-2009-table-layout").article.captions
    assert [(caption.text, caption.credit) for caption in captions] == [("Ảnh minh họa", "Ảnh minh họa: Internet")]


def test_centred_italic_illustration_line_is_a_caption() -> None:
    assert [caption.text for caption in page("centred-italic-illustration-caption").article.captions] == ["Ảnh minh họa"]


def test_illustration_label_is_split_off_like_a_credit() -> None:
    captions = page("caption-illustration-credit").article.captions
    assert captions[0].credit == "Ảnh minh họa" and not captions[0].text.endswith("minh họa")


def test_font_caption_after_a_line_break_is_found_with_its_credit() -> None:
    captions = page("font-caption-credit").article.captions
    assert [(caption.text, caption.credit) for caption in captions] == [
        ("Một số hiện vật gốm men lam được trưng bày tại buổi tiếp nhận", "Ảnh: Văn Thịnh")
    ]


def test_site_selectors_without_a_lead_still_find_the_sapo_beside_the_body() -> None:
    from transforms.parse import parse_page
    from transforms.records import Selectors

    expected = page("express-date-above-title").expected
    article = parse_page(
        (FIXTURE_DIR / "express-date-above-title.html").read_bytes(),
        expected["url"],
        Selectors(title="h1.title-detail", body="article.fck_detail", date="span.date"),
    )
    assert article.lead == expected["lead"]
    assert list(article.body) == expected["body"]
    assert article.authors == ("Lan Phương",)


def test_video_page_whose_player_a_script_fills_in_is_a_video_not_a_failure() -> None:
    from transforms.parse import parse_page

    html = (
        "<html><head><title>Nghệ nhân làm gốm</title></head><body><h1>Nghệ nhân làm gốm ở Bát Tràng</h1>"
        '<div id="vod-player" class="media-player" data-file="/media/gom.m3u8"></div>'
        '<div class="date">12/03/2026 09:00</div>'
        '<div class="sapo">Nghệ nhân Lê Văn Tám giới thiệu cách chuốt gốm bằng bàn xoay truyền thống.</div>'
        "<p><strong>Video: Hải Nam</strong></p></body></html>"
    )
    article = parse_page(html, "https://truyenhinhmau.vn/nghe-nhan-lam-gom-v1.html")
    assert article.page_type == "video"
    assert article.body == ("Nghệ nhân Lê Văn Tám giới thiệu cách chuốt gốm bằng bàn xoay truyền thống.",)
    assert [(byline.name, byline.role) for byline in article.bylines] == [("Hải Nam", "video")]


def test_writer_and_date_on_one_information_line() -> None:
    article = page("author-date-info-line").article
    assert article.authors == ("Nguyễn Văn An",)
    assert article.published_at == datetime.fromisoformat("2026-05-12T10:30:00+07:00")
