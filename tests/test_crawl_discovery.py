"""Sitemaps and feeds read for article links, with hostile XML refused."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scrapers.discovery import DiscoveryError, feed_links, gunzip_limited, sitemap_links

URLSET = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc> https://baoquangninh.vn/a-3391234.html </loc></url>"
    b"<url><loc>https://baoquangninh.vn/b-3391235.html</loc></url></urlset>"
)


def test_urlset_gives_pages_in_order() -> None:
    assert sitemap_links(URLSET).pages == (
        "https://baoquangninh.vn/a-3391234.html",
        "https://baoquangninh.vn/b-3391235.html",
    )


def test_sitemap_index_gives_child_sitemaps() -> None:
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://tuoitrethudo.vn/sitemap-2026-11.xml</loc></sitemap></sitemapindex>"
    )
    assert sitemap_links(index).sitemaps == ("https://tuoitrethudo.vn/sitemap-2026-11.xml",)
    assert sitemap_links(index).pages == ()


def test_gzipped_sitemap_is_read() -> None:
    assert len(sitemap_links(gzip.compress(URLSET)).pages) == 2


def test_gzip_bomb_is_refused_before_it_is_expanded() -> None:
    bomb = gzip.compress(b" " * 2_000_000)
    with pytest.raises(DiscoveryError, match="over 1000 bytes once decompressed"):
        sitemap_links(bomb, max_bytes=1000)


def test_gunzip_limited_rejects_data_that_is_not_gzip() -> None:
    with pytest.raises(DiscoveryError, match="not valid gzip"):
        gunzip_limited(b"\x1f\x8bnot really")


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("hemmelig", encoding="utf-8")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>'
        "<urlset><url><loc>https://a.vn/x-1.html&secret;</loc></url></urlset>"
    ).encode()
    assert "hemmelig" not in "".join(sitemap_links(hostile).pages)


def test_rss_item_links_are_read_and_the_channel_link_is_not() -> None:
    feed = (
        b"<rss version='2.0'><channel><link>https://baoquangninh.vn/</link>"
        b"<item><title>A</title><link>https://baoquangninh.vn/a-3391234.html?utm_source=rss&amp;x=1</link></item>"
        b"</channel></rss>"
    )
    assert feed_links(feed) == ("https://baoquangninh.vn/a-3391234.html?utm_source=rss&x=1",)


def test_atom_entry_alternate_links_are_read() -> None:
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://a.vn/"/>'
        b'<entry><link rel="alternate" href="https://a.vn/b-1.html"/><link rel="edit" href="https://a.vn/edit/1"/></entry>'
        b"</feed>"
    )
    assert feed_links(feed) == ("https://a.vn/b-1.html",)


def test_a_page_that_is_not_xml_is_refused() -> None:
    with pytest.raises(DiscoveryError, match="not XML"):
        feed_links(b"")
