"""The offline mirror over real loopback HTTP: every article reachable, discovery files, HTTP semantics, faults."""

from __future__ import annotations

import gzip
import html
import http.client
import socket
import unicodedata
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as ElementTree
import pytest
from parsel import Selector

from mirror.content import MirrorArticle, load_articles
from mirror.faults import FAULTS
from mirror.server import MirrorServer
from scrapers.site import Site, load_sites

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CONTENT_SITES = ("mirror-baoquangninh", "mirror-quangninh-gov", "mirror-tuoitrethudo")
SLOW_SECONDS = 1.0
HUGE_BYTES = 300_000
BOMB_BYTES = 8 << 20


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments: object, **keywords: object) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET",
          timeout: float = 10) -> tuple[int, http.client.HTTPMessage, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def text_of(url: str) -> str:
    status, _, body = fetch(url)
    assert status == 200, url
    return body.decode("utf-8")


@pytest.fixture(scope="module")
def articles() -> list[MirrorArticle]:
    return load_articles()


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="module")
def faulty() -> Iterator[MirrorServer]:
    with MirrorServer(faults=True, slow_seconds=SLOW_SECONDS, huge_bytes=HUGE_BYTES, bomb_bytes=BOMB_BYTES) as server:
        yield server


@pytest.fixture(scope="module")
def sites(mirror: MirrorServer) -> dict[str, Site]:
    return load_sites(mirror_port=mirror.port)


def expected_urls(mirror: MirrorServer, articles: list[MirrorArticle], site: str) -> set[str]:
    return {mirror.article_url(article) for article in articles if article.site == site}


def links(url: str, page: str, css: str = "a") -> list[str]:
    return [urljoin(url, href) for href in Selector(text=page).css(css).xpath("@href").getall()]


def article_links_from_categories(site: Site) -> set[str]:
    """Article URLs found by walking each category page along the site file's pagination selector."""
    found: set[str] = set()
    for category in site.discovery.categories:
        url: str | None = site.absolute(category)
        while url:
            page = text_of(url)
            found |= {link for link in links(url, page) if site.is_article(link)}
            following = links(url, page, site.discovery.pagination) if site.discovery.pagination else []
            url = following[0] if following else None
    return found


def test_every_article_is_served_with_its_title(mirror, articles):
    for article in articles:
        page = unicodedata.normalize("NFC", text_of(mirror.article_url(article)))
        assert html.escape(article.title) in page, article.key


def test_article_urls_match_their_site_file_pattern(mirror, articles, sites):
    for article in articles:
        assert sites[article.site].is_article(mirror.article_url(article)), article.key


@pytest.mark.parametrize("site_name", CONTENT_SITES)
def test_category_pagination_reaches_every_article(mirror, articles, sites, site_name):
    found = article_links_from_categories(sites[site_name])
    assert expected_urls(mirror, articles, site_name) <= found


def test_category_pages_hold_at_most_ten_stories(mirror, sites):
    site = sites["mirror-baoquangninh"]
    page = text_of(site.absolute("/tin-moi"))
    assert 0 < len(Selector(text=page).css(".list-news .story")) <= 10


