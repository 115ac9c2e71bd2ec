"""The synthetic page generator's properties, and every benchmark run once at a tiny size."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bench import pipeline
from bench.__main__ import Benchmark, Figure, Outcome, at_least, report_markdown, run_benchmark
from bench.pages import EXACT_COPY_RATE, NEAR_COPY_RATE, PageGenerator
from scrapers.site import get_site
from transforms.parse import parse_page


@pytest.fixture(scope="module")
def generator() -> PageGenerator:
    """The default generator; building its paragraph pool takes a second or two, so tests share it."""
    return PageGenerator()


def test_a_page_is_the_same_alone_or_after_others(generator: PageGenerator):
    alone = PageGenerator().page(7)
    in_sequence = list(generator.pages(8))[7]
    assert alone == in_sequence


def test_another_seed_gives_other_pages():
    assert PageGenerator(seed=1).page(3).html != PageGenerator(seed=2).page(3).html


def test_pages_are_padded_to_the_requested_size():
    sizes = {len(page.html.encode("utf-8")) for page in PageGenerator(page_bytes=100_000).pages(4)}
    assert sizes == {100_000}


def test_article_text_stays_within_the_requested_characters():
    stories = list(PageGenerator(text_characters=(3000, 6000)).stories(20))
    assert all(3000 <= story.text_characters <= 6000 + 2000 for story in stories)


def test_the_site_selectors_return_the_planted_article(generator: PageGenerator):
    selectors = get_site("mirror-baoquangninh").selectors_for(None)
    page = generator.page(4)
    article = parse_page(page.html.encode("utf-8"), page.url, selectors)
    assert (article.title, article.lead, article.body) == (page.story.title, page.story.lead, page.story.body)
    assert [caption.text for caption in article.captions] == [caption.text for caption in page.story.captions]


def test_every_caption_is_repeated_in_alt_title_and_figcaption(generator: PageGenerator):
    page = generator.page(2)
    for caption in page.story.captions:
        text = caption.text.replace('"', "&quot;")
        assert f'alt="{text}"' in page.html
        assert f'title="{text}"' in page.html
        assert f"<figcaption>{text} " in page.html


def test_every_other_caption_is_pasted_again_as_an_emphasised_paragraph(generator: PageGenerator):
    page = generator.page(2)
    first = page.story.captions[0].text
    assert f'<p style="text-align: center;"><em>{first}</em></p>' in page.html


def test_planted_copies_come_at_the_stated_rates(generator: PageGenerator):
    kinds = [copied[1] for number in range(5000) if (copied := generator.copy_of(number)) is not None]
    assert kinds.count("exact") / 5000 == pytest.approx(EXACT_COPY_RATE, abs=0.008)
    assert kinds.count("near") / 5000 == pytest.approx(NEAR_COPY_RATE, abs=0.01)


def test_an_exact_copy_repeats_the_original_text_under_another_url(generator: PageGenerator):
    number = next(number for number in range(1, 2000) if (generator.copy_of(number) or (0, ""))[1] == "exact")
    copy = generator.story(number)
    original = generator.story(copy.copy_of)
    assert (copy.title, copy.lead, copy.body) == (original.title, original.lead, original.body)
    assert copy.url != original.url


def test_a_near_copy_rewrites_the_lead_and_one_paragraph_only(generator: PageGenerator):
    number = next(number for number in range(1, 2000) if (generator.copy_of(number) or (0, ""))[1] == "near")
    copy = generator.story(number)
    original = generator.story(copy.copy_of)
    changed = [index for index, (ours, theirs) in enumerate(zip(copy.body, original.body)) if ours != theirs]
    assert copy.lead != original.lead
    assert len(changed) == 1 and len(copy.body) == len(original.body)


def test_a_copy_always_points_at_an_original(generator: PageGenerator):
    sources = [copied[0] for number in range(3000) if (copied := generator.copy_of(number)) is not None]
    assert sources and all(generator.copy_of(source) is None for source in sources)


def test_pages_without_chrome_are_small():
    page = PageGenerator(page_bytes=0, text_characters=(300, 600), chrome=False).page(5)
    assert len(page.html.encode("utf-8")) < 8_000
    assert "box-most-read" not in page.html


# --- every benchmark once, tiny -------------------------------------------------------------


def test_transform_benchmark_reports_both_rates():
    result = pipeline.transform_throughput(seconds=0.01, max_pages=2)
    assert result["pages"] >= 1
    assert result["articles_per_second"] > 0 and result["trafilatura_articles_per_second"] > 0


def test_load_benchmark_stores_every_article():
    result = pipeline.load_throughput(runs=2, pages_per_run=3, articles=12, batched_articles=7)
    assert (result["pages"], result["articles"], result["batched_articles"]) == (6, 12, 7)


def test_memory_benchmark_measures_the_parse_stage_at_each_size():
    result = pipeline.memory_growth(sizes=(4, 8))
    assert set(result["peak_mb"]) == {"4", "8"}
    assert all(peak > 0 for peak in result["peak_mb"].values())


@pytest.mark.slow
def test_crawl_benchmark_lands_the_added_articles():
    result = pipeline.crawl_throughput(extra_articles=3)
    assert result["articles_landed"] >= 3
    assert result["pages_per_second"] > 0


@pytest.mark.slow
def test_second_night_benchmark_times_two_runs():
    result = pipeline.second_night(extra_articles=10)
    assert result["first_seconds"] > 0 and result["second_seconds"] > 0
    assert result["first_crawl"]["articles_landed"] > 10
    assert result["second_crawl"]["articles_landed"] == 0


# --- the aggregator ---------------------------------------------------------------------------


def test_a_missing_benchmark_is_reported_not_raised():
    outcome = run_benchmark(Benchmark("absent", "bench.no_such_benchmark", "run", lambda result: []))
    assert outcome.error is not None and "no_such_benchmark" in outcome.error
    assert outcome.figures == []


def test_a_benchmark_that_raises_is_reported_not_raised():
    outcome = run_benchmark(Benchmark("broken", "bench.pipeline", "scaled", lambda result: []))
    assert outcome.error is not None and "TypeError" in outcome.error


def test_a_figure_below_its_floor_misses():
    assert at_least("throughput", 799.0, "articles/s", 800).passed is False


def test_a_target_carries_the_unit_of_its_figure():
    assert at_least("throughput", 812.0, "articles/s", 800).target == "≥ 800 articles/s"


def test_the_report_names_the_machine_the_date_and_each_figure():
    figure = Figure("transform throughput", 812.0, "articles/s", "≥ 800", True)
    outcomes = [
        Outcome(Benchmark("transform", "bench.pipeline", "transform_throughput", lambda result: []), 31.0, [figure]),
        Outcome(Benchmark("dedup", "bench.dedup", "run", lambda result: []), 0.1, error="ImportError: gone"),
    ]
    text = report_markdown(outcomes, {"CPU": "Test CPU"}, datetime(2026, 11, 23, 1, 2, tzinfo=timezone.utc), 40.0)
    assert "2026-11-23 01:02 UTC" in text
    assert "- CPU: Test CPU" in text
    assert "| transform | transform throughput | 812 articles/s | ≥ 800 | PASS |" in text
    assert "| dedup | — | — | — | MISSING | ImportError: gone |" in text


def test_stage_seconds_reads_the_run_progress_lines():
    log = (
        "provnews  run of 2 sites: a, b\n"
        "crawl     site-a: success, 10 pages fetched, 0 failed, 9 not modified (3.2s)\n"
        "crawl     site-b: success, 4 pages fetched, 0 failed, 4 not modified (5.5s)\n"
        "parse     articles 1, failures 0, seconds 0.8\n"
    )
    assert pipeline.stage_seconds(log) == {"crawl": 5.5, "parse": 0.8}
