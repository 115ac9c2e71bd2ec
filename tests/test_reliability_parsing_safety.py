"""Parsing never executes page content: no script runs, no XML entity is expanded or fetched.

Sitemaps and feeds are read by scrapers.discovery (the functions the spider calls on every
sitemap and feed it fetches); article pages by transforms.parse.parse_page (what the parse
stage and `provnews extract` call). Each hostile document is fed to the real function.
"""

from __future__ import annotations

import time
from pathlib import Path

from scrapers.discovery import feed_links, sitemap_links
from transforms.parse import parse_page

SECRET = "provnews-secret-7f3a9c"
# A billion laughs: ten to the ninth "lol"s, about 3 GB if a parser expanded them.
LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{level} "{("&lol;" if level == 1 else f"&lol{level - 1};") * 10}">'
    for level in range(1, 10)
)
# Expansion of even one level would take far longer than this and show up in the output.
QUICK_SECONDS = 2.0

ARTICLE_TEXT = (
    "Sáng nay, Ủy ban nhân dân tỉnh Quảng Ninh tổ chức hội nghị tổng kết công tác cải cách "
    "hành chính năm 2025 với sự tham gia của đại diện các sở, ngành và địa phương trong tỉnh."
)


def secret_file(folder: Path) -> Path:
    path = folder / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def article_page(doctype: str, body_extra: str = "", paragraph: str = ARTICLE_TEXT) -> str:
    return (
        f"{doctype}\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Hội nghị cải cách hành chính</title></head>"
        "<body><h1>Hội nghị cải cách hành chính</h1>"
        f'<div class="article-content"><p id="first">{paragraph}</p>'
        "<p>Hội nghị đã thống nhất các nhiệm vụ trọng tâm cho năm tới, trong đó ưu tiên chuyển đổi số.</p>"
        f"{body_extra}</div></body></html>"
    )


def article_text(html: str) -> str:
    article = parse_page(html.encode("utf-8"), "https://baoquangninh.vn/hoi-nghi-3400001.html")
    return "\n".join([article.title, article.lead, *article.body, *(caption.text for caption in article.captions)])


def test_sitemap_with_a_billion_laughs_is_read_without_expanding_them() -> None:
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{LAUGHS}]>'
        "<urlset><url><loc>https://baoquangninh.vn/tin-1234567.html&lol9;</loc></url></urlset>"
    ).encode()
    started = time.monotonic()
    links = sitemap_links(hostile)
    assert time.monotonic() - started < QUICK_SECONDS
    assert "lol" not in "".join(links.pages + links.sitemaps)


def test_feed_with_a_billion_laughs_is_read_without_expanding_them() -> None:
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{LAUGHS}]>'
        "<rss><channel><item><title>Tin mới</title>"
        "<link>https://baoquangninh.vn/tin-1234567.html&lol9;</link></item></channel></rss>"
    ).encode()
    started = time.monotonic()
    links = feed_links(hostile)
    assert time.monotonic() - started < QUICK_SECONDS
    assert "lol" not in "".join(links)


def test_feed_external_entity_does_not_read_the_file(tmp_path: Path) -> None:
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "{secret_file(tmp_path).as_uri()}">]>'
        "<rss><channel><item><title>Tin mới</title>"
        "<link>https://baoquangninh.vn/tin-1234567.html?q=&leak;</link></item></channel></rss>"
    ).encode()
    assert SECRET not in "".join(feed_links(hostile))


def test_sitemap_external_entity_does_not_read_etc_passwd() -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
        "<urlset><url><loc>https://baoquangninh.vn/tin-1234567.html?q=&leak;</loc></url></urlset>"
    ).encode()
    links = "".join(sitemap_links(hostile).pages)
    assert "root:" not in links
    assert links.startswith("https://baoquangninh.vn/tin-1234567.html")


def test_sitemap_parameter_entity_does_not_fetch_an_external_dtd(tmp_path: Path) -> None:
    # A parameter entity pulling in a DTD that defines the leaking entity: the classic
    # out-of-band XXE, which works only if the parser loads external DTDs.
    secret = secret_file(tmp_path)
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak SYSTEM "{secret.as_uri()}">', encoding="utf-8")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY % remote SYSTEM "{dtd.as_uri()}"> %remote;]>'
        "<urlset><url><loc>https://baoquangninh.vn/tin-1234567.html?q=&leak;</loc></url></urlset>"
    ).encode()
    assert SECRET not in "".join(sitemap_links(hostile).pages)


def test_article_page_external_entity_does_not_read_the_file(tmp_path: Path) -> None:
    doctype = f'<!DOCTYPE html [<!ENTITY leak SYSTEM "{secret_file(tmp_path).as_uri()}">]>'
    text = article_text(article_page(doctype, paragraph=f"{ARTICLE_TEXT} &leak;"))
    assert SECRET not in text
    assert "cải cách hành chính năm 2025" in text


def test_article_page_with_a_billion_laughs_is_parsed_without_expanding_them() -> None:
    html = article_page(f"<!DOCTYPE html [{LAUGHS}]>", paragraph=f"{ARTICLE_TEXT} &lol9;")
    started = time.monotonic()
    text = article_text(html)
    assert time.monotonic() - started < QUICK_SECONDS
    assert "lollol" not in text


def test_script_that_rewrites_the_article_text_does_not_run() -> None:
    script = (
        "<script>document.getElementById('first').textContent = 'Tin giả do kịch bản chèn vào';"
        "document.write('<p>Đoạn văn do kịch bản viết thêm vào trang</p>');</script>"
    )
    text = article_text(article_page("<!DOCTYPE html>", body_extra=script))
    assert ARTICLE_TEXT in text
    assert "Tin giả" not in text
    assert "Đoạn văn do kịch bản" not in text


def test_script_that_would_write_a_file_does_not_run(tmp_path: Path) -> None:
    target = tmp_path / "written-by-page"
    script = (
        f"<script>require('fs').writeFileSync({str(target)!r}, 'x');</script>"
        f"<img src=\"x\" onerror=\"require('fs').writeFileSync({str(target)!r}, 'x')\">"
        f"<script type=\"text/python\">open({str(target)!r}, 'w').write('x')</script>"
    )
    text = article_text(article_page("<!DOCTYPE html>", body_extra=script))
    assert not target.exists()
    assert "writeFileSync" not in text and "open(" not in text


def test_frames_and_objects_pointing_at_local_files_are_not_loaded(tmp_path: Path) -> None:
    secret = secret_file(tmp_path).as_uri()
    embeds = (
        f'<iframe src="{secret}"></iframe><object data="{secret}"></object>'
        f'<embed src="{secret}"><link rel="import" href="{secret}">'
    )
    assert SECRET not in article_text(article_page("<!DOCTYPE html>", body_extra=embeds))
