"""Reading sitemaps and feeds for article links: bytes in, URLs out, hostile XML refused."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from lxml import etree

# Sitemaps are capped at 50 MB uncompressed by the protocol; a provincial site's are far smaller.
MAX_SITEMAP_BYTES = 10 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class DiscoveryError(ValueError):
    """A sitemap or feed could not be read: too large once decompressed, or not XML."""


@dataclass(frozen=True, slots=True)
class SitemapLinks:
    sitemaps: tuple[str, ...]  # children of a sitemap index
    pages: tuple[str, ...]
    lastmods: dict[str, str] = field(default_factory=dict)  # <lastmod> text by <loc>, where given


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD or network fetches: a feed cannot make us read files or hosts.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )


def gunzip_limited(data: bytes, max_bytes: int = MAX_SITEMAP_BYTES) -> bytes:
    """Decompress gzip data, refusing output beyond max_bytes (a gzip bomb stops here)."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        output = decompressor.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise DiscoveryError(f"not valid gzip ({error})") from None
    if len(output) > max_bytes:
        raise DiscoveryError(f"over {max_bytes} bytes once decompressed")
    return output


def _xml_root(data: bytes, max_bytes: int) -> etree._Element:
    if data.startswith(_GZIP_MAGIC):
        data = gunzip_limited(data, max_bytes)
    elif len(data) > max_bytes:
        raise DiscoveryError(f"over {max_bytes} bytes")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise DiscoveryError(f"not XML ({error})") from None
    if root is None:
        raise DiscoveryError("not XML (empty document)")
    return root


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def sitemap_links(data: bytes, max_bytes: int = MAX_SITEMAP_BYTES) -> SitemapLinks:
    """The <loc> entries of a sitemap (plain or gzipped): child sitemaps of an index, or pages
    with the <lastmod> their entry gives."""
    root = _xml_root(data, max_bytes)
    locations: list[str] = []
    lastmods: dict[str, str] = {}
    for element in root.iter():
        if _local_name(element) != "loc" or not element.text or not element.text.strip():
            continue
        location = element.text.strip()
        locations.append(location)
        entry = element.getparent()
        for sibling in entry if entry is not None else ():
            if _local_name(sibling) == "lastmod" and sibling.text and sibling.text.strip():
                lastmods[location] = sibling.text.strip()
    if _local_name(root) == "sitemapindex":
        return SitemapLinks(sitemaps=tuple(locations), pages=())
    return SitemapLinks(sitemaps=(), pages=tuple(locations), lastmods=lastmods)


def feed_links(data: bytes, max_bytes: int = MAX_SITEMAP_BYTES) -> tuple[str, ...]:
    """The item links of an RSS 2.0, RSS 1.0 or Atom feed, in feed order."""
    root = _xml_root(data, max_bytes)
    links: list[str] = []
    for element in root.iter():
        if _local_name(element) != "link":
            continue
        parent = element.getparent()
        if parent is None or _local_name(parent) not in {"item", "entry"}:
            continue  # the channel's own link is the home page, not an article
        href = element.get("href") or (element.text or "")
        if href.strip() and element.get("rel", "alternate") == "alternate":
            links.append(href.strip())
    return tuple(links)
