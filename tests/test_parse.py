"""parse_page: one page of raw HTML to one clean Article, with selectors and without."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from mirror.faults import windows_1258
from transforms.parse import NotAnArticle, parse_page
from transforms.records import Selectors

URL = "http://127.0.0.1/bao/tin-3391234.html"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SELECTORS = Selectors(
    title="h1.title-detail",
    lead=".sapo",
    body=".article-content",
    date=".date-detail",
    section=".breadcrumb a:last-child",
    captions="figure figcaption",
    drop=(".related-news", ".share-bar"),
)
FIRST = "Theo báo cáo của Sở Lao động, toàn tỉnh giảm 146 hộ nghèo và 1.035 hộ cận nghèo so với cuối năm 2024."
SECOND = "Tỉnh đã bố trí 825,6 tỷ đồng từ ngân sách địa phương, tập trung hỗ trợ sinh kế và nhà ở."


def article_page(content: str, head: str = "", outside: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang=vi><head><meta charset=utf-8><title>Giảm nghèo - Báo Quảng Ninh</title>{head}</head><body>"
        '<nav class="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/xa-hoi">Xã hội</a></li></ul></nav>'
        '<div class="breadcrumb"><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a></div>'
        '<h1 class="title-detail">Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo</h1>'
        '<div class="date-detail">Thứ năm, 12/06/2025 - 10:30</div>'
        '<div class="sapo">(BQN) - Đến hết tháng 5/2025, toàn tỉnh còn 112 hộ nghèo.</div>'
        f'<div class="article-content">{content}</div>{outside}'
        '<footer class="footer"><p>Cơ quan chủ quản: Tỉnh ủy Quảng Ninh</p></footer></body></html>'
    )


def test_body_is_the_articles_paragraphs_and_sub_headings_in_order() -> None:
    article = parse_page(article_page(f"<p>{FIRST}</p><h2>Trao sinh kế thay vì trao tiền</h2><p>{SECOND}</p>"), URL, SELECTORS)
    assert article.body == (FIRST, "Trao sinh kế thay vì trao tiền", SECOND)
    assert article.extractor == "selectors"


def test_lead_goes_to_lead_with_its_agency_marker_and_not_to_the_body() -> None:
    article = parse_page(article_page(f"<p>{FIRST}</p>"), URL, SELECTORS)
    assert article.lead == "(BQN) - Đến hết tháng 5/2025, toàn tỉnh còn 112 hộ nghèo."
    assert article.body == (FIRST,)


def test_lead_repeated_inside_the_body_is_dropped() -> None:
    content = f"<p>(BQN) - Đến hết tháng 5/2025, toàn tỉnh còn 112 hộ nghèo.</p><p>{FIRST}</p>"
    assert parse_page(article_page(content), URL, SELECTORS).body == (FIRST,)


def test_headline_repeated_inside_the_body_is_dropped() -> None:
    content = f"<h2>Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo</h2><p>{FIRST}</p>"
    assert parse_page(article_page(content), URL, SELECTORS).body == (FIRST,)


def test_share_bar_related_box_and_font_size_widget_stay_out_of_the_body() -> None:
    content = (
        '<div class="share-bar"><a href="#">Facebook</a> <a href="#">Zalo</a></div>'
        '<div class="tool"><span>aA</span></div>'
        f"<p>{FIRST}</p>"
        '<div class="related-news"><h3>Tin liên quan</h3><ul><li><a href="/a">Bài khác</a></li></ul></div>'
        f"<p>{SECOND}</p>"
    )
    assert parse_page(article_page(content), URL, SELECTORS).body == (FIRST, SECOND)


def test_read_more_box_without_a_class_is_recognised_by_its_label() -> None:
    content = (
        f"<p>{FIRST}</p><div><p><strong>Đọc thêm:</strong></p>"
        '<ul><li><a href="/x">Hạ Long đón khách quốc tế</a></li><li><a href="/y">Vân Đồn mở đường bay</a></li></ul></div>'
        f"<p>{SECOND}</p>"
    )
    assert parse_page(article_page(content), URL, SELECTORS).body == (FIRST, SECOND)


def test_tags_line_with_its_label_stays_out_of_the_body() -> None:
    content = f"<p>{FIRST}</p><p><span>Từ khóa: </span>giảm nghèo, an sinh xã hội</p>"
    assert parse_page(article_page(content), URL, SELECTORS).body == (FIRST,)


def test_upper_case_byline_at_the_end_becomes_the_author() -> None:
    article = parse_page(article_page(f"<p>{FIRST}</p><p><strong>THU CHUNG</strong></p>"), URL, SELECTORS)
    assert article.authors == ("Thu Chung",)
    assert article.body == (FIRST,)


def test_byline_with_roles_keeps_the_writer_only() -> None:
    content = f"<p>{FIRST}</p><p>Nội dung: <strong>Hà Chi</strong></p><p>Trình bày: <strong>Mạnh Hà</strong></p>"
    article = parse_page(article_page(content), URL, SELECTORS)
    assert article.authors == ("Hà Chi",)
    assert article.body == (FIRST,)


def test_json_ld_author_and_date_win() -> None:
    linked = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo",
            "datePublished": "2025-06-12T10:30:00+07:00",
            "author": [{"@type": "Person", "name": "Thu Chung"}, {"@type": "Organization", "name": "Báo Quảng Ninh"}],
        },
        ensure_ascii=False,
    )
    head = f'<script type="application/ld+json">{linked}</script>'
    article = parse_page(article_page(f"<p>{FIRST}</p>", head=head), URL, SELECTORS)
    assert article.authors == ("Thu Chung",)
    assert article.published_at == datetime(2025, 6, 12, 10, 30, tzinfo=HANOI)


def test_visible_date_is_read_day_first_in_the_sites_zone() -> None:
    article = parse_page(article_page(f"<p>{FIRST}</p>"), URL, SELECTORS)
    assert article.published_at == datetime(2025, 6, 12, 10, 30, tzinfo=HANOI)


def test_broken_json_ld_is_ignored() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    article = parse_page(article_page(f"<p>{FIRST}</p>", head=head), URL, SELECTORS)
    assert article.title == "Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo"


def test_title_section_and_canonical_url() -> None:
    head = '<link rel="canonical" href="/xa-hoi/giam-ngheo-3391234.html">'
    article = parse_page(article_page(f"<p>{FIRST}</p>", head=head), URL, SELECTORS)
    assert (article.title, article.section, article.canonical_url) == (
        "Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo",
        "Xã hội",
        "http://127.0.0.1/xa-hoi/giam-ngheo-3391234.html",
    )


def test_decomposed_page_comes_out_composed_everywhere() -> None:
    raw = unicodedata.normalize("NFD", article_page(f"<p>{FIRST}</p>")).encode("utf-8")
    article = parse_page(raw, URL, SELECTORS, content_type="text/html; charset=utf-8")
    assert article.title == "Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo"
    assert article.body == (FIRST,)
    assert all(unicodedata.is_normalized("NFC", text) for text in (article.title, article.lead, *article.body))


def test_stored_text_keeps_the_old_tone_mark_placement() -> None:
    article = parse_page(article_page("<p>Người dân hoà nhập, sức khoẻ ổn định, được chăm sóc chu đáo.</p>"), URL, SELECTORS)
    assert article.body == ("Người dân hoà nhập, sức khoẻ ổn định, được chăm sóc chu đáo.",)


def test_page_without_selectors_gets_a_generic_body_without_menus_or_footer() -> None:
    paragraphs = [f"{FIRST} Đoạn {number}." for number in range(1, 6)]
    content = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    article = parse_page(article_page(content), URL)
    assert article.extractor == "generic"
    assert article.body == tuple(paragraphs)
    assert article.title == "Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo"


def test_selectors_that_find_no_body_fall_back_to_the_generic_extractor() -> None:
    content = "".join(f"<p>{FIRST} Đoạn {number}.</p>" for number in range(1, 6))
    article = parse_page(article_page(content), URL, Selectors(body=".khong-co"))
    assert article.extractor == "generic"
    assert len(article.body) == 5


def test_json_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="not HTML"):
        parse_page(b'{"status": "ok"}', URL, content_type="application/json")


def test_page_without_a_title_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="no title"):
        parse_page(f"<html><body><div class='article-content'><p>{FIRST}</p></div></body></html>", URL, SELECTORS)


def test_page_with_an_empty_body_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="no article text"):
        parse_page(article_page(""), URL, SELECTORS)


def test_page_without_a_body_tag_still_parses() -> None:
    page = (
        '</html>\n<html><head><meta charset="utf-8"><title>Hạ Long đón khách</title></head>\n'
        f'<div class="article-content"><h1>Hạ Long đón khách</h1><p>{FIRST}</p></div>'
    )
    article = parse_page(page.encode("utf-8"), URL, Selectors(title="h1", body=".article-content"))
    assert (article.title, article.body) == ("Hạ Long đón khách", (FIRST,))


def test_page_declaring_utf8_but_sent_as_windows_1258_parses_right() -> None:
    raw = windows_1258(article_page(f"<p>{FIRST}</p>"))
    article = parse_page(raw, URL, SELECTORS, content_type="text/html; charset=utf-8")
    assert article.body == (FIRST,)


def test_logo_in_an_h1_is_not_the_headline() -> None:
    page = article_page(f"<p>{FIRST}</p>", head='<meta property="og:site_name" content="Báo Quảng Ninh">')
    page = page.replace("<body>", '<body><h1 class="logo"><a href="/">Báo Quảng Ninh</a></h1>')
    assert parse_page(page, URL).title == "Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo"


def test_site_without_a_date_selector_gets_the_visible_date() -> None:
    article = parse_page(article_page(f"<p>{FIRST}</p>"), URL, Selectors(title="h1", body=".article-content"))
    assert article.published_at == datetime(2025, 6, 12, 10, 30, tzinfo=HANOI)


def test_unreadable_metadata_date_falls_back_to_the_visible_one() -> None:
    head = '<meta property="article:published_time" content="hôm qua">'
    article = parse_page(article_page(f"<p>{FIRST}</p>", head=head), URL, SELECTORS)
    assert article.published_at == datetime(2025, 6, 12, 10, 30, tzinfo=HANOI)


def test_thousands_of_unclosed_divs_still_parse() -> None:
    page = article_page("<div>" * 3000 + f"<p>{FIRST}</p>")
    assert parse_page(page, URL, SELECTORS).body == (FIRST,)


def test_author_elements_with_roles_name_the_writer_only() -> None:
    byline = '<div class="byline"><p>Nội dung: <strong>HÀ CHI</strong></p><p>Trình bày: <strong>MẠNH HÀ</strong></p></div>'
    selectors = Selectors(title="h1", body=".article-content", author=".byline p")
    assert parse_page(article_page(f"<p>{FIRST}</p>", outside=byline), URL, selectors).authors == ("Hà Chi",)
