"""The browse view of `provnews browse`, in a real browser, after a mirror run.

Runs the night on the offline mirror, starts `provnews browse` (Datasette on 127.0.0.1 over the
browse edition), then drives Debian's Chromium (Playwright): a search typed without accents, a
facts table filtered by province and kind, an article with its facts marked, a CSV download.
Screenshots go to data/screenshots/.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import PROJECT_ROOT, free_port, provnews_environment, run_provnews
from tests.test_airflow_ui import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

pytestmark = pytest.mark.slow

POVERTY_STORY = "Quảng Ninh cơ bản hoàn thành mục tiêu giảm nghèo trước 6 tháng"
START_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def browse_view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run ops/install-browser.sh (make browser)")
    data = tmp_path_factory.mktemp("data")
    environment = provnews_environment(data, free_port())
    night = run_provnews(["run", "--with-mirror"], environment)
    assert night.returncode == 0, night.stderr[-3000:]
    assert (data / "published" / "browse.sqlite").exists(), "publish writes the browse edition"
    port = free_port()
    log = (data / "browse.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "provnews.cli", "browse", "--port", str(port)],
        env=environment, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/-/versions.json", timeout=5):
                    break
            except OSError:
                assert server.poll() is None, (data / "browse.log").read_text()
                assert time.monotonic() < deadline, "the browse view did not start"
                time.sleep(0.5)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_analyst_searches_filters_opens_an_article_and_downloads_csv(browse_view: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)

            # Search typed without accents finds the poverty stories.
            page.goto(f"{browse_view}/browse/v_articles")
            page.locator("input#_search").fill("ho ngheo")
            page.locator("input#_search").press("Enter")
            page.wait_for_url("**_search=ho+ngheo**")
            expect(page.get_by_role("link", name=POVERTY_STORY)).to_be_visible()
            # Column descriptions come from the warehouse's comments, folded, and as header tooltips.
            expect(page.locator("details.column-descriptions summary")).to_be_visible()
            assert page.locator("th.col-province").get_attribute("title") == "Province of that site (sources.province)."
            page.screenshot(path=str(SCREENSHOTS / "browse_search_ho_ngheo.png"))

            # Facts filtered by province, then by kind, with the facets.
            page.goto(f"{browse_view}/browse/v_facts")
            page.locator(".facet-info[data-column=province] a", has_text="Quảng Ninh").first.click()
            page.wait_for_url("**province=**")
            page.locator(".facet-info[data-column=kind] a", has_text="number").first.click()
            page.wait_for_url("**kind=number**")
            kinds = set(page.locator("table.rows-and-columns td.col-kind").all_inner_texts())
            provinces = set(page.locator("table.rows-and-columns td.col-province").all_inner_texts())
            assert (kinds, provinces) == ({"number"}, {"Quảng Ninh"})
            page.screenshot(path=str(SCREENSHOTS / "browse_facts_quang_ninh_number.png"))
            facts_url = page.url

            # An article with its facts marked where they stand.
            page.locator("table.rows-and-columns td.col-article_id a.article-link").first.click()
            page.wait_for_url("**/article/**")
            fact = page.locator("article mark.fact").first
            expect(fact).to_be_visible()
            assert fact.get_attribute("title")
            expect(page.locator("aside.article-facts .fact-item").first).to_be_visible()
            expect(page.locator("a.article-original")).to_have_attribute("href", re.compile(r"^https?://"))
            page.screenshot(path=str(SCREENSHOTS / "browse_article.png"), full_page=True)

            # The filtered facts as a CSV file.
            page.goto(facts_url)
            page.locator("input[name=_dl]").check()
            with page.expect_download() as download_info:
                page.locator("input[type=submit][value='Export CSV']").click()
            downloaded = tmp_path / "facts.csv"
            download_info.value.save_as(downloaded)
        finally:
            browser.close()
    with downloaded.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows and {row["kind"] for row in rows} == {"number"} and {row["province"] for row in rows} == {"Quảng Ninh"}


def test_a_story_s_article_page_lists_its_other_copies(browse_view: str) -> None:
    with urllib.request.urlopen(f"{browse_view}/browse/v_articles.json?copies__gt=0&_shape=array&_col=article_id") as answer:
        stories = json.loads(answer.read())
    assert stories, "the mirror publishes stories copied by another site"
    with urllib.request.urlopen(f"{browse_view}/article/{stories[0]['article_id']}") as answer:
        page = answer.read().decode("utf-8")
    assert '<ul class="article-copies">' in page and "None found." not in page
