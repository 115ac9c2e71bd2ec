"""A run's status, the known-pages file, the site passed to the spider process, and landing batches."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq

from scrapers.crawl import KnownPage, crawl_status, decode_site, encode_site, read_known_pages, write_known_pages
from scrapers.landing import PageWriter
from scrapers.site import parse_site


def test_run_that_fetched_nothing_fails_with_the_first_error() -> None:
    assert crawl_status("finished", 0, 3, "robots: connection refused (http://a.vn/robots.txt)") == (
        "failed",
        "no page could be fetched: robots: connection refused (http://a.vn/robots.txt)",
    )


def test_run_stopped_by_shutdown_fails() -> None:
    assert crawl_status("shutdown", 12, 0, None) == ("failed", "crawl did not finish: shutdown")


def test_run_that_hit_its_time_budget_is_partial() -> None:
    assert crawl_status("closespider_timeout", 12, 0, None) == ("partial", None)


def test_run_with_some_failed_pages_is_partial() -> None:
    assert crawl_status("finished", 12, 1, "article: HTTP 500 (http://a.vn/x)") == ("partial", None)


def test_clean_run_is_a_success() -> None:
    assert crawl_status("finished", 12, 0, None) == ("success", None)


def test_known_pages_round_trip_by_canonical_url(tmp_path: Path) -> None:
    path = tmp_path / "known.parquet"
    write_known_pages(
        [
            KnownPage("https://www.baoquangninh.vn/a-3391234.html", '"v1"', None, "ab" * 32),
            KnownPage("https://baoquangninh.vn/b-3391235.html", None, None, "cd" * 32),
        ],
        path,
    )
    known = read_known_pages(path)
    # A page without validators is still known: the revisit policy may skip it, pagination stop at it.
    assert list(known) == ["https://baoquangninh.vn/a-3391234.html", "https://baoquangninh.vn/b-3391235.html"]
    assert known["https://baoquangninh.vn/a-3391234.html"].etag == '"v1"'
    assert known["https://baoquangninh.vn/b-3391235.html"].landed_at is None


def test_missing_known_pages_file_means_no_known_pages(tmp_path: Path) -> None:
    assert read_known_pages(tmp_path / "absent.parquet") == {}


def test_site_survives_the_trip_to_the_spider_process() -> None:
    site = parse_site(
        {
            "name": "baoquangninh",
            "province": "Quảng Ninh",
            "base_url": "https://baoquangninh.vn",
            "discover": {"rss": ["/rss"], "categories": ["/kinh-te"], "pagination": "a.next"},
            "article_url": r"-\d{7}\.html$",
            "select": {"body": ".article-content"},
            "max_pages": 50,
        }
    )
    decoded = decode_site(encode_site(site))
    assert (decoded.discovery, decoded.max_pages, decoded.article_url) == (site.discovery, 50, site.article_url)
    assert decoded.selector_sets == ()


def test_page_writer_lands_rows_in_batches_and_renames_at_close(tmp_path: Path) -> None:
    path = tmp_path / "run.parquet"
    writer = PageWriter(path, batch_rows=2)
    for number in range(5):
        writer.write(
            {
                "run_id": "r",
                "site": "s",
                "url": f"https://a.vn/{number}",
                "page_kind": "article",
                "fetched_at": datetime(2026, 11, 23, tzinfo=timezone.utc),
                "body": b"x",
            }
        )
    assert not path.exists()
    writer.close()
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert pq.read_table(path).column("url").to_pylist() == [f"https://a.vn/{number}" for number in range(5)]
