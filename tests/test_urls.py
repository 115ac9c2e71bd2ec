"""canonical_url and fetchable_url: one spelling per page."""

from __future__ import annotations

import pytest

from scrapers.urls import canonical_url, fetchable_url


def test_scheme_and_host_are_lower_cased_but_path_is_not() -> None:
    assert canonical_url("HTTPS://BaoQuangNinh.VN/Tin-Tuc-3391234.html") == (
        "https://baoquangninh.vn/Tin-Tuc-3391234.html"
    )


def test_www_is_dropped() -> None:
    assert canonical_url("https://www.quangninh.gov.vn/a") == "https://quangninh.gov.vn/a"


def test_default_port_is_dropped_and_other_ports_kept() -> None:
    assert canonical_url("https://baoquangninh.vn:443/a") == "https://baoquangninh.vn/a"
    assert canonical_url("http://127.0.0.1:8765/a") == "http://127.0.0.1:8765/a"


def test_fragment_is_dropped() -> None:
    assert canonical_url("https://baoquangninh.vn/a.html#comments") == "https://baoquangninh.vn/a.html"


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=facebook&utm_medium=social",
        "fbclid=IwAR0abc",
        "gclid=xyz",
        "yclid=1",
        "mc_cid=a&mc_eid=b",
        "_ga=2.1",
        "zarsrc=30&gidzl=abc",
        "UTM_Campaign=tet",
    ],
)
def test_tracking_parameters_are_removed(query: str) -> None:
    assert canonical_url(f"https://baoquangninh.vn/a-3391234.html?{query}") == (
        "https://baoquangninh.vn/a-3391234.html"
    )


def test_remaining_parameters_are_kept_and_sorted() -> None:
    assert canonical_url("https://quangninh.gov.vn/Trang/Tin.aspx?nid=46190&Cat=1&utm_source=x") == (
        "https://quangninh.gov.vn/Trang/Tin.aspx?Cat=1&nid=46190"
    )


@pytest.mark.parametrize(
    "variant",
    [
        "https://baoquangninh.vn/a-3391234.html?print=1",
        "https://baoquangninh.vn/print/a-3391234.html",
        "https://baoquangninh.vn/amp/a-3391234.html",
        "https://baoquangninh.vn/a-3391234.amp.html",
        "https://baoquangninh.vn/a-3391234.html?amp",
        "https://baoquangninh.vn/a-3391234.html?view=print",
        "https://baoquangninh.vn/a-3391234.html/amp",
    ],
)
def test_print_and_amp_variants_map_to_the_article(variant: str) -> None:
    assert canonical_url(variant) == "https://baoquangninh.vn/a-3391234.html"


def test_a_parameter_named_view_with_another_value_is_kept() -> None:
    assert canonical_url("https://a.vn/list?view=grid") == "https://a.vn/list?view=grid"


def test_trailing_slash_is_dropped_except_at_the_root() -> None:
    assert canonical_url("https://baoquangninh.vn/kinh-te/") == "https://baoquangninh.vn/kinh-te"
    assert canonical_url("https://baoquangninh.vn/") == "https://baoquangninh.vn/"
    assert canonical_url("https://baoquangninh.vn") == "https://baoquangninh.vn/"


def test_non_ascii_path_is_percent_encoded_once() -> None:
    encoded = canonical_url("https://a.vn/tin tức")
    assert encoded == "https://a.vn/tin%20t%E1%BB%A9c"
    assert canonical_url(encoded) == encoded


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTP://WWW.A.vn:80/amp/x/?b=2&a=1&utm_id=3#top")
    assert once == "http://a.vn/x?a=1&b=2"
    assert canonical_url(once) == once


def test_non_http_strings_come_back_unchanged() -> None:
    assert canonical_url("mailto:toasoan@baoquangninh.vn") == "mailto:toasoan@baoquangninh.vn"
    assert canonical_url("javascript:void(0)") == "javascript:void(0)"


def test_fetchable_url_keeps_the_sites_www_spelling() -> None:
    assert fetchable_url("https://quangninh.gov.vn/a?utm_source=x", "https://www.quangninh.gov.vn") == (
        "https://www.quangninh.gov.vn/a"
    )


def test_fetchable_url_of_another_host_is_its_canonical_url() -> None:
    assert fetchable_url("https://www.other.vn/a/", "https://www.quangninh.gov.vn") == "https://other.vn/a"
