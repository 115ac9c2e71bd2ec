"""Extraction against ground truth: every mirror article fetched over loopback, and the saved pages.

The mirror's content records are the truth: body, lead, captions, date and authors must come
back from the rendered page, for every site, with the site's own selectors or none.
"""

from __future__ import annotations

import html
import json
import unicodedata
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from bench.extraction import document_scores, macro_scores
from mirror.content import MirrorArticle, load_articles
from mirror.server import MirrorServer
from scrapers.site import load_sites
from transforms.parse import parse_page
from transforms.records import Article
from transforms.text import comparison_key, normalise_text

PAGES_DIR = Path(__file__).resolve().parent / "fixtures" / "pages"
SAVED_PAGES = sorted(PAGES_DIR.glob("*/*.html"))
ARTICLES = load_articles()
SITES = sorted({article.site for article in ARTICLES})


@dataclass(frozen=True)
class Fetched:
    record: MirrorArticle
    raw: bytes
    article: Article


@pytest.fixture(scope="module")
def fetched() -> Iterator[list[Fetched]]:
    with MirrorServer(port=0) as server:
        sites = load_sites(mirror_port=server.port)
        results = []
        for record in ARTICLES:
            url = server.article_url(record)
            with urllib.request.urlopen(url, timeout=10) as response:
                raw, content_type = response.read(), response.headers.get("Content-Type")
            site = sites[record.site]
            article = parse_page(
                raw, url, site.selectors_for(None), content_type=content_type,
                day_first=site.day_first, timezone=site.timezone,
            )
            results.append(Fetched(record, raw, article))
        yield results


def expected_body(record: MirrorArticle) -> list[str]:
    """The record's paragraphs as stored text: sub-heading marks dropped, whitespace folded."""
    return [normalise_text(paragraph.removeprefix("## ")) for paragraph in record.body]


def times_shown(raw: bytes, text: str) -> int:
    """How many times the page's visible markup (attributes included) carries the caption text."""
    tree = LexborHTMLParser(unicodedata.normalize("NFC", raw.decode("utf-8")))
    for node in tree.css("head, script"):
        node.decompose()
    return (tree.body.html or "").count(html.escape(text))


@pytest.mark.parametrize("site", SITES)
def test_body_token_f1_is_at_least_098_on_every_site(fetched: list[Fetched], site: str) -> None:
    scores = [
        document_scores("\n".join(expected_body(item.record)), "\n".join(item.article.body))
        for item in fetched
        if item.record.site == site
    ]
    f1, _, _ = macro_scores(scores)
    assert f1 >= 0.98


@pytest.mark.parametrize("site", SITES)
def test_no_caption_text_in_any_body(fetched: list[Fetched], site: str) -> None:
    leaked = [
        (item.record.key, caption.text)
        for item in fetched
        if item.record.site == site
        for caption in item.record.captions
        if comparison_key(caption.text) in comparison_key(" ".join(item.article.body))
    ]
    assert leaked == []


@pytest.mark.parametrize("site", SITES)
def test_every_caption_found_once_with_its_credit(fetched: list[Fetched], site: str) -> None:
    for item in (item for item in fetched if item.record.site == site):
        found = [(caption.text, caption.credit) for caption in item.article.captions]
        wanted = [(normalise_text(caption.text), caption.credit) for caption in item.record.captions]
        assert found == wanted, item.record.key


@pytest.mark.parametrize("site", SITES)
def test_caption_occurrences_count_every_repetition_on_the_page(fetched: list[Fetched], site: str) -> None:
    for item in (item for item in fetched if item.record.site == site):
        counted = [caption.occurrences for caption in item.article.captions]
        assert counted == [times_shown(item.raw, caption.text) for caption in item.record.captions], item.record.key


@pytest.mark.parametrize("site", SITES)
def test_lead_and_title_match_the_record(fetched: list[Fetched], site: str) -> None:
    for item in (item for item in fetched if item.record.site == site):
        wanted = (normalise_text(item.record.title), normalise_text(item.record.lead))
        assert (item.article.title, item.article.lead) == wanted, item.record.key


@pytest.mark.parametrize("site", SITES)
def test_published_at_matches_the_record(fetched: list[Fetched], site: str) -> None:
    for item in (item for item in fetched if item.record.site == site):
        published = item.article.published_at
        assert published is not None, item.record.key
        assert published == item.record.published_at, item.record.key


@pytest.mark.parametrize("site", SITES)
def test_authors_match_the_record(fetched: list[Fetched], site: str) -> None:
    for item in (item for item in fetched if item.record.site == site):
        assert item.article.authors == item.record.authors, item.record.key


def test_every_mirror_site_has_a_saved_page() -> None:
    assert {path.parent.name for path in SAVED_PAGES} >= set(SITES)


def test_both_seed_articles_are_saved() -> None:
    names = {path.name for path in SAVED_PAGES}
    assert {"3213457.html", "298314.html"} <= names


@pytest.mark.parametrize("page", SAVED_PAGES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_saved_page_matches_its_expected_json(page: Path) -> None:
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    site = load_sites()[expected["site"]]
    article = parse_page(page.read_bytes(), expected["url"], site.selectors_for(None), day_first=site.day_first)
    assert article.title == expected["title"]
    assert article.lead == expected["lead"]
    assert list(article.body) == expected["body"]
    assert [
        {"text": c.text, "credit": c.credit, "image_url": c.image_url, "occurrences": c.occurrences, "position": c.position}
        for c in article.captions
    ] == expected["captions"]
    assert article.authors == tuple(expected["authors"])
    published = datetime.fromisoformat(expected["published_at"])
    assert article.published_at == published


def test_page_served_decomposed_comes_out_composed() -> None:
    page = PAGES_DIR / "mirror-tuoitrethudo" / "298314.html"
    raw = page.read_bytes()
    assert not unicodedata.is_normalized("NFC", raw.decode("utf-8"))
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    article = parse_page(raw, expected["url"], load_sites()["mirror-tuoitrethudo"].selectors_for(None))
    texts = [article.title, article.lead, *article.body, *(caption.text for caption in article.captions), *article.authors]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert article.title == expected["title"]
