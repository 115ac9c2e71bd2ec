"""Site files: every one loads, and a malformed one is refused with the offending key named."""

from pathlib import Path

import pytest
import yaml

from scrapers.site import SiteError, load_site_file, load_sites

GOOD_SITE = {
    "name": "example-news",
    "province": "Quảng Ninh",
    "base_url": "https://example-news.vn",
    "discover": {"rss": ["/rss"]},
    "article_url": r"-\d{7}\.html$",
    "select": {"body": ".article-content", "captions": "figure figcaption"},
}


def write_site(folder: Path, document: dict) -> Path:
    path = folder / f"{document['name']}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_every_site_file_in_the_repository_loads():
    sites = load_sites()
    assert {"baoquangninh", "quangninh-gov", "tuoitrethudo"} <= set(sites)


def test_real_site_article_patterns_match_their_documented_urls():
    sites = load_sites()
    assert sites["baoquangninh"].is_article("https://baoquangninh.vn/giam-ngheo-ben-vung-3391234.html")
    assert not sites["baoquangninh"].is_article("https://baoquangninh.vn/xa-hoi")
    assert sites["quangninh-gov"].is_article(
        "https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid=45210"
    )
    assert not sites["quangninh-gov"].is_article(
        "https://www.quangninh.gov.vn/Trang/Tin-tuc-su-kien.aspx?Cat=1"
    )
    assert sites["tuoitrethudo"].is_article("https://tuoitrethudo.vn/quang-ninh-an-sinh-312345.html")


def test_a_good_site_file_gives_its_selectors(tmp_path):
    site = load_site_file(write_site(tmp_path, GOOD_SITE))
    assert site.selectors_for(None).body == ".article-content"
    assert site.obey_robots and site.autothrottle and site.download_delay > 0


def test_an_unknown_key_is_named(tmp_path):
    path = write_site(tmp_path, {**GOOD_SITE, "selectors": {"body": "div"}})
    with pytest.raises(SiteError, match="selectors"):
        load_site_file(path)


def test_a_wrong_type_names_the_nested_key(tmp_path):
    path = write_site(tmp_path, {**GOOD_SITE, "discover": {"rss": "/rss"}})
    with pytest.raises(SiteError, match=r"discover\.rss"):
        load_site_file(path)


def test_a_missing_required_key_is_named(tmp_path):
    document = {key: value for key, value in GOOD_SITE.items() if key != "article_url"}
    with pytest.raises(SiteError, match="article_url"):
        load_site_file(write_site(tmp_path, document))


def test_a_bad_article_pattern_is_refused(tmp_path):
    with pytest.raises(SiteError, match="article_url"):
        load_site_file(write_site(tmp_path, {**GOOD_SITE, "article_url": "([0-9]"}))


def test_name_must_match_the_file_name(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(GOOD_SITE), encoding="utf-8")
    with pytest.raises(SiteError, match="must match the file name"):
        load_site_file(path)


def test_old_selectors_stay_for_pages_fetched_before_a_redesign(tmp_path):
    from datetime import datetime, timezone

    document = {
        **GOOD_SITE,
        "select": [
            {"body": ".old-content", "valid_until": "2025-06-30"},
            {"body": ".article-content"},
        ],
    }
    site = load_site_file(write_site(tmp_path, document))
    assert site.selectors_for(datetime(2025, 3, 1, tzinfo=timezone.utc)).body == ".old-content"
    assert site.selectors_for(datetime(2026, 3, 1, tzinfo=timezone.utc)).body == ".article-content"


def test_a_catastrophic_pattern_runs_in_linear_time(tmp_path):
    site = load_site_file(write_site(tmp_path, {**GOOD_SITE, "article_url": "(a+)+$"}))
    # Python's engine would backtrack for hours on this link; RE2 answers at once.
    assert not site.is_article("https://example-news.vn/" + "a" * 100_000 + "!")
    assert site.is_article("https://example-news.vn/aaaa")


def test_a_pattern_only_a_backtracking_engine_runs_is_refused(tmp_path):
    path = write_site(tmp_path, {**GOOD_SITE, "article_url": r"(\d+)-\1\.html$"})
    with pytest.raises(SiteError, match="article_url: not a regular expression RE2 can run"):
        load_site_file(path)


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + index)}: &{chr(98 + index)} [{', '.join(['*' + chr(97 + index)] * 9)}]" for index in range(8)]
    path = tmp_path / "example-news.yaml"
    path.write_text("\n".join(levels) + "\nprovince: *i\n", encoding="utf-8")
    assert len(path.read_bytes()) < 600
    with pytest.raises(SiteError, match="aliases") as raised:
        load_site_file(path)
    assert len(str(raised.value)) < 300


def test_an_error_quotes_at_most_200_characters_of_the_bad_value(tmp_path):
    path = write_site(tmp_path, {**GOOD_SITE, "province": ["x" * 1_000_000]})
    with pytest.raises(SiteError) as raised:
        load_site_file(path)
    assert len(str(raised.value)) < len(str(path)) + 300


def test_a_huge_site_file_is_refused_before_it_is_read(tmp_path):
    path = write_site(tmp_path, {**GOOD_SITE, "title": "x" * 300_000})
    with pytest.raises(SiteError, match="larger than"):
        load_site_file(path)
