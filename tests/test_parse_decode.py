"""decode_page: bytes to NFC text from the header's charset, the <meta> charset, or detection."""

from __future__ import annotations

import unicodedata

from mirror.faults import windows_1258
from transforms.text import decode_page

PAGE = '<html><head><meta charset="utf-8"></head><body><p>Người dân được hỗ trợ nhà ở.</p></body></html>'


def test_utf8_page_decodes_with_its_header() -> None:
    assert decode_page(PAGE.encode("utf-8"), "text/html; charset=utf-8") == PAGE


def test_page_declaring_utf8_but_sending_windows_1258_comes_out_right() -> None:
    decoded = decode_page(windows_1258(PAGE), "text/html; charset=utf-8")
    assert "Người dân được hỗ trợ nhà ở." in decoded


def test_windows_1258_text_comes_out_composed() -> None:
    assert unicodedata.is_normalized("NFC", decode_page(windows_1258(PAGE), None))


def test_declared_legacy_charset_is_used_when_bytes_are_not_utf8() -> None:
    page = "<html><body><p>Café crème</p></body></html>"
    assert "Café crème" in decode_page(page.encode("latin-1"), "text/html; charset=iso-8859-1")


def test_meta_charset_is_read_when_the_header_has_none() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body>Café</body></html>'
    assert "Café" in decode_page(page.encode("latin-1"), "text/html")


def test_page_cut_inside_a_character_loses_only_that_character() -> None:
    truncated = PAGE.encode("utf-8")[:-len("ở.</p></body></html>".encode("utf-8")) + 1]
    assert decode_page(truncated, "text/html; charset=utf-8").endswith("nhà ")


def test_random_bad_bytes_never_raise() -> None:
    assert isinstance(decode_page(bytes(range(256)) * 4, "text/html; charset=nonsense"), str)


def test_decomposed_utf8_page_comes_out_composed() -> None:
    decomposed = unicodedata.normalize("NFD", PAGE).encode("utf-8")
    assert decode_page(decomposed, None) == PAGE
