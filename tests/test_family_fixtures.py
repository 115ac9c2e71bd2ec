"""Every site file against its family's fixture pages: real CMS markup, text written for the project.

tests/fixtures/families/<family>/<page>.html reproduces one template of the family (elements, classes,
nesting, date strings, quirks); <page>.expected.json is what must come out. A family's fixtures cover its
templates: each page must be read right by the family's own selectors or by one of its sites, and each
site must read right at least one page of its family.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from scrapers.family import layered_selector_sets, family_versions, load_families
from scrapers.site import Site, load_sites
from transforms.parse import parse_page
from transforms.records import Selectors

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures" / "families"
FAMILIES = load_families()
SITES = load_sites()
PAGES = sorted(FIXTURES_DIR.glob("*/*.html"))


def pages_of(family: str) -> list[Path]:
    return [page for page in PAGES if page.parent.name == family]


def expected_of(page: Path) -> dict:
    return json.loads(page.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))


def family_selectors(family: str) -> Selectors:
    return layered_selector_sets(None, family_versions(family))[-1].selectors


def differences(page: Path, selectors: Selectors | None, day_first: bool = True) -> list[str]:
    """What the page's extraction gets wrong against its expected JSON; [] when all is right."""
    expected = expected_of(page)
    article = parse_page(page.read_bytes(), expected["url"], selectors, day_first=day_first)
    found = {
        "title": article.title,
        "lead": article.lead,
        "body": list(article.body),
        "published_at": article.published_at,
        "authors": list(article.authors),
        "captions": [{"text": caption.text, "credit": caption.credit} for caption in article.captions],
        "canonical_url": article.canonical_url,
    }
    wanted = {**expected, "published_at": datetime.fromisoformat(expected["published_at"])}
    keys = ["title", "lead", "body", "published_at", "authors", "captions"]
    keys += ["canonical_url"] if "canonical_url" in expected else []
    wrong = [f"{key}: {found[key]!r} != {wanted[key]!r}" for key in keys if found[key] != wanted[key]]
    # A family's selectors must find the body themselves; the generic extractor guessing right is no proof.
    return wrong + ([f"extractor: {article.extractor}"] if selectors and article.extractor != "selectors" else [])


def sites_of(family: str) -> list[Site]:
    return [site for site in SITES.values() if site.family == family]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_has_at_least_two_fixture_pages_with_expected_json(family: str) -> None:
    pages = pages_of(family)
    assert len(pages) >= 2, f"{family}: {len(pages)} fixture pages"
    for page in pages:
        assert page.with_suffix("").with_suffix(".expected.json").is_file(), page


def test_every_site_files_family_has_fixtures() -> None:
    without = sorted({site.family for site in SITES.values() if site.family and not pages_of(site.family)})
    assert without == []


@pytest.mark.parametrize("page", PAGES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_each_fixture_is_read_right_by_its_family_or_one_of_its_sites(page: Path) -> None:
    family = page.parent.name
    readers = [("family " + family, family_selectors(family), FAMILIES[family].get("date_format", "day-first") == "day-first")]
    readers += [(site.name, site.selectors_for(None), site.day_first) for site in sites_of(family)]
    results = {name: differences(page, selectors, day_first) for name, selectors, day_first in readers}
    assert any(not wrong for wrong in results.values()), json.dumps(results, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("name", sorted(name for name, site in SITES.items() if site.family))
def test_each_site_reads_at_least_one_page_of_its_family_right(name: str) -> None:
    site = SITES[name]
    results = {page.stem: differences(page, site.selectors_for(None), site.day_first) for page in pages_of(site.family)}
    assert any(not wrong for wrong in results.values()), json.dumps(results, ensure_ascii=False, indent=1)


def test_a_fixture_fails_under_another_familys_selectors() -> None:
    """The comparison can fail: OneCMS's page read with the Java CMS's selectors is not read right."""
    page = FIXTURES_DIR / "onecms" / "news-detail.html"
    assert differences(page, family_selectors("java-cms")) != []
    assert differences(page, family_selectors("onecms")) == []