def sitemap_locations(url: str) -> dict[str, str]:
    """loc → lastmod of every URL in a sitemap, following a sitemap index."""
    root = ElementTree.fromstring(fetch(url)[2])
    if root.tag == f"{SITEMAP}sitemapindex":
        found: dict[str, str] = {}
        for child in root.iter(f"{SITEMAP}loc"):
            found |= sitemap_locations(child.text)
        return found
    return {entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod") for entry in root.iter(f"{SITEMAP}url")}


@pytest.mark.parametrize("site_name", CONTENT_SITES)
def test_sitemap_lists_every_article_with_lastmod(mirror, articles, site_name):
    listed = sitemap_locations(mirror.site_url(site_name) + "/sitemap.xml")
    assert set(listed) == expected_urls(mirror, articles, site_name)
    assert all(lastmod.endswith("+07:00") for lastmod in listed.values())


def rss_links(url: str) -> set[str]:
    root = ElementTree.fromstring(fetch(url)[2])
    assert root.tag == "rss" and root.get("version") == "2.0"
    return {item.findtext("link") for item in root.iter("item")}


@pytest.mark.parametrize("site_name, feed", [
    ("mirror-baoquangninh", "/rss"), ("mirror-quangninh-gov", "/rss.xml"), ("mirror-tuoitrethudo", "/rss.xml"),
])
def test_rss_lists_every_article(mirror, articles, site_name, feed):
    assert rss_links(mirror.site_url(site_name) + feed) == expected_urls(mirror, articles, site_name)


def test_section_feeds_together_list_every_article(mirror, articles, sites):
    site = sites["mirror-baoquangninh"]
    section_feeds = [feed for feed in site.discovery.rss if feed.startswith("/rss/news/")]
    listed = set().union(*(rss_links(site.absolute(feed)) for feed in section_feeds))
    assert listed == expected_urls(mirror, articles, "mirror-baoquangninh")


def robots_for(mirror: MirrorServer) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text_of(mirror.base_url + "/robots.txt").splitlines())
    return parser


def test_robots_disallows_the_private_section_only(mirror, articles):
    robots = robots_for(mirror)
    assert not robots.can_fetch("provnews", mirror.planted["private"])
    assert all(robots.can_fetch("provnews", mirror.article_url(article)) for article in articles)


def test_private_page_is_linked_from_category_pages(mirror, sites):
    site = sites["mirror-tuoitrethudo"]
    url = site.absolute("/muon-mat-cuoc-song")
    assert mirror.planted["private"] in links(url, text_of(url))
    assert site.is_article(mirror.planted["private"])


def test_robots_lists_each_site_sitemap(mirror):
    robots = robots_for(mirror)
    for site_name in CONTENT_SITES:
        assert mirror.site_url(site_name) + "/sitemap.xml" in (robots.site_maps() or [])


def test_article_carries_charset_etag_and_last_modified(mirror, articles):
    status, headers, _ = fetch(mirror.article_url(articles[0]))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["ETag"].startswith('"')
    assert headers["Last-Modified"].endswith("GMT")


def test_matching_etag_gets_304_without_body(mirror, articles):
    url = mirror.article_url(articles[0])
    etag = fetch(url)[1]["ETag"]
    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert (status, body, headers["ETag"]) == (304, b"", etag)


def test_stale_etag_gets_the_page(mirror, articles):
    status, _, body = fetch(mirror.article_url(articles[0]), {"If-None-Match": '"stale"'})
    assert status == 200 and body


def test_if_modified_since_publication_gets_304(mirror, articles):
    article = articles[0]
    since = format_datetime(article.published_at, usegmt=False)
    assert fetch(mirror.article_url(article), {"If-Modified-Since": since})[0] == 304


def test_if_modified_since_before_publication_gets_the_page(mirror, articles):
    since = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fetch(mirror.article_url(articles[0]), {"If-Modified-Since": since})[0] == 200


def test_head_gives_length_without_body(mirror, articles):
    url = mirror.article_url(articles[0])
    full = fetch(url)[2]
    status, headers, body = fetch(url, method="HEAD")
    assert (status, body, int(headers["Content-Length"])) == (200, b"", len(full))


def test_unknown_path_is_404(mirror):
    assert fetch(mirror.site_url("mirror-baoquangninh") + "/khong-co-bai-nay-1234567.html")[0] == 404
    assert fetch(mirror.site_url("mirror-quangninh-gov") + "/Trang/ChiTietTinTuc.aspx?nid=1")[0] == 404


def test_site_root_without_slash_redirects_to_its_home(mirror):
    status, headers, _ = fetch(mirror.site_url("mirror-tuoitrethudo"))
    assert (status, headers["Location"]) == (301, "/mirror-tuoitrethudo/")
    assert fetch(mirror.site_url("mirror-tuoitrethudo") + "/")[0] == 200


def canonical_of(page: str) -> str:
    return Selector(text=page).css('link[rel="canonical"]::attr(href)').get()


