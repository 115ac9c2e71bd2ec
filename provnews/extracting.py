"""`provnews extract`: one page through parse, captions and facts, as one JSON object."""

from __future__ import annotations

from datetime import date

import json
import math
import urllib.request
from pathlib import Path

from scrapers.site import Site, load_sites
from transforms.facts import extract_facts
from transforms.parse import parse_page
from transforms.places import province_code_of
from transforms.records import Article, Fact

USER_AGENT = "provnews/0.1 (news archive for analysts; provnews extract)"
MAX_PAGE_BYTES = 20 * 1024 * 1024


class ExtractInputError(ValueError):
    """The page to extract can't be read."""


def read_page(file_or_url: str) -> tuple[bytes, str | None, str | None]:
    """(raw bytes, content type, address) of a local file or a URL."""
    if file_or_url.startswith(("http://", "https://")):
        request = urllib.request.Request(file_or_url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return (
                    response.read(MAX_PAGE_BYTES),
                    response.headers.get("Content-Type"),
                    response.geturl(),
                )
        except OSError as error:
            raise ExtractInputError(f"{file_or_url}: could not fetch ({error})") from None
    path = Path(file_or_url)
    if not path.is_file():
        raise FileNotFoundError(f"{file_or_url}: no such file")
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise ExtractInputError(f"{file_or_url}: larger than {MAX_PAGE_BYTES // 2**20} MB")
    return path.read_bytes(), None, None


def site_for_url(url: str | None) -> Site | None:
    """The configured site whose base URL the address starts with, if any."""
    if not url:
        return None
    matches = [site for site in load_sites().values() if url.startswith(site.base_url + "/")]
    return max(matches, key=lambda site: len(site.base_url), default=None)


def article_document(article: Article, facts: list[Fact]) -> dict:
    return {
        "title": article.title,
        "lead": article.lead,
        "body": list(article.body),
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "published_precision": article.published_precision,
        "page_type": article.page_type,
        "authors": list(article.authors),
        "bylines": [{"name": byline.name, "role": byline.role, "outlet": byline.outlet} for byline in article.bylines],
        "syndicated_from": article.syndicated_from,
        "section": article.section,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "captions": [
            {
                "text": caption.text,
                "credit": caption.credit,
                "image_url": caption.image_url,
                "occurrences": caption.occurrences,
            }
            for caption in article.captions
        ],
        "facts": [fact_document(fact) for fact in facts],
    }


# The fields of a fact in `provnews extract`, named as the facts table names them.
_FACT_FIELDS = (
    ("kind", "kind"), ("text", "text"), ("value", "value"), ("low", "low"), ("high", "high"),
    ("denominator", "denominator"), ("unit", "unit"), ("per_unit", "per_unit"), ("qualifier", "qualifier"),
    ("measure", "measure"), ("direction", "direction"), ("status", "status"), ("period_start", "period_start"),
    ("period_end", "period_end"), ("compared_to_start", "compared_to_start"), ("compared_to_end", "compared_to_end"),
    ("place_name", "place_name"), ("place_code", "place_code"), ("place_level", "place_level"),
    ("subject", "subject"), ("doc_number", "doc_number"), ("doc_key", "doc_key"), ("doc_type", "doc_type"),
    ("issuer", "issuer"), ("issued_on", "issued_on"), ("name", "name"), ("role", "role"),
    ("organisation", "organisation"), ("source", "source"), ("paragraph", "paragraph"), ("start", "start"),
    ("end", "end"), ("sentence", "sentence"),
)


def fact_document(fact: Fact) -> dict:
    """Every field of a fact, dates as ISO strings and absent ones as null."""
    document = {}
    for key, attribute in _FACT_FIELDS:
        value = getattr(fact, attribute)
        document[key] = value.isoformat() if isinstance(value, date) else value
    # JSON has no Infinity: a number too large for a double keeps its text, and its value is null.
    for key in ("value", "low", "high", "denominator"):
        if isinstance(document.get(key), float) and not math.isfinite(document[key]):
            document[key] = None
    return document


def extract_to_json(file_or_url: str, url: str | None = None, site_name: str | None = None) -> str:
    raw, content_type, fetched_url = read_page(file_or_url)
    address = url or fetched_url or Path(file_or_url).resolve().as_uri()
    if site_name:
        from scrapers.site import get_site

        site = get_site(site_name)
    else:
        site = site_for_url(address)
    article = parse_page(
        raw,
        address,
        site.selectors_for(None) if site else None,
        content_type=content_type,
        day_first=site.day_first if site else True,
        timezone=site.timezone if site else "Asia/Ho_Chi_Minh",
    )
    province_code = province_code_of(site.province) if site and site.province else None
    facts = extract_facts(article, province_code)
    return json.dumps(article_document(article, facts), ensure_ascii=False, indent=2, allow_nan=False)
