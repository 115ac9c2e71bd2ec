"""The parse stage's glue: every landed page becomes an article or a recorded failure."""

from __future__ import annotations

from datetime import datetime, timezone

from provnews.parsing import parse_batch
from scrapers.site import load_sites
from warehouse.articles import PageToParse

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
