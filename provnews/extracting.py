"""`provnews extract`: one page through parse, captions and facts, as one JSON object."""

from __future__ import annotations

import json
import math
import urllib.request
from pathlib import Path

from scrapers.site import Site, load_sites
from transforms.facts import extract_facts
from transforms.parse import parse_page
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


def fact_document(fact: Fact) -> dict:
    document = {
        "kind": fact.kind,
        "text": fact.text,
        "value": fact.value,
        "denominator": fact.denominator,
        "unit": fact.unit,
        "per_unit": fact.per_unit,
        "subject": fact.subject,
        "period": fact.period,
        "place": fact.place,
        "doc_number": fact.doc_number,
        "doc_type": fact.doc_type,
        "issued_on": fact.issued_on.isoformat() if fact.issued_on else None,
        "name": fact.name,
        "role": fact.role,
        "source": fact.source,
        "paragraph": fact.paragraph,
        "start": fact.start,
        "end": fact.end,
        "sentence": fact.sentence,
    }
    document = {key: value for key, value in document.items() if value is not None}
    # JSON has no Infinity: a number too large for a double keeps its text, and its value is null.
    for key in ("value", "denominator"):
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
    return json.dumps(article_document(article, extract_facts(article)), ensure_ascii=False, indent=2, allow_nan=False)
