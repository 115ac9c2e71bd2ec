"""The parse stage: every landed page becomes an article or a recorded failure, a chunk of pages per process."""

from __future__ import annotations

import os
import signal
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from provnews import parsing, settings, stages
from provnews.parsing import parse_article, parse_batch
from scrapers.site import load_sites
from tests.warehouse_samples import landing_run, open_warehouse, page
from warehouse.articles import PageToParse
from warehouse.load import load_runs

FETCHED_AT = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
ARTICLE_PAGE = """<html><head><title>Hạ Long đón khách</title></head><body>
<h1>Hạ Long đón 2,7 triệu lượt khách</h1>
<p>Trong 10 tháng năm 2026, TP Hạ Long đón 2,7 triệu lượt khách, tăng 8,8% so với cùng kỳ.</p>
<p>Doanh thu du lịch ước đạt 4.690 tỷ đồng, vượt kế hoạch đề ra cho cả năm.</p>
<p>Thành phố tiếp tục đầu tư hạ tầng, nâng cao chất lượng dịch vụ lưu trú và ẩm thực.</p>
</body></html>"""


def landed_page(page_id: str, body: bytes | None) -> PageToParse:
    return PageToParse(
        page_id=page_id,
        run_id="run-1",
        site="quangninh-gov",
        url=f"https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid={page_id}",
        final_url=None,
        fetched_at=FETCHED_AT,
        content_type="text/html; charset=utf-8",
        body=body,
        landing_file="/data/landing/run-1.parquet",
    )


def test_pages_parse_into_articles_and_broken_ones_into_failures():
    parsed, failures = parse_batch(
        [
            landed_page("1", ARTICLE_PAGE.encode("utf-8")),
            landed_page("2", b"\x89PNG\r\n\x1a\n" + bytes(200)),
            landed_page("3", None),
        ],
        load_sites(),
    )
    assert [article.page_id for article in parsed] == ["1"]
    assert parsed[0].word_count > 20
    assert [failure.page_id for failure in failures] == ["2", "3"]
    assert "raw page missing from /data/landing/run-1.parquet" == failures[1].reason


def landed_warehouse(data: Path, urls: list[str]) -> Path:
    """A warehouse with one loaded run of article pages, each page its own story."""
    path = data / "warehouse.duckdb"
    pages = [page(url, body=ARTICLE_PAGE.replace("2,7 triệu", f"{number} triệu")) for number, url in enumerate(urls)]
    connection = open_warehouse(path)
    load_runs(connection, [landing_run(data / "landing", "run-1", pages)])
    connection.close()
    return path


def stored_articles(path: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("SELECT url, body FROM articles ORDER BY url").fetchall()


def queued_urls(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return [url for (url,) in connection.execute("SELECT url FROM parse_queue ORDER BY url").fetchall()]


URLS = [f"https://baoquangninh.vn/bai-{number}.html" for number in range(7)]


def test_the_stage_parses_chunk_by_chunk_to_the_same_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = landed_warehouse(tmp_path / "whole", URLS)
    monkeypatch.setattr(settings, "WAREHOUSE", whole)
    assert stages.parse()["articles"] == 7
    chunked = landed_warehouse(tmp_path / "chunked", URLS)
    monkeypatch.setattr(settings, "WAREHOUSE", chunked)
    monkeypatch.setattr(settings, "PARSE_CHUNK_PAGES", 3)
    assert stages.parse()["articles"] == 7
    assert stored_articles(chunked) == stored_articles(whole)
    assert len(stored_articles(chunked)) == 7


def killed_by_page_four(page: PageToParse, site: object) -> object:
    """Stands in for parse_article in a chunk's process: page 4 kills the process, as a crash in C would."""
    if page.url.endswith("/bai-4.html"):
        os.kill(os.getpid(), signal.SIGKILL)
    return parse_article(page, site)


def test_a_page_that_kills_its_process_is_found_and_recorded_and_every_other_page_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = landed_warehouse(tmp_path, URLS)
    monkeypatch.setattr(settings, "WAREHOUSE", path)
    monkeypatch.setattr(settings, "PARSE_CHUNK_PAGES", 3)
    # The chunk processes are forked from this one, so they parse with this stand-in.
    monkeypatch.setattr(parsing, "parse_article", killed_by_page_four)
    assert {key: value for key, value in stages.parse().items() if key != "seconds"} == {"articles": 6, "failures": 1}
    assert [url for url, _ in stored_articles(path)] == [url for url in URLS if not url.endswith("/bai-4.html")]
    assert queued_urls(path) == []
    with duckdb.connect(str(path), read_only=True) as connection:
        failure = connection.execute("SELECT url, error_class FROM parse_failures").fetchall()
    assert failure == [("https://baoquangninh.vn/bai-4.html", "ProcessDied")]
    # The next run has nothing left to do: the page is a recorded failure, not pending.
    monkeypatch.undo()
    monkeypatch.setattr(settings, "WAREHOUSE", path)
    assert stages.parse()["articles"] == 0
