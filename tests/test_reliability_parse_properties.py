"""Property: whatever is done to a real page, parse gives an article or a recorded refusal, never an error.

Hypothesis mutates the fixture pages the way damaged and hostile pages differ from good ones:
cut at a random byte, nested deeply, elements duplicated and reordered, random attributes,
random JSON-LD, random encodings (with and without a byte-order mark) and random dates. The
budget of examples is fixed and the run derandomised, so `make test` costs the same each time.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provnews.parsing import parse_batch
from scrapers.site import load_sites
from transforms.page_cost import PageTooDeep
from transforms.parse import NotAnArticle, parse_page
from warehouse.articles import PageToParse

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
PAGES = sorted(FIXTURES.glob("*/*.html"))
FETCHED_AT = datetime(2026, 1, 15, 1, 0, tzinfo=timezone.utc)
SITES = load_sites()
EXAMPLES = settings(
    max_examples=120, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "@graph", "datePublished", "author", "headline", "publisher", "name",
                         "articleSection", "x"]),
        inner, max_size=5),
    max_leaves=20,
)
dates = st.one_of(
    st.builds("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:00{}{:02d}:{:02d}".format,
              st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25),
              st.integers(0, 61), st.sampled_from("+-"), st.integers(0, 99), st.integers(0, 99)),
    st.builds("{}/{}/{} {}:{} GMT{}{}".format, st.integers(0, 40), st.integers(0, 13),
              st.integers(0, 99999), st.integers(0, 30), st.integers(0, 70), st.sampled_from("+-"),
              st.integers(0, 999)),
    st.text(max_size=30),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1258", "latin-1"]


@st.composite
def mutated_pages(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(PAGES))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        mutation = draw(st.sampled_from(["cut", "nest", "duplicate", "reorder", "attributes", "json", "date"]))
        tags = [index for index, char in enumerate(text) if char == "<"] or [0]
        at = draw(st.sampled_from(tags))
        if mutation == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        elif mutation == "nest":
            depth = draw(st.sampled_from([10, 300, 3000, 6000]))
            end = draw(st.sampled_from(tags))
            text = text[:at] + "<div>" * depth + text[at:end] + "</div>" * depth + text[end:]
        elif mutation == "duplicate":
            end = draw(st.sampled_from(tags))
            text = text[: max(at, end)] + text[min(at, end): max(at, end)] + text[max(at, end):]
        elif mutation == "reorder":
            end = draw(st.sampled_from(tags))
            first, second = sorted((at, end))
            middle = draw(st.integers(first, second))
            text = text[:first] + text[middle:second] + text[first:middle] + text[second:]
        elif mutation == "attributes":
            name = draw(st.sampled_from(["class", "id", "src", "href", "content", "datetime", "itemprop", "rel"]))
            value = draw(st.text(max_size=30)).replace('"', "")
            close = text.find(">", at)
            if close > 0:
                text = f'{text[:close]} {name}="{value}"{text[close:]}'
        elif mutation == "json":
            linked = json.dumps(draw(json_values), ensure_ascii=draw(st.booleans()))
            text = text[:at] + f'<script type="application/ld+json">{linked}</script>' + text[at:]
        else:
            date = draw(dates).replace('"', "")
            text = (text[:at] + f'<meta property="article:published_time" content="{date}">'
                    f'<span class="date">{date}</span>' + text[at:])
    encoding = draw(st.sampled_from(ENCODINGS))
    return path.parent.name, text.encode(encoding, errors="replace")


@EXAMPLES
@given(mutated_pages())
def test_parse_gives_an_article_or_a_refusal_whatever_the_page(page: tuple[str, bytes]) -> None:
    site_name, raw = page
    site = SITES.get(site_name)
    try:
        article = parse_page(
            raw, "https://example.vn/tin-tuc/bai-viet-1234567.html",
            site.selectors_for(FETCHED_AT) if site else None, fetched_at=FETCHED_AT,
        )
    except (NotAnArticle, PageTooDeep):
        return
    assert article.title
    if article.published_at is not None:
        assert 1990 <= article.published_at.year and article.published_at.utcoffset() is not None
        assert (article.published_at - FETCHED_AT).days < 1
    assert len(article.lead) + sum(map(len, article.body)) <= 300_000


@settings(EXAMPLES, max_examples=30)
@given(st.lists(mutated_pages(), min_size=1, max_size=4))
def test_a_batch_of_mutated_pages_gives_one_row_per_page(pages: list[tuple[str, bytes]]) -> None:
    landed = [
        PageToParse(
            page_id=str(index), run_id="run-1", site=site_name, url=f"https://example.vn/a-{index}.html",
            final_url=None, fetched_at=FETCHED_AT, content_type=None, body=raw, landing_file="run-1.parquet",
        )
        for index, (site_name, raw) in enumerate(pages)
    ]
    parsed, failures = parse_batch(landed, SITES)
    assert sorted([item.page_id for item in parsed] + [item.page_id for item in failures]) == [
        page.page_id for page in landed
    ]
    assert all(failure.error_class in {"NotAnArticle", "PageTooDeep"} for failure in failures), failures
