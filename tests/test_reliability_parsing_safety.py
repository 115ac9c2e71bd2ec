"""Hostile and broken pages never run, expand or break anything, and each failure is recorded.

Sitemaps and feeds are read by scrapers.discovery (the functions the spider calls on every
sitemap and feed it fetches); article pages by transforms.parse.parse_page (what the parse
stage and `provnews extract` call). Each hostile document is fed to the real function.
The mirror's fault site is then crawled, loaded and parsed for real, to show where every
fault ends up in the warehouse.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from mirror.faults import HEADLINE
from mirror.server import MirrorServer
from scrapers.crawl import run_crawl
from scrapers.discovery import feed_links, sitemap_links
from scrapers.site import load_sites
from tests.support import free_port, provnews_environment, run_provnews
from transforms.parse import parse_page
from transforms.records import Selectors

SECRET = "provnews-secret-7f3a9c"
# A billion laughs: ten to the ninth "lol"s, about 3 GB if a parser expanded them.
LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{level} "{("&lol;" if level == 1 else f"&lol{level - 1};") * 10}">'
    for level in range(1, 10)
)
# libxml2 stops a full billion laughs on its own; the small &lol2; placed before it (a
# hundred "lol"s) is under that limit, so it shows whether our reading expands entities at all.
LAUGHING_TEXT = "&lol2;&lol9;"
# Expanding the big one would take far longer than this.
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


def article_text(html: str, selectors: Selectors | None = None) -> str:
    article = parse_page(html.encode("utf-8"), "https://baoquangninh.vn/hoi-nghi-3400001.html", selectors)
    return "\n".join([article.title, article.lead, *article.body, *(caption.text for caption in article.captions)])


def test_sitemap_with_a_billion_laughs_is_read_without_expanding_them() -> None:
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{LAUGHS}]>'
        f"<urlset><url><loc>https://baoquangninh.vn/tin-1234567.html{LAUGHING_TEXT}</loc></url></urlset>"
    ).encode()
    started = time.monotonic()
    links = sitemap_links(hostile)
    assert time.monotonic() - started < QUICK_SECONDS
    assert "lol" not in "".join(links.pages + links.sitemaps)


def test_feed_with_a_billion_laughs_is_read_without_expanding_them() -> None:
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{LAUGHS}]>'
        "<rss><channel><item><title>Tin mới</title>"
        f"<link>https://baoquangninh.vn/tin-1234567.html{LAUGHING_TEXT}</link></item></channel></rss>"
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
    html = article_page(f"<!DOCTYPE html [{LAUGHS}]>", paragraph=f"{ARTICLE_TEXT} {LAUGHING_TEXT}")
    started = time.monotonic()
    text = article_text(html)
    assert time.monotonic() - started < QUICK_SECONDS
    assert "lollol" not in text


# Both extractors: the generic one, and a site's selectors (which keep every paragraph of the body).
EXTRACTORS = pytest.mark.parametrize(
    "selectors", [None, Selectors(body=".article-content")], ids=["generic", "site selectors"]
)


@EXTRACTORS
def test_script_that_rewrites_the_article_text_does_not_run(selectors: Selectors | None) -> None:
    # Inside a paragraph, so that only taking scripts out keeps their text out of the body.
    script = (
        "<p>Đại biểu đã thảo luận sôi nổi về các giải pháp cải cách thủ tục hành chính.<script>"
        "document.getElementById('first').textContent = 'Tin giả do kịch bản chèn vào';"
        "document.write('<p>Đoạn văn do kịch bản viết thêm vào trang</p>');</script></p>"
    )
    text = article_text(article_page("<!DOCTYPE html>", body_extra=script), selectors)
    assert ARTICLE_TEXT in text
    assert "Tin giả" not in text
    assert "Đoạn văn do kịch bản" not in text


@EXTRACTORS
def test_script_that_would_write_a_file_does_not_run(tmp_path: Path, selectors: Selectors | None) -> None:
    target = tmp_path / "written-by-page"
    script = (
        "<p>Đại biểu đã thảo luận sôi nổi về các giải pháp cải cách thủ tục hành chính."
        f"<script>require('fs').writeFileSync({str(target)!r}, 'x');</script>"
        f"<img src=\"x\" onerror=\"require('fs').writeFileSync({str(target)!r}, 'x')\">"
        f"<script type=\"text/python\">open({str(target)!r}, 'w').write('x')</script></p>"
    )
    text = article_text(article_page("<!DOCTYPE html>", body_extra=script), selectors)
    assert not target.exists()
    assert "writeFileSync" not in text and "open(" not in text


def test_frames_and_objects_pointing_at_local_files_are_not_loaded(tmp_path: Path) -> None:
    secret = secret_file(tmp_path).as_uri()
    embeds = (
        f'<iframe src="{secret}"></iframe><object data="{secret}"></object>'
        f'<embed src="{secret}"><link rel="import" href="{secret}">'
    )
    assert SECRET not in article_text(article_page("<!DOCTYPE html>", body_extra=embeds))


# Fault page (last path segment) -> where the warehouse records it: (pages.http_status, start of pages.error).
RECORDED_FAULTS = {
    "cham-phan-hoi-9000001.html": (None, "timeout"),
    "loi-may-chu-9000002.html": (500, None),
    "qua-tai-9000003.html": (503, None),
    "ngat-ket-noi-9000004.html": (None, "connection reset"),
    "cat-cut-9000005.html": (None, "response truncated"),
    "dai-hon-khai-bao-9000021.html": (200, "response truncated: "),
    "trang-khong-lo-9000008.html": (None, "too large"),
    "vong-lap-9000009.html": (None, "too many redirects"),
    "chuyen-ngoai-9000011.html": (None, "refused: example.invalid"),
    "chuyen-noi-bo-9000012.html": (None, "refused: 10.0.0.1"),
    "sitemap.xml.gz": (200, "sitemap refused: over"),
    "sitemap-news.xml": (None, "too large once decompressed"),
}


@pytest.fixture(scope="module")
def faulty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    data = tmp_path_factory.mktemp("faulty")
    # Faults shrunk to fit a test: an 8 s answer against a 3 s timeout (long enough for good
    # pages on a busy machine), a 12 MB page, a 64 MB bomb.
    with MirrorServer(faults=True, slow_seconds=8, huge_bytes=12_000_000, bomb_bytes=64_000_000) as mirror:
        site = load_sites(mirror_port=mirror.port)["mirror-faulty"]
        run_crawl(
            site, "mirror-faulty-20260115T010000Z", landing_dir=data / "landing", log_dir=data / "logs",
            download_timeout_seconds=3, retry_after_max_seconds=0.2,
        )
    environment = provnews_environment(data, free_port())
    for stage in ("load", "parse"):
        result = run_provnews([stage], environment)
        assert result.returncode == 0, result.stderr[-3000:]
    connection = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def page_named(connection: duckdb.DuckDBPyConnection, name: str) -> tuple:
    return connection.execute(
        "SELECT http_status, error FROM pages WHERE url LIKE '%/' || ?", [name]
    ).fetchone()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RECORDED_FAULTS))
def test_each_fault_is_recorded_on_its_page_row(faulty_warehouse: duckdb.DuckDBPyConnection, name: str) -> None:
    status, error = page_named(faulty_warehouse, name)
    expected_status, expected_error = RECORDED_FAULTS[name]
    assert status == expected_status
    assert (error or "").startswith(expected_error or "") and (error is None) == (expected_error is None)


@pytest.mark.slow
def test_fault_run_is_partial_and_counts_every_failed_page(faulty_warehouse: duckdb.DuckDBPyConnection) -> None:
    status, pages_failed = faulty_warehouse.execute("SELECT status, pages_failed FROM crawl_runs").fetchone()
    # Both halves of the redirect loop land; the planted faults above hold one of them.
    assert (status, pages_failed) == ("partial", len(RECORDED_FAULTS) + 1)


@pytest.mark.slow
def test_failed_pages_never_become_articles(faulty_warehouse: duckdb.DuckDBPyConnection) -> None:
    parsed = {
        url.rsplit("/", 1)[-1]
        for (url,) in faulty_warehouse.execute("SELECT url FROM articles").fetchall()
    }
    assert parsed & set(RECORDED_FAULTS) == set()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sai-ma-9000006.html", "thieu-the-body-9000007.html"])
def test_mis_declared_charset_and_missing_body_still_give_the_article(
    faulty_warehouse: duckdb.DuckDBPyConnection, name: str
) -> None:
    title = faulty_warehouse.execute(
        "SELECT title FROM articles WHERE url LIKE '%/' || ?", [name]
    ).fetchone()
    assert title == (HEADLINE,)


@pytest.mark.slow
def test_good_articles_of_the_fault_site_are_all_parsed(faulty_warehouse: duckdb.DuckDBPyConnection) -> None:
    good = faulty_warehouse.execute(
        "SELECT count(*) FROM articles WHERE url NOT LIKE '%-9000___.html'"
    ).fetchone()[0]
    assert good == 3


@pytest.fixture(scope="module")
def night_with_site_down(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    data = tmp_path_factory.mktemp("down")
    # No mirror is started: the port answers nothing, as a site that is down.
    result = run_provnews(["run", "--sites", "mirror-baoquangninh"], provnews_environment(data, free_port()))
    return result.returncode, data


@pytest.mark.slow
def test_run_with_a_site_down_exits_with_1(night_with_site_down: tuple[int, Path]) -> None:
    returncode, _ = night_with_site_down
    assert returncode == 1


@pytest.mark.slow
def test_site_down_is_a_failed_run_with_its_error_in_the_warehouse(night_with_site_down: tuple[int, Path]) -> None:
    _, data = night_with_site_down
    with duckdb.connect(str(data / "published" / "warehouse.duckdb"), read_only=True) as connection:
        run = connection.execute("SELECT status, pages_fetched, pages_failed, error FROM crawl_runs").fetchall()
        pages = connection.execute("SELECT page_kind, http_status, error FROM pages").fetchall()
    assert [(status, fetched, failed) for status, fetched, failed, _ in run] == [("failed", 0, 1)]
    assert "connection refused" in run[0][3]
    assert pages == [("robots", None, "connection refused")]
