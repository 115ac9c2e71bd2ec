"""The misbehaving site mirror-faulty: each fault URL breaks HTTP or HTML the way real servers do.

Without fault mode the site holds only its good articles, so crawling it is harmless; with
fault mode its category page /tin-tuc also links every fault URL below.
"""

from __future__ import annotations

import socket
import struct
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler

from mirror import render_feeds
from mirror.hostile import HOSTILE_PAGES
from mirror.chrome import HTML, XML, Page, SiteView, escape, make_page
from mirror.content import MirrorArticle
from mirror.markup import SiteMarkup, load_markup, mirror_sites

SITE = "mirror-faulty"
SECTIONS = {"tin-tuc": "Tin tức"}
# The fault site borrows the markup and outlet of mirror-baoquangninh for its good articles.
BORROWED_SITE = "mirror-baoquangninh"
REPUBLISHED_SITES = ("mirror-baoquangninh", "mirror-quangninh-gov", "mirror-tuoitrethudo")
CATEGORY_PATH = "/tin-tuc"
GZIP_SITEMAP_PATH = "/sitemap.xml.gz"
ENCODED_SITEMAP_PATH = "/sitemap-news.xml"
BLOCK = 1 << 20
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
HEADLINE = "Hạ Long đón đoàn khách quốc tế đầu tiên của năm mới"
PARAGRAPHS = (
    "Sáng nay, tàu du lịch quốc tế cập cảng Hòn Gai với hơn 2.000 du khách đến từ châu Âu và Hàn Quốc.",
    "Đoàn khách được tặng hoa và tham quan vịnh Hạ Long, Bảo tàng Quảng Ninh trong ngày đầu tiên.",
)


@dataclass(frozen=True, slots=True)
class FaultSettings:
    """How hard the faults hit; tests shrink them so they stay fast."""

    slow_seconds: float = 30.0
    huge_bytes: int = 50_000_000
    bomb_bytes: int = 1 << 30
    retry_after_seconds: int = 2


Fault = Callable[[BaseHTTPRequestHandler, FaultSettings], None]


def good_articles(articles: list[MirrorArticle]) -> tuple[MirrorArticle, ...]:
    """The newest article of each of the three first content sites, republished on mirror-faulty, newest first."""
    newest: dict[str, MirrorArticle] = {}
    for article in articles:
        if article.site not in REPUBLISHED_SITES:
            continue
        if article.site not in newest or article.published_at > newest[article.site].published_at:
            newest[article.site] = article
    copies = [replace(article, site=SITE, section="tin-tuc", syndicated_from=None) for article in newest.values()]
    return tuple(sorted(copies, key=lambda article: article.published_at, reverse=True))


def _simple_page(title: str, paragraphs: tuple[str, ...]) -> str:
    text = "".join(f"<p>{escape(paragraph)}</p>\n" for paragraph in paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n"
        f'<h1 class="title-detail">{escape(title)}</h1>\n<div class="article-content">\n{text}</div>\n'
        "</body>\n</html>\n"
    )


def _send_head(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = HTML,
          extra: dict[str, str] | None = None) -> None:
    _send_head(handler, status, {"Content-Type": content_type, "Content-Length": str(len(body)), **(extra or {})})
    handler.wfile.write(body)