def test_tracking_url_serves_the_clean_page_with_clean_canonical(mirror):
    tracked = text_of(mirror.planted["tracking"])
    assert tracked == text_of(mirror.planted["tracking_clean"])
    assert canonical_of(tracked) == mirror.planted["tracking_clean"]


def test_tracking_url_is_linked_from_a_category_page(mirror, sites, articles):
    site = sites["mirror-baoquangninh"]
    tracked = mirror.planted["tracking"]
    section = next(a.section for a in articles if mirror.article_url(a) == mirror.planted["tracking_clean"])
    url = site.absolute("/" + section)
    assert tracked in links(url, text_of(url))


def test_print_version_is_linked_and_points_back_to_the_article(mirror, articles):
    original = text_of(mirror.planted["print_of"])
    assert mirror.planted["print"] in links(mirror.planted["print_of"], original)
    printed = text_of(mirror.planted["print"])
    assert canonical_of(printed) == mirror.planted["print_of"]
    article = next(a for a in articles if mirror.article_url(a) == mirror.planted["print_of"])
    assert all(html.escape(paragraph.removeprefix("## ")) in printed for paragraph in article.body)
    assert "box-most-read" not in printed


def test_one_page_is_served_decomposed(mirror, articles):
    decomposed = text_of(mirror.planted["nfd"])
    assert not unicodedata.is_normalized("NFC", decomposed)
    others = [mirror.article_url(a) for a in articles if mirror.article_url(a) != mirror.planted["nfd"]]
    assert all(unicodedata.is_normalized("NFC", text_of(url)) for url in others)


def json_ld_types(page: str) -> list[str]:
    return Selector(text=page).css('script[type="application/ld+json"]::text').re(r'"@type": "(NewsArticle)"')


def test_json_ld_only_where_the_article_asks_for_it(mirror, articles):
    # The family markups show JSON-LD as their CMS does; these three sites follow the record's flag.
    for article in (a for a in articles if a.site in CONTENT_SITES):
        wanted = article.json_ld and article.site != "mirror-quangninh-gov"
        assert bool(json_ld_types(text_of(mirror.article_url(article)))) == wanted, article.key


def test_byline_roles_are_lines_at_the_end_of_the_body(mirror, articles):
    article = next(a for a in articles if a.byline_roles and a.site == "mirror-baoquangninh")
    page = Selector(text=text_of(mirror.article_url(article)))
    lines = page.css(".article-content > p.author").xpath("string()").getall()
    assert lines == [f"{role}: {name.upper()}" for role, name in article.byline_roles.items()]
    assert page.css(".article-content > *")[-1].attrib.get("class") == "author"


def test_every_article_page_has_the_boxes_a_reader_sees(mirror, articles):
    for article in (a for a in articles if a.site in CONTENT_SITES):
        page = unicodedata.normalize("NFC", text_of(mirror.article_url(article)))
        for marker in ("Đọc nhiều", "Chia sẻ", "Zalo", "Điện thoại:", 'property="og:title"'):
            assert marker in page, (article.key, marker)
        assert any(box in page for box in ("Tin liên quan", "Đọc thêm", "Xem thêm")), article.key


def test_fault_pages_are_absent_outside_fault_mode(mirror):
    category = text_of(mirror.site_url("mirror-faulty") + "/tin-tuc")
    for path in (path for path in FAULTS if path.endswith(".html")):
        assert path not in category
        assert fetch(mirror.site_url("mirror-faulty") + path)[0] == 404, path


def test_fault_site_sitemaps_are_honest_outside_fault_mode(mirror):
    packed = fetch(mirror.site_url("mirror-faulty") + "/sitemap.xml.gz")[2]
    plain = fetch(mirror.site_url("mirror-faulty") + "/sitemap-news.xml")[2]
    assert gzip.decompress(packed) == plain
    assert plain.count(b"<loc>") >= 2


def test_fault_category_links_every_fault_page_and_the_good_articles(faulty, sites):
    site = load_sites(mirror_port=faulty.port)["mirror-faulty"]
    url = site.absolute("/tin-tuc")
    linked = set(links(url, text_of(url)))
    assert {site.absolute(path) for path in FAULTS if path.endswith(".html")} <= linked
    good = {link for link in linked if site.is_article(link) and urlsplit(link).path.split("/")[-1] not in
            {path.lstrip("/") for path in FAULTS}}
    assert len(good) >= 2
    assert all(fetch(link)[0] == 200 for link in good)


