"""The commands people type: extract on a saved page, status, sql and export on a warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provnews.extracting import site_for_url
from tests.support import PROJECT_ROOT, free_port, provnews_environment, run_provnews

SAVED_PAGE = PROJECT_ROOT / "tests" / "fixtures" / "pages" / "mirror-baoquangninh" / "3213457.html"
SAVED_URL = "http://127.0.0.1:8765/mirror-baoquangninh/viec-gi-co-loi-cho-dan-thi-lam-3213457.html"
EXTRACT_FIELDS = {
    "title", "lead", "body", "published_at", "authors", "section", "url", "canonical_url",
    "captions", "facts", "published_precision", "page_type", "bylines", "syndicated_from",
}


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return provnews_environment(tmp_path / "data", free_port())


def test_extract_prints_the_article_its_captions_and_facts_as_json(environment):
    result = run_provnews(["extract", str(SAVED_PAGE), "--url", SAVED_URL], environment)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == EXTRACT_FIELDS
    assert document["title"] == "Quảng Ninh: “Việc gì có lợi cho dân thì làm”"
    assert document["authors"] == ["Hà Chi"]
    assert document["published_at"] == "2023-01-01T08:00:00+07:00"
    assert all(isinstance(paragraph, str) for paragraph in document["body"])
    assert {"text", "image_url", "occurrences"} <= set(document["captions"][0])
    assert "Giờ ăn trưa của các em Trường Mầm non Húc Động, huyện Bình Liêu." in {
        caption["text"] for caption in document["captions"]
    }
    money = [fact for fact in document["facts"] if fact["kind"] == "money"]
    assert {"text": "4.690 tỷ đồng", "value": 4.69e12, "unit": "VND"}.items() <= money[0].items()


def test_extract_prints_bylines_with_roles_page_type_and_date_precision(environment):
    page = PROJECT_ROOT / "tests" / "fixtures" / "extraction" / "inline-related-teaser.html"
    result = run_provnews(["extract", str(page), "--url", "https://giaoducmau.vn/tinh-tuyen-620-giao-vien.htm"], environment)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["bylines"] == [
        {"name": "Tường Minh", "role": "text", "outlet": None},
        {"name": "Đỗ Hiền", "role": "photo", "outlet": None},
    ]
    assert document["authors"] == ["Tường Minh"]
    assert (document["page_type"], document["published_precision"], document["syndicated_from"]) == ("article", "minute", None)


def test_extract_picks_the_site_whose_base_url_the_address_starts_with():
    assert site_for_url("https://baoquangninh.vn/giam-ngheo-3391234.html").name == "baoquangninh"
    assert site_for_url("https://tuoitrethudo.vn/an-sinh-298314.html").name == "tuoitrethudo"
    assert site_for_url("https://example.vn/tin-1.html") is None
