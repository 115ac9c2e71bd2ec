"""The collection of site files: every province's paper, the legacy hosts, the portals, all valid and documented."""

import re
from pathlib import Path

import pytest

from provnews import settings
from scrapers.family import load_families
from scrapers.site import load_sites
from scrapers.urls import canonical_url

SITES = load_sites()
FAMILIES = load_families()
REAL_SITES = {name: site for name, site in SITES.items() if not site.mirror}
# The 34 provinces and centrally-run cities since 1 July 2025, by code.
PROVINCE_CODES = {
    "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37", "38", "40",
    "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82", "86", "91", "92", "96",
}
PORTAL_PLATFORMS = {name for name, family in FAMILIES.items() if family["kind"] == "portal"}


def test_there_are_four_portal_platforms_and_five_newspaper_families() -> None:
    assert len(PORTAL_PLATFORMS) == 4
    assert len([family for family in FAMILIES.values() if family["kind"] == "newspaper"]) >= 5


@pytest.mark.parametrize("name", sorted(SITES))
def test_every_site_file_says_where_it_belongs_and_what_it_rests_on(name: str) -> None:
    site = SITES[name]
    assert site.province_code in PROVINCE_CODES, f"{name}: province_code"
    assert site.kind in {"newspaper", "portal", "other"}
    assert len(site.verified) >= 10, f"{name}: verified note"
    assert site.discovery.methods, f"{name}: no discovery"
    if not site.mirror:
        assert site.base_url.startswith("https://")
        assert site.download_delay >= 1.0 and site.obey_robots, f"{name}: politeness"
        assert site.selectors_for(None) is None or site.selectors_for(None).body, f"{name}: a selector set with no body"


def test_every_province_has_its_official_newspaper() -> None:
    papers = {site.province_code for site in REAL_SITES.values() if site.kind == "newspaper" and not site.legacy_of}
    assert papers == PROVINCE_CODES, f"missing: {sorted(PROVINCE_CODES - papers)}"


def test_legacy_hosts_keep_the_absorbed_papers_archives() -> None:
    legacy = {name for name, site in REAL_SITES.items() if site.legacy_of}
    assert len(legacy) >= 6
    assert {"bbk-baothainguyen", "phuyen-baodaklak", "dongkhoi-baovinhlong", "travinh-baovinhlong"} <= legacy


def test_portals_of_at_least_eight_provinces_cover_all_four_platforms() -> None:
    portals = [site for site in REAL_SITES.values() if site.kind == "portal"]
    assert len({site.province_code for site in portals}) >= 8
    assert {site.family for site in portals} == PORTAL_PLATFORMS


def test_tuoitrethudo_stays_as_an_extra() -> None:
    assert SITES["tuoitrethudo"].kind == "other"


def test_every_family_has_sites_and_every_family_named_exists() -> None:
    used = {site.family for site in SITES.values() if site.family}
    assert used <= set(FAMILIES)
    assert set(FAMILIES) <= used


@pytest.mark.parametrize(
    ("name", "url", "is_article"),
    [
        ("hanoimoi", "https://hanoimoi.vn/ha-noi-mo-rong-duong-vanh-dai-712345.html", True),
        ("hanoimoi", "https://hanoimoi.vn/ky-hop-hdnd-thanh-pho-event123456.html", False),
        ("sggp", "https://www.sggp.org.vn/thanh-pho-mo-them-tuyen-buyt-post812345.html", True),
        ("sggp", "https://www.sggp.org.vn/xahoi/", False),
        ("baodongnai", "https://baodongnai.com.vn/kinh-te/202601/khu-cong-nghiep-moi-f3a2b1c/", True),
        ("baocantho", "https://baocantho.com.vn/mua-lua-dong-xuan-a198765.html", True),
        ("baolaocai", "https://baolaocai.vn/tu-khoa/giao-thong-tag123.html", False),
        ("baobacninhtv", "https://baobacninhtv.vn/khoi-cong-cau-moi-postid432109.bbg", True),
        ("baodienbienphu", "https://baodienbienphu.vn/tin-bai/kinh-te/mua-ca-phe-bat-dau", True),
        ("quangninh-gov", "https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid=45210", True),
        ("thanhhoa-gov", "https://thanhhoa.gov.vn/portal/Pages/2026-1-8/Tinh-hop-ban-chi-dao-ab12cd34.aspx", True),
        ("bacninh-gov", "https://bacninh.gov.vn/news/-/details/20182/tinh-khoi-cong-du-an-123456", True),
        ("nghean-gov", "https://nghean.gov.vn/tin-noi-bat/tinh-don-doan-cong-tac-950942", True),
        ("nghean-gov", "https://nghean.gov.vn/tin-noi-bat", False),
    ],
)
def test_article_patterns_fit_the_url_shapes_the_research_found(name: str, url: str, is_article: bool) -> None:
    assert SITES[name].is_article(url) is is_article
    # The spider tests the canonical spelling: no trailing slash, no "www.", sorted query.
    assert SITES[name].is_article(canonical_url(url)) is is_article


def test_nothing_downstream_branches_on_a_site_or_family_name() -> None:
    """Code reads what the files declare; a site's or family's name in code would be a hidden exception."""
    names = {name for name in REAL_SITES} | set(FAMILIES)
    pattern = re.compile(r"""["'](?:%s)["']""" % "|".join(re.escape(name) for name in sorted(names)))
    offenders = []
    for folder in ("transforms", "warehouse", "provnews", "scrapers", "dags"):
        for path in (settings.PROJECT_ROOT / folder).rglob("*.py"):
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(settings.PROJECT_ROOT)))
    assert offenders == []


def test_family_files_are_all_loaded_from_the_families_folder() -> None:
    assert sorted(FAMILIES) == sorted(path.stem for path in Path(settings.FAMILIES_DIR).glob("*.yaml"))
