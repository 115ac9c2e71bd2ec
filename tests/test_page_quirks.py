"""Declarative page quirks: each option of Selectors undoes one CMS habit, whichever site has it."""

from datetime import datetime

from transforms.parse import parse_page
from transforms.records import DateSource, Selectors
from zoneinfo import ZoneInfo

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PARAGRAPH = "Huyện đã giải ngân 12,5 tỷ đồng vốn đầu tư công trong quý I, đạt 31% kế hoạch năm theo Nghị quyết số 05/NQ-HĐND."
SECOND = "Ông Lê Văn Tâm, Chủ tịch UBND huyện, cho biết sẽ đôn đốc các chủ đầu tư hoàn thành thủ tục trước ngày 30/6."


def page(head: str = "", body: str = "") -> str:
    return f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def test_a_body_written_by_jquery_from_a_template_literal_is_read_out_of_the_script() -> None:
    script = f"$('#content').html(`<p>{PARAGRAPH}</p><p>{SECOND}</p>`);"
    html = page(body=f'<h1 class="title">Giải ngân vốn đầu tư công</h1><div id="content"></div><script>{script}</script>')
    selectors = Selectors(body="#content > p", body_scripts=(r"\$\('#content'\)\.html\(`(?P<html>.*?)`\)",))
    article = parse_page(html, "https://news.example/giai-ngan-1234.htm", selectors)
    assert article.body == (PARAGRAPH, SECOND) and article.extractor == "selectors"


def test_a_body_in_an_escaped_javascript_string_is_unescaped() -> None:
    escaped = f'<p class=\\"text\\">{PARAGRAPH}<\\/p>\\n<p>{SECOND}<\\/p>'
    html = page(body=f'<h1 class="title">Giải ngân</h1><div id="content"></div><script>var outputData = "{escaped}";</script>')
    selectors = Selectors(body="#content > p", body_scripts=(r'outputData\s*=\s*"(?P<html>(?:\\.|[^"\\])*)"',))
    assert parse_page(html, "https://news.example/a-1.htm", selectors).body == (PARAGRAPH, SECOND)


def test_a_month_first_meta_date_is_read_in_its_own_order() -> None:
    head = '<meta name="article:published_time" content="1/8/2026 2:05:00 PM">'
    body = f'<h1>Tin</h1><div class="entry"><p>{PARAGRAPH}</p></div><span class="time">08/01/2026 14:05</span>'
    selectors = Selectors(
        body=".entry",
        dates=(DateSource('meta[name="article:published_time"]', "content", day_first=False),),
    )
    article = parse_page(page(head, body), "https://news.example/tin-1.html", selectors)
    assert article.published_at == datetime(2026, 1, 8, 14, 5, tzinfo=HANOI)


def test_the_canonical_address_in_a_meta_element_is_used() -> None:
    head = '<meta name="canonical" content="https://news.example/ban-chinh-99.html">'
    body = f'<h1>Tin</h1><div class="entry"><p>{PARAGRAPH}</p></div>'
    article = parse_page(page(head, body), "https://news.example/ban-chinh-99.html?utm_source=zalo",
                         Selectors(body=".entry", canonical="meta[name=canonical]"))
    assert article.canonical_url == "https://news.example/ban-chinh-99.html"


def test_template_braces_leaking_into_the_body_are_removed() -> None:
    body = f'<h1>Tin</h1><div id="content-detail"><p>{{{{ item.sapo }}}}</p><p>{PARAGRAPH} {{{{tag}}}}</p></div>'
    selectors = Selectors(body="#content-detail", strip_text=(r"\{\{[^{}]*\}\}",))
    assert parse_page(page(body=body), "https://news.example/a-1234567.html", selectors).body == (PARAGRAPH,)


def test_a_breadcrumb_in_the_first_h1_is_never_the_headline() -> None:
    body = (
        '<h1><a href="/">Trang chủ</a> / <a href="/kinh-te/">Kinh tế</a></h1>'
        f'<h1 class="headline">Giải ngân vốn đầu tư công đạt 31%</h1><div id="newscontents"><p>{PARAGRAPH}</p></div>'
    )
    selectors = Selectors(title="h1.fw700", body="#newscontents", first_h1_is_breadcrumb=True)
    article = parse_page(page(body=body), "https://news.example/giai-ngan-a1234.html", selectors)
    assert article.title == "Giải ngân vốn đầu tư công đạt 31%"


def test_captions_written_as_centred_italic_paragraphs_are_captions() -> None:
    caption = "Công nhân thi công tuyến đường nối hai xã Tân Hòa và Tân Lập."
    body = (
        '<h1 class="fw700">Tin</h1><div class="content-fck">'
        f'<p>{PARAGRAPH}</p><p style="text-align:center"><img src="/image/fckeditor/upload/2026/20260108/images/a.jpg"></p>'
        f'<p style="text-align:center"><em>{caption}</em></p><p>{SECOND}</p></div>'
    )
    selectors = Selectors(body=".content-fck", captions='p[style*="center"] > em')
    article = parse_page(page(body=body), "https://news.example/a-a1.html", selectors)
    assert [item.text for item in article.captions] == [caption.rstrip(".") + "."]
    assert article.body == (PARAGRAPH, SECOND)
