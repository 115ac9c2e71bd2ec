"""CMS families: a site inherits its family's selectors, dates, URLs and discovery and overrides what differs."""

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import yaml

from provnews import settings
from scrapers.family import FamilyError, load_family
from scrapers.site import SiteError, load_site_file, parse_site

FAMILY = {
    "name": "sample-cms",
    "title": "Sample CMS",
    "kind": "newspaper",
    "fingerprint": "/<slug>-<id>.html",
    "verified": "written for this test only",
    "article_url": r"/[a-z-]+-\d+\.html$",
    "discover": {"sitemaps": ["/sitemap.xml"], "pagination": "a.next"},
    "date_format": "day-first",
    "select": [
        {"body": ".old-body", "valid_until": "2024-12-31"},
        {
            "title": "h1.headline",
            "body": ".article-body",
            "drop": [".related"],
            "dates": [{"select": 'meta[name="pubdate"]', "attribute": "content", "order": "month-first"}],
        },
    ],
}


@pytest.fixture()
def families(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "families"
    folder.mkdir()
    (folder / "sample-cms.yaml").write_text(yaml.safe_dump(FAMILY), encoding="utf-8")
    monkeypatch.setattr(settings, "FAMILIES_DIR", folder)
    return folder


def site_document(**changes: object) -> dict:
    return {
        "name": "sample-site",
        "province": "Cần Thơ",
        "province_code": "92",
        "kind": "newspaper",
        "family": "sample-cms",
        "base_url": "https://sample.example",
        **changes,
    }


def test_a_site_of_a_family_needs_only_its_name_and_address(families: Path) -> None:
    site = parse_site(site_document())
    assert site.family == "sample-cms" and site.kind == "newspaper"
    assert site.discovery.sitemaps == ("/sitemap.xml",) and site.discovery.pagination == "a.next"
    assert site.is_article("https://sample.example/tin-moi-123.html")
    current = site.selectors_for(None)
    assert current.title == "h1.headline" and current.body == ".article-body"
    assert current.dates[0].day_first is False


def test_the_site_overrides_what_differs_and_drop_rules_add_up(families: Path) -> None:
    site = parse_site(site_document(select={"title": "h1.other", "drop": [".ads"]}, discover={"rss": ["/rss"]}))
    current = site.selectors_for(None)
    assert current.title == "h1.other" and current.body == ".article-body"
    assert current.drop == (".related", ".ads")
    # The site's discover keys join the family's.
    assert site.discovery.rss == ("/rss",) and site.discovery.sitemaps == ("/sitemap.xml",)


def test_layout_versions_hold_at_both_levels(families: Path) -> None:
    site = parse_site(site_document(select=[{"title": "h1.v1", "valid_until": "2025-06-30"}, {"title": "h1.v2"}]))
    def on(day: date):
        return site.selectors_for(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))
    assert (on(date(2024, 6, 1)).body, on(date(2024, 6, 1)).title) == (".old-body", "h1.v1")
    assert (on(date(2025, 3, 1)).body, on(date(2025, 3, 1)).title) == (".article-body", "h1.v1")
    assert (on(date(2026, 3, 1)).body, on(date(2026, 3, 1)).title) == (".article-body", "h1.v2")


def test_a_site_that_changed_cms_keeps_the_old_family_for_old_pages(families: Path) -> None:
    other = {**FAMILY, "name": "new-cms", "select": {"body": ".new-cms-body"}}
    (families / "new-cms.yaml").write_text(yaml.safe_dump(other), encoding="utf-8")
    site = parse_site(site_document(family=[{"name": "sample-cms", "valid_until": "2025-12-31"}, {"name": "new-cms"}]))
    assert site.family == "new-cms"
    assert site.selectors_for(datetime(2025, 6, 1, tzinfo=timezone.utc)).body == ".article-body"
    assert site.selectors_for(datetime(2026, 6, 1, tzinfo=timezone.utc)).body == ".new-cms-body"


