"""sources carry province code, kind and family; v_coverage sums them up per province."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from scrapers.site import load_sites
from tests.warehouse_samples import open_warehouse
from warehouse.load import sync_sources
from warehouse.views import create_views

SITES = load_sites()


def test_sources_record_province_code_kind_family_and_note(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    sync_sources(connection, SITES.values())
    row = connection.execute(
        "SELECT province_code, kind, family, verified FROM sources WHERE site = 'baocantho'"
    ).fetchone()
    assert row[:3] == ("92", "newspaper", "aid-cms") and "Not fetched live" in row[3]
    comments = connection.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'sources'"
    ).fetchall()
    assert all(comment for _, comment in comments)


def test_coverage_gives_each_province_its_sites_daily_articles_and_last_good_crawl(tmp_path: Path) -> None:
    connection = open_warehouse(tmp_path / "warehouse.duckdb")
    sync_sources(connection, SITES.values())
    now = datetime.now(timezone.utc)
    for number in range(45):
        connection.execute(
            """
            INSERT INTO articles (article_id, site, url, page_id, title, lead, body, published_at, authors,
                                  word_count, content_sha256, extractor, first_seen_at, last_seen_at, parsed_at)
            VALUES (?, 'baocantho', ?, ?, 'Tin', '', 'Nội dung', ?, [], 1, 'sha', 'selectors', ?, ?, ?)
            """,
            [f"a{number}", f"https://baocantho.com.vn/a-a{number}.html", f"p{number}",
             now - timedelta(days=number), now, now, now],
        )
    connection.execute(
        "INSERT INTO crawl_runs (run_id, site, started_at, finished_at, status) VALUES"
        " ('r1', 'baohaugiang', ?, ?, 'success'), ('r2', 'baocantho', ?, ?, 'failed')",
        [now - timedelta(days=2), now - timedelta(days=2), now, now],
    )
    create_views(connection)
    coverage = {
        row[0]: row
        for row in connection.execute(
            "SELECT province_code, province, sites, newspaper_sites, portal_sites, articles_30_days,"
            " articles_per_day, last_successful_crawl FROM v_coverage"
        ).fetchall()
    }
    assert len([code for code in coverage if code]) == 34
    code, province, sites, newspapers, portals, recent, per_day, last_good = coverage["92"]
    assert province == "Cần Thơ" and {"baocantho", "baohaugiang", "mirror-baocantho"} <= set(sites)
    assert newspapers == len(sites) and portals == 0
    assert recent == 30 and per_day == 1.0
    assert last_good is not None and abs((last_good - (now - timedelta(days=2))).total_seconds()) < 1
    assert coverage["22"][4] >= 1  # Quảng Ninh has its portal
    assert coverage["01"][7] is None
