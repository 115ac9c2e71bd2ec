"""The mirror's markups: one template folder per CMS family, each site in one, feeds and sitemaps as the family has them."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from collections.abc import Iterator

import defusedxml.ElementTree as ElementTree
import pytest

from mirror.content import load_articles
from mirror.markup import TEMPLATES_DIR, load_markup, mirror_sites
from mirror.server import MirrorServer
from scrapers.family import load_families
from scrapers.site import load_sites

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer() as server:
        yield server


def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *arguments: object, **keywords: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_at_least_eight_sites_in_six_markups_five_of_them_families() -> None:
    sites = mirror_sites()
    markups = {config["markup"] for config in sites.values()}
    assert len(sites) >= 8 and len(markups) >= 6
    assert len(markups & set(load_families())) >= 5


@pytest.mark.parametrize("markup", sorted(path.name for path in TEMPLATES_DIR.iterdir() if path.is_dir()))
def test_each_markup_is_a_few_template_files(markup: str) -> None:
    folder = TEMPLATES_DIR / markup
    assert {"markup.yaml", "article.html", "listing.html"} <= {path.name for path in folder.iterdir()}
    load_markup(markup)


def test_a_site_file_of_a_family_markup_names_that_family() -> None:
    site_files = load_sites()
    # mirror-quangninh-gov speaks the SharePoint markup but keeps no selectors: it exercises the generic extractor.
    read_by_family = [site for site in mirror_sites() if site_files[site].family]
    assert len(read_by_family) >= 5
    for site in read_by_family:
        assert site_files[site].family == mirror_sites()[site]["markup"], site


def test_post_cms_sitemap_index_points_at_monthly_gzipped_sitemaps(mirror: MirrorServer) -> None:
    status, body, _ = get(mirror.site_url("mirror-sggp") + "/sitemap.xml")
    assert status == 200
    children = [node.text for node in ElementTree.fromstring(body).iter(SITEMAP + "loc")]
    assert children and all("/sitemaps/news-2026-" in child for child in children)
    status, body, headers = get(children[0])
    urls = [node.text for node in ElementTree.fromstring(gzip.decompress(body)).iter(SITEMAP + "loc")]
    assert status == 200 and body[:2] == b"\x1f\x8b" and all("-post" in url for url in urls)


def test_southern_vendor_has_rss_per_category(mirror: MirrorServer) -> None:
    status, body, _ = get(mirror.site_url("mirror-baocantho") + "/rss/cate/kinh-te/")
    assert status == 200 and b"<rss" in body and b"-a1993" in body


def test_an_address_without_its_trailing_slash_is_redirected(mirror: MirrorServer) -> None:
    status, _, headers = get(mirror.site_url("mirror-baodongnai") + "/kinh-te")
    assert status == 301 and headers["Location"].endswith("/mirror-baodongnai/kinh-te/")


def test_onecms_states_the_publication_time_month_first(mirror: MirrorServer) -> None:
    article = next(a for a in load_articles() if a.site == "mirror-hanoimoi")
    _, body, _ = get(mirror.article_url(article))
    moment = article.published_at
    assert f'content="{moment.month}/{moment.day}/{moment.year} '.encode() in body