def test_an_unknown_family_is_named_with_the_key(families: Path) -> None:
    with pytest.raises(SiteError, match=r"key family: .*no such family file.*known families: sample-cms"):
        parse_site(site_document(family="nope"))


def test_a_broken_family_file_names_the_file_and_the_key(families: Path) -> None:
    broken = {**FAMILY, "select": {"body": ".x", "dates": [{"select": "time", "order": "sideways"}]}}
    (families / "sample-cms.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(FamilyError, match=r"sample-cms\.yaml: key select\.dates\.0\.order"):
        load_family("sample-cms")


def test_a_family_file_must_say_what_it_rests_on(families: Path) -> None:
    undocumented = {key: value for key, value in FAMILY.items() if key != "verified"}
    (families / "sample-cms.yaml").write_text(yaml.safe_dump(undocumented), encoding="utf-8")
    with pytest.raises(FamilyError, match="verified"):
        load_family("sample-cms")


def test_without_a_family_the_site_must_give_discovery_and_urls(families: Path) -> None:
    document = site_document()
    del document["family"]
    with pytest.raises(SiteError, match="key discover: required"):
        parse_site(document)


def test_a_bad_province_code_is_named(families: Path, tmp_path: Path) -> None:
    path = tmp_path / "sample-site.yaml"
    path.write_text(yaml.safe_dump(site_document(province_code="9")), encoding="utf-8")
    with pytest.raises(SiteError, match=r"sample-site\.yaml: key province_code"):
        load_site_file(path)


def test_client_rendered_categories_discover_from_the_home_page(families: Path) -> None:
    site = parse_site(site_document(discover={"home_page": True}))
    assert site.discovery.home_page and "home page" in site.discovery.methods


def test_an_image_cdn_that_needs_a_referer_gets_one(families: Path) -> None:
    assert parse_site(site_document(image_referer=True)).image_headers() == {"Referer": "https://sample.example/"}
    assert parse_site(site_document()).image_headers() == {}


def test_a_selector_that_is_not_css_is_named_with_its_key(families: Path) -> None:
    with pytest.raises(SiteError, match=r"key select\.lead: not a CSS selector"):
        parse_site(site_document(select={"lead": ".sapo, 'h2'"}))


def test_a_script_body_pattern_needs_its_html_group(families: Path) -> None:
    with pytest.raises(SiteError, match=r"key select\.body_scripts\.0: needs a group named html"):
        parse_site(site_document(select={"body_scripts": ["var body = '(.*)'"]}))


def test_a_text_pattern_that_could_backtrack_is_refused_with_its_key(families: Path) -> None:
    with pytest.raises(SiteError, match=r"key select\.strip_text\.0: not a regular expression"):
        parse_site(site_document(select={"strip_text": [r"(?<=Ảnh: )\w+"]}))


def test_a_hostile_script_meets_the_body_pattern_in_linear_time() -> None:
    from selectolax.lexbor import LexborHTMLParser

    from transforms.page_quirks import scripted_body

    # '(a+)+b' backtracks exponentially in Python's engine on a run of a's with no b; RE2 does not.
    page = LexborHTMLParser(f"<html><body><script>{'a' * 5_000}</script></body></html>")
    assert scripted_body(page, (r"(?P<html>(a+)+b)",)) is None


def test_the_spider_reads_a_home_page_as_a_listing_when_categories_are_rendered_by_script(families: Path) -> None:
    from scrapers.spider import SiteSpider

    site = parse_site(site_document(discover={"home_page": True}))
    spider = SiteSpider(site=site, run_id="run", writer=None)  # type: ignore[arg-type]
    requests = {(request.url, request.meta["page_kind"]) for request in spider._discovery_requests()}
    assert ("https://sample.example/", "listing") in requests
    without = SiteSpider(site=parse_site(site_document()), run_id="run", writer=None)  # type: ignore[arg-type]
    assert all(request.url != "https://sample.example/" for request in without._discovery_requests())