def slow(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    time.sleep(settings.slow_seconds)
    _send(handler, 200, _simple_page(HEADLINE, PARAGRAPHS).encode("utf-8"))


def server_error(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    _send(handler, 500, _simple_page("Lỗi máy chủ", ("Runtime Error: Object reference not set.",)).encode("utf-8"))


def unavailable(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    body = _simple_page("Hệ thống đang bảo trì", ("Vui lòng quay lại sau.",)).encode("utf-8")
    _send(handler, 503, body, extra={"Retry-After": str(settings.retry_after_seconds)})


def connection_reset(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    body = _simple_page(HEADLINE, PARAGRAPHS * 50).encode("utf-8")
    _send_head(handler, 200, {"Content-Type": HTML, "Content-Length": str(len(body))})
    handler.wfile.write(body[: len(body) // 3])
    handler.wfile.flush()
    # Linger zero makes close() send RST instead of FIN: the client sees a reset, not an end.
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    socket.close(handler.connection.detach())
    handler.close_connection = True


def truncated(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    body = _simple_page(HEADLINE, PARAGRAPHS * 50).encode("utf-8")
    _send_head(handler, 200, {"Content-Type": HTML, "Content-Length": str(len(body) * 2), "Connection": "close"})
    handler.wfile.write(body)
    handler.close_connection = True


def longer_than_length(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    body = _simple_page(HEADLINE, PARAGRAPHS * 5).encode("utf-8")
    # The header announces half the page; all of it follows, in one write, and the connection closes.
    _send_head(handler, 200, {"Content-Type": HTML, "Content-Length": str(len(body) // 2), "Connection": "close"})
    handler.wfile.write(body)
    handler.close_connection = True


def windows_1258(text: str) -> bytes:
    """Text as a Windows-1258 page stores it: base letters precomposed, tone marks combining."""
    encoded = bytearray()
    for char in text:
        try:
            encoded += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
            encoded += (base + "".join(c for c in decomposed if c in TONE_MARKS)).encode("cp1258")
    return bytes(encoded)


def wrong_charset(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    _send(handler, 200, windows_1258(_simple_page(HEADLINE, PARAGRAPHS)))


def missing_body(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    text = (
        "</html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(HEADLINE) + "</title></head>\n"
        f'<div class="article-content"><h1>{escape(HEADLINE)}</h1>\n'
        + "".join(f"<p>{escape(paragraph)}</p>\n" for paragraph in PARAGRAPHS)
        + "</div>\n"
    )
    _send(handler, 200, text.encode("utf-8"))


def _huge_chunks(size: int) -> Iterator[bytes]:
    head = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(HEADLINE)}</title></head>\n<body>\n'.encode()
    tail = b"</body>\n</html>\n"
    paragraph = "".join(f"<p>{escape(p)}</p>\n" for p in PARAGRAPHS).encode("utf-8")
    chunk = paragraph * max(1, 65_536 // len(paragraph))
    yield head
    fill = max(0, size - len(head) - len(tail))
    while fill >= len(chunk):
        yield chunk
        fill -= len(chunk)
    # Spaces, not a cut paragraph: cutting UTF-8 mid-character would add a second fault.
    yield b" " * fill
    yield tail


def huge(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    size = max(settings.huge_bytes, sum(len(chunk) for chunk in _huge_chunks(0)))
    _send_head(handler, 200, {"Content-Type": HTML, "Content-Length": str(size)})
    for chunk in _huge_chunks(size):
        handler.wfile.write(chunk)


def _bomb(size: int) -> Iterator[bytes]:
    """A gzip stream of a sitemap opening padded with spaces to size bytes, ~1/1000 of it on the wire."""
    opening = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    yield compressor.compress(opening) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = zlib.crc32(opening)
    remaining = max(0, size - len(opening))
    block = b" " * BLOCK
    # A full flush resets the compressor, so every whole block compresses to the same bytes.
    packed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    while remaining >= BLOCK:
        checksum = zlib.crc32(block, checksum)
        yield packed
        remaining -= BLOCK
    rest = b" " * remaining
    checksum = zlib.crc32(rest, checksum)
    yield compressor.compress(rest) + compressor.flush(zlib.Z_FINISH)
    yield struct.pack("<II", checksum & 0xFFFFFFFF, max(size, len(opening)) & 0xFFFFFFFF)


def _stream_bomb(handler: BaseHTTPRequestHandler, headers: dict[str, str], size: int) -> None:
    # The length is unknown until the end, so the body ends when the connection closes.
    _send_head(handler, 200, {**headers, "Connection": "close"})
    handler.close_connection = True
    for chunk in _bomb(size):
        handler.wfile.write(chunk)


def gzip_bomb_file(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    _stream_bomb(handler, {"Content-Type": "application/x-gzip"}, settings.bomb_bytes)


def gzip_bomb_encoded(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
    _stream_bomb(handler, {"Content-Type": XML, "Content-Encoding": "gzip"}, settings.bomb_bytes)


def _hostile(page: Callable[[], str]) -> Fault:
    def serve(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
        _send(handler, 200, page().encode("utf-8"))

    return serve


def _redirect(location: str) -> Fault:
    def redirect(handler: BaseHTTPRequestHandler, settings: FaultSettings) -> None:
        target = location if location.startswith("http") else "/" + SITE + location
        _send(handler, 302, b"", extra={"Location": target})

    return redirect


# Site-relative path → (label on the category page, behaviour). Paths look like articles on
# purpose: the crawler must fetch them to meet the fault.
FAULTS: dict[str, tuple[str, Fault]] = {
    "/cham-phan-hoi-9000001.html": ("Trang phản hồi chậm", slow),
    "/loi-may-chu-9000002.html": ("Lỗi máy chủ 500", server_error),
    "/qua-tai-9000003.html": ("Máy chủ quá tải 503", unavailable),
    "/ngat-ket-noi-9000004.html": ("Kết nối bị ngắt giữa chừng", connection_reset),
    "/cat-cut-9000005.html": ("Nội dung bị cắt cụt", truncated),
    "/sai-ma-9000006.html": ("Khai báo UTF-8 nhưng gửi Windows-1258", wrong_charset),
    "/thieu-the-body-9000007.html": ("Trang thiếu thẻ body", missing_body),
    "/trang-khong-lo-9000008.html": ("Trang khổng lồ", huge),
    "/vong-lap-9000009.html": ("Vòng lặp chuyển hướng", _redirect("/vong-lap-9000010.html")),
    "/vong-lap-9000010.html": ("Vòng lặp chuyển hướng (2)", _redirect("/vong-lap-9000009.html")),
    "/chuyen-ngoai-9000011.html": ("Chuyển hướng sang máy khác", _redirect("http://example.invalid/tin-tuc/bai-viet-9000011.html")),
    "/chuyen-noi-bo-9000012.html": ("Chuyển hướng vào mạng nội bộ", _redirect("http://10.0.0.1/tin-tuc/bai-viet-9000012.html")),
    "/dai-hon-khai-bao-9000021.html": ("Nội dung dài hơn Content-Length", longer_than_length),
    GZIP_SITEMAP_PATH: ("Sitemap nén gzip", gzip_bomb_file),
    ENCODED_SITEMAP_PATH: ("Sitemap Content-Encoding gzip", gzip_bomb_encoded),
    # Pages that answer 200 with HTML built to break the parser (mirror/hostile.py).
    **{path: (label, _hostile(page)) for path, (label, page) in HOSTILE_PAGES.items()},
}


def _category(markup: SiteMarkup, faults: bool) -> str:
    view = markup.view
    links = [(markup.url(a), a.title) for a in view.articles]
    if faults:
        links += [(view.prefix + path, label) for path, (label, _) in FAULTS.items() if path.endswith(".html")]
    items = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>\n' for href, label in links)
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>Tin tức</title>'
        f'<link rel="canonical" href="{view.absolute(CATEGORY_PATH)}"></head>\n<body>\n'
        f'<h1 class="category-title">Tin tức</h1>\n<ul class="list-news">\n{items}</ul>\n</body>\n</html>\n'
    )


def view(origin: str, articles: list[MirrorArticle]) -> SiteView:
    """The fault site with its good articles, newest first."""
    good = sorted(good_articles(articles), key=lambda article: (article.published_at, article.id), reverse=True)
    return SiteView(key=SITE, origin=origin, sections=SECTIONS, articles=tuple(good))


def site_pages(view: SiteView, faults: bool) -> dict[str, Page]:
    """The site's well-behaved pages: good articles, category page and, outside fault mode, honest sitemaps."""
    borrowed = mirror_sites()[BORROWED_SITE]
    markup = SiteMarkup(view, load_markup(borrowed["markup"]), borrowed["publisher"], borrowed["footer"])
    pages = {
        markup.url(article): make_page(markup.article_page(article), last_modified=article.published_at)
        for article in view.articles
    }
    category = make_page(_category(markup, faults), last_modified=view.newest)
    # The article chrome's menu links home and "Tin mới"; both show the one category.
    for path in (CATEGORY_PATH, "/", markup.listing_path(None, 1)):
        pages[view.prefix + path] = category
    if not faults:
        plain = render_feeds.sitemap(view.articles, view, markup.article_path)
        pages[view.prefix + ENCODED_SITEMAP_PATH] = plain
        pages[view.prefix + GZIP_SITEMAP_PATH] = make_page(
            _gzip(plain.body), "application/x-gzip", last_modified=plain.last_modified
        )
    return pages


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def fault_for(target: str, faults: bool) -> Fault | None:
    """The behaviour for a request target when fault mode is on, else None."""
    if not faults or not target.startswith("/" + SITE + "/"):
        return None
    entry = FAULTS.get(target[len(SITE) + 1:])
    return entry[1] if entry else None
