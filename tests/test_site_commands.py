"""`provnews sites` and `provnews check-site`: the tools for keeping sites working."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from provnews import cli, settings
from provnews.site_health import SELECTOR_SHARE_DROP, check_page, site_rows
from scrapers.site import load_sites
from tests.warehouse_samples import open_warehouse
from warehouse.load import sync_sources

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "families"
SITES = load_sites()


def add_articles(connection, site: str, day: datetime, selectors: int, generic: int) -> None:
    for number in range(selectors + generic):
        extractor = "selectors" if number < selectors else "generic"
        connection.execute(
            """
            INSERT INTO articles (article_id, site, url, page_id, title, lead, body, published_at, authors,
                                  word_count, content_sha256, extractor, first_seen_at, last_seen_at, parsed_at)
            VALUES (?, ?, ?, ?, 'Tin', '', 'Nội dung', ?, [], 1, ?, ?, ?, ?, ?)
            """,
            [f"{site}-{day:%Y%m%d}-{number}", site, f"https://x.example/{day:%Y%m%d}-{number}.html",
             f"page-{day:%Y%m%d}-{number}", day, f"sha-{number}", extractor, day, day, day],
        )


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A warehouse where hanoimoi's body selector stops matching on the latest day and sggp's keeps working."""
    path = tmp_path / "published.duckdb"
    connection = open_warehouse(path)
    sync_sources(connection, [SITES["hanoimoi"], SITES["sggp"]])
    now = datetime.now(timezone.utc)
    for days_ago in range(10, 0, -1):
        day = now - timedelta(days=days_ago)
        add_articles(connection, "hanoimoi", day, selectors=10, generic=0)
        add_articles(connection, "sggp", day, selectors=9, generic=1)
    add_articles(connection, "hanoimoi", now - timedelta(hours=1), selectors=2, generic=8)
    add_articles(connection, "sggp", now - timedelta(hours=1), selectors=9, generic=1)
    connection.execute(
        "INSERT INTO crawl_runs (run_id, site, started_at, finished_at, status) VALUES (?, 'sggp', ?, ?, 'success')",
        ["sggp-run", now - timedelta(hours=2), now - timedelta(hours=1)],
    )
    connection.close()
    return path


def test_sites_lists_every_site_with_province_kind_family_discovery_and_note(published: Path) -> None:
    rows = {row.site: row for row in site_rows(SITES, published)}
    assert set(rows) == set(SITES)
    sggp = rows["sggp"]
    assert (sggp.province_code, sggp.kind, sggp.family) == ("79", "newspaper", "post-cms")
    assert "sitemap" in sggp.discovery and "rss" in sggp.discovery
    assert sggp.verified == SITES["sggp"].verified
    assert sggp.last_crawl.startswith("success")
    # Days 1 to 6 ago and the latest hour; the day exactly 7 days ago has just left the window.
    assert sggp.articles_7_days == 6 * 10 + 10 and rows["baocantho"].articles_7_days == 0


def test_a_site_whose_body_selector_stopped_matching_is_flagged(published: Path) -> None:
    rows = {row.site: row for row in site_rows(SITES, published)}
    assert rows["hanoimoi"].body_selector_share == pytest.approx(0.2)
    assert rows["hanoimoi"].share_median_30_days == pytest.approx(1.0)
    assert rows["hanoimoi"].flag == "selectors?"
    assert rows["sggp"].flag == "" and rows["sggp"].body_selector_share > 1.0 - SELECTOR_SHARE_DROP


def test_sites_works_before_any_warehouse_exists(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(settings, "PUBLISHED_WAREHOUSE", tmp_path / "none.duckdb")
    assert cli.main(["sites", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(SITES) and all(row["articles_7_days"] is None for row in rows)


def test_check_site_names_the_matching_selector_and_where_it_comes_from() -> None:
    page = FIXTURES / "aid-cms" / "fck-cantho.html"
    report = check_page(SITES["baocantho"], page.read_bytes(), "https://baocantho.com.vn/a-a1.html")
    assert report["selectors"]["title"] == {
        "from": "family aid-cms",
        "matched": "h1.fw700",
        "alternatives": [
            {"selector": "h1.fw700", "matches": 1, "first": "Cần Thơ gieo sạ hơn 82.000 ha lúa đông xuân"},
            {"selector": "h1.title", "matches": 0, "first": ""},
        ],
    }
    assert report["dates"][0]["value"] == "08/01/2026 - 18:21"
    assert report["dates"][0]["read_as"] == "2026-01-08T18:21:00+07:00"
    assert report["article"]["extractor"] == "selectors"


def test_check_site_tells_a_site_override_from_the_family_and_counts_drop_rules() -> None:
    langson = check_page(SITES["baolangson"], (FIXTURES / "content-detail" / "langson-template-leak.html").read_bytes(),
                         "https://baolangson.vn/a-5082216.html")
    assert langson["selectors"]["lead"]["from"] == "site"
    assert langson["selectors"]["body"]["from"] == "family content-detail"
    onecms = check_page(SITES["hanoimoi"], (FIXTURES / "onecms" / "news-detail.html").read_bytes(),
                        "https://hanoimoi.vn/a-731842.html")
    fired = {rule["rule"]: rule["removed"] for rule in onecms["drop"]}
    assert fired[".c-box"] == 1 and fired[".c-tag"] == 0
    assert onecms["dates"][0]["order"] == "month-first"


def test_check_site_command_prints_a_report(capsys) -> None:
    page = FIXTURES / "post-cms" / "story.html"
    assert cli.main(["check-site", "sggp", str(page), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["selectors"]["body"]["matched"] == "div.article__body.cms-body"
    assert report["article"]["title"].startswith("TPHCM mở thêm 5 tuyến xe buýt")
    assert report["photo_request_headers"] == {}


def test_check_site_says_which_photos_need_a_referer() -> None:
    report = check_page(SITES["baothanhhoa"], (FIXTURES / "post-cms" / "story.html").read_bytes(),
                        "https://baothanhhoa.vn/a-123456.htm")
    assert report["photo_request_headers"] == {"Referer": "https://baothanhhoa.vn/"}


def test_check_site_on_an_unknown_site_is_a_clear_error(capsys) -> None:
    assert cli.main(["check-site", "no-such-site", str(FIXTURES / "post-cms" / "story.html")]) == 2
    assert "unknown site 'no-such-site'" in capsys.readouterr().err
