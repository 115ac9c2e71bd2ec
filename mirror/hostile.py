"""Hostile article pages: well-formed HTTP, HTML built to break a parser.

Each one reproduces something real sites serve now and then (a CMS's malformed JSON-LD, a
placeholder date, a broken image address) or that an attacker would write. mirror-faulty
serves them in fault mode beside its other faults; the tests parse them directly too.
"""

from __future__ import annotations

from mirror.chrome import escape

HEADLINE = "Quảng Ninh khởi công tuyến đường ven biển nối Hạ Long với Cẩm Phả"
PARAGRAPHS = (
    "Sáng nay, tỉnh Quảng Ninh khởi công tuyến đường ven biển dài 12 km với tổng vốn 1.500 tỷ đồng.",
    "Công trình dự kiến hoàn thành trong năm 2027, giảm một nửa thời gian đi lại giữa hai thành phố.",
)
NESTED = 100_000


def hostile_page(head: str = "", before_text: str = "", date_line: str = "") -> str:
    """An ordinary mirror-faulty article page with extra markup in its head and its text."""
    text = "".join(f"<p>{escape(paragraph)}</p>\n" for paragraph in PARAGRAPHS)
    date = f'<div class="date-detail">{date_line}</div>\n' if date_line else ""
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{escape(HEADLINE)}</title>\n{head}</head>\n<body>\n"
        f'<h1 class="title-detail">{escape(HEADLINE)}</h1>\n{date}'
        f'<div class="article-content">\n{before_text}{text}</div>\n</body>\n</html>\n'
    )


def _linked_data(json: str) -> str:
    return f'<script type="application/ld+json">{json}</script>\n'


def type_is_an_object() -> str:
    return hostile_page(_linked_data('{"@context": "https://schema.org", "@type": {"name": "NewsArticle"}, '
                                     f'"headline": "{HEADLINE}"}}'))


def linked_data_nested_deep() -> str:
    return hostile_page(_linked_data('{"@type": "NewsArticle", "author": ' + "[" * NESTED + "]" * NESTED + "}"))


def offset_of_99_hours() -> str:
    return hostile_page(date_line="Thứ hai, 12/05/2025 10:30 (GMT+99)")


def image_with_broken_address() -> str:
    return hostile_page(before_text='<figure><img src="http://[::1"><figcaption>Lễ khởi công tuyến đường '
                                    "ven biển sáng nay tại Hạ Long.</figcaption></figure>\n")


def canonical_with_broken_address() -> str:
    return hostile_page('<link rel="canonical" href="http://[2001:db8::1/tin-tuc/duong-ven-bien.html">\n')


def date_in_year_one() -> str:
    return hostile_page('<meta property="article:published_time" content="0001-01-01T00:00:00+14:00">\n')


def date_in_year_9999() -> str:
    return hostile_page('<meta property="article:published_time" content="9999-12-31T23:59:59-14:00">\n')


def elements_nested_deep() -> str:
    """100,000 nested <div>s (1.1 MB) around the article's text."""
    return hostile_page(before_text="<div>" * NESTED + "Văn bản nằm rất sâu." + "</div>" * NESTED)


# Site-relative path → (label, page). Numbers follow the fault pages' (mirror/faults.py).
HOSTILE_PAGES = {
    "/json-ld-type-doi-tuong-9000013.html": ("JSON-LD @type là một đối tượng", type_is_an_object),
    "/json-ld-long-sau-9000014.html": ("JSON-LD lồng 100.000 tầng", linked_data_nested_deep),
    "/mui-gio-gmt99-9000015.html": ("Ngày hiển thị GMT+99", offset_of_99_hours),
    "/anh-dia-chi-hong-9000016.html": ("Ảnh có địa chỉ IPv6 hỏng", image_with_broken_address),
    "/canonical-hong-9000017.html": ("Canonical có địa chỉ IPv6 hỏng", canonical_with_broken_address),
    "/ngay-nam-mot-9000018.html": ("Ngày xuất bản năm 0001", date_in_year_one),
    "/ngay-nam-9999-9000019.html": ("Ngày xuất bản năm 9999", date_in_year_9999),
    "/long-sau-100000-tang-9000020.html": ("100.000 thẻ div lồng nhau", elements_nested_deep),
}
