"""Collection-wide guards on the mirror's article records: the pages the pipeline is tested against."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from mirror.content import SECTIONS, MirrorArticle, MirrorContentError, load_article, load_articles

# Ids shaped like the imitated outlets' own, so site files' article_url patterns match.
ID_DIGITS = {"mirror-baoquangninh": 7, "mirror-tuoitrethudo": 6}


@pytest.fixture(scope="module")
def articles() -> list[MirrorArticle]:
    return load_articles()


def _texts(article: MirrorArticle) -> list[str]:
    return [
        article.title, article.lead, *article.body, *article.authors, *article.tags,
        *(c.text for c in article.captions), *(c.credit or "" for c in article.captions),
    ]


def test_enough_articles_on_every_site(articles):
    per_site = Counter(a.site for a in articles)
    assert len(articles) >= 45
    assert set(per_site) == set(SECTIONS)
    assert all(n >= 12 for n in per_site.values()), per_site


def test_ids_unique_per_site_and_shaped_like_the_outlet(articles):
    keys = [(a.site, a.id) for a in articles]
    assert len(keys) == len(set(keys))
    for a in articles:
        if a.site in ID_DIGITS:
            assert len(str(a.id)) == ID_DIGITS[a.site], a.key


def test_every_section_belongs_to_its_site(articles):
    for a in articles:
        assert a.section in SECTIONS[a.site], a.key


def test_caption_positions_are_inside_the_body(articles):
    for a in articles:
        for c in a.captions:
            assert -1 <= c.after < len(a.body), a.key


def test_caption_text_never_repeated_in_body(articles):
    # The parser is judged on keeping captions out of the text; the source must not put them in.
    for a in articles:
        for c in a.captions:
            assert not any(c.text in p for p in (a.lead, *a.body)), (a.key, c.text)


def test_all_text_is_nfc(articles):
    for a in articles:
        for text in _texts(a):
            assert unicodedata.is_normalized("NFC", text), (a.key, text[:60])


def test_syndicated_copies_point_at_another_site(articles):
    by_key = {a.key: a for a in articles}
    copies = [a for a in articles if a.syndicated_from]
    assert len(copies) >= 2
    for copy in copies:
        original = by_key[copy.syndicated_from]
        assert original.site != copy.site, copy.key
        assert original.published_at <= copy.published_at, copy.key


def test_published_at_carries_an_offset(articles):
    assert all(a.published_at.utcoffset() is not None for a in articles)


def test_enough_captions_and_both_json_ld_variants(articles):
    assert sum(len(a.captions) for a in articles) >= 25
    with_ld = sum(a.json_ld for a in articles)
    assert with_ld >= 10 and len(articles) - with_ld >= 10


def test_loader_names_file_and_key_on_bad_record(tmp_path: Path):
    bad = tmp_path / "mirror-tuoitrethudo--123456.yaml"
    bad.write_text(
        "site: mirror-tuoitrethudo\nid: 123456\nslug: a-b\nsection: the-thao\ntitle: T\n"
        "lead: L\nbody: [P]\ncaptions: []\npublished_at: '2025-06-01T08:00:00+07:00'\n"
        "authors: []\ntags: []\njson_ld: false\nsyndicated_from: null\n",
        encoding="utf-8",
    )
    with pytest.raises(MirrorContentError, match=r"mirror-tuoitrethudo--123456\.yaml: section"):
        load_article(bad)


def test_loader_rejects_time_without_offset(tmp_path: Path):
    bad = tmp_path / "mirror-tuoitrethudo--123456.yaml"
    bad.write_text(
        "site: mirror-tuoitrethudo\nid: 123456\nslug: a-b\nsection: xa-hoi\ntitle: T\n"
        "lead: L\nbody: [P]\ncaptions: []\npublished_at: '2025-06-01T08:00:00'\n"
        "authors: []\ntags: []\njson_ld: false\nsyndicated_from: null\n",
        encoding="utf-8",
    )
    with pytest.raises(MirrorContentError, match="published_at"):
        load_article(bad)