def faulty_url(faulty: MirrorServer, path: str) -> str:
    return faulty.site_url("mirror-faulty") + path


def test_slow_page_outlasts_a_short_timeout(faulty):
    with pytest.raises((TimeoutError, urllib.error.URLError)) as raised:
        fetch(faulty_url(faulty, "/cham-phan-hoi-9000001.html"), timeout=SLOW_SECONDS / 4)
    error = raised.value
    assert isinstance(error, TimeoutError) or isinstance(error.reason, TimeoutError)


def test_server_error_page_is_500(faulty):
    assert fetch(faulty_url(faulty, "/loi-may-chu-9000002.html"))[0] == 500


def test_overloaded_page_is_503_with_retry_after(faulty):
    status, headers, _ = fetch(faulty_url(faulty, "/qua-tai-9000003.html"))
    assert status == 503 and int(headers["Retry-After"]) > 0


def raw_get(faulty: MirrorServer, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", faulty.port, timeout=5)
    connection.request("GET", "/mirror-faulty" + path)
    return connection.getresponse()


def test_reset_page_closes_the_connection_mid_body(faulty):
    response = raw_get(faulty, "/ngat-ket-noi-9000004.html")
    with pytest.raises(ConnectionResetError):
        while response.read(1024):
            pass


def test_truncated_page_sends_less_than_its_content_length(faulty):
    response = raw_get(faulty, "/cat-cut-9000005.html")
    with pytest.raises(http.client.IncompleteRead) as raised:
        response.read()
    assert len(raised.value.partial) < int(response.headers["Content-Length"])


def test_mis_declared_page_says_utf8_and_sends_windows_1258(faulty):
    _, headers, body = fetch(faulty_url(faulty, "/sai-ma-9000006.html"))
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Hạ Long đón đoàn khách quốc tế" in unicodedata.normalize("NFC", body.decode("cp1258"))


def test_bodyless_page_opens_with_a_stray_closing_html(faulty):
    page = text_of(faulty_url(faulty, "/thieu-the-body-9000007.html"))
    assert page.startswith("</html>") and "<body" not in page


def test_huge_page_streams_the_configured_size(faulty):
    _, headers, body = fetch(faulty_url(faulty, "/trang-khong-lo-9000008.html"))
    assert int(headers["Content-Length"]) == len(body) == HUGE_BYTES
    assert body.endswith(b"</html>\n")


def test_gzip_sitemap_bomb_expands_a_thousandfold(faulty):
    _, headers, body = fetch(faulty_url(faulty, "/sitemap.xml.gz"))
    expanded = gzip.decompress(body)
    assert len(expanded) == BOMB_BYTES and len(body) * 500 < BOMB_BYTES
    assert expanded.startswith(b"<?xml")


def test_content_encoded_sitemap_bomb_declares_gzip(faulty):
    status, headers, body = fetch(faulty_url(faulty, "/sitemap-news.xml"))
    assert headers["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(body)) == BOMB_BYTES


def test_redirect_loop_points_back_to_its_start(faulty):
    first = faulty_url(faulty, "/vong-lap-9000009.html")
    status, headers, _ = fetch(first)
    second = urljoin(first, headers["Location"])
    assert status == 302 and second != first
    assert urljoin(second, fetch(second)[1]["Location"]) == first


@pytest.mark.parametrize("path, host", [
    ("/chuyen-ngoai-9000011.html", "example.invalid"), ("/chuyen-noi-bo-9000012.html", "10.0.0.1"),
])
def test_redirect_leaves_the_mirror(faulty, path, host):
    status, headers, _ = fetch(faulty_url(faulty, path))
    assert status == 302 and urlsplit(headers["Location"]).hostname == host


def test_server_binds_loopback_only(mirror):
    assert mirror.server_address[0] == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", mirror.port), timeout=2):
        pass
