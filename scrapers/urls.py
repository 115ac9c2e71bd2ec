"""URL canonicalisation: one spelling per page, so a page is fetched once and deduplicated by URL."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Parameters that only say where a reader came from; the page is the same without them.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok",
        "zarsrc", "gidzl",  # Zalo shares, the usual way Vietnamese readers pass news on
        "fb_action_ids", "fb_action_types", "fb_source", "fb_ref",
        "ref_src", "spm", "vero_id", "s_cid", "wt_mc",
    }
)
TRACKING_PREFIXES = ("utm_",)
# Parameters that ask for another rendering (print, AMP) of the same article.
_VARIANT_FLAGS = frozenset({"print", "amp"})  # ?print=1, ?amp
_VARIANT_CHOOSERS = frozenset({"view", "outputtype", "output"})  # ?view=print, ?outputType=amp
_VARIANT_SEGMENTS = frozenset({"print", "amp"})
_AMP_SUFFIX = re.compile(r"\.amp\.(html?|aspx|php)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in a path; everything else (spaces, Vietnamese letters) is percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def _is_variant(name: str, value: str) -> bool:
    name, value = name.lower(), value.lower()
    if name in _VARIANT_FLAGS:
        return value in {"", "1", "true", "yes"}
    return name in _VARIANT_CHOOSERS and value in _VARIANT_FLAGS


def _article_path(path: str) -> str:
    segments = [segment for segment in path.split("/") if segment.lower() not in _VARIANT_SEGMENTS]
    path = "/".join(segments) or "/"
    path = _AMP_SUFFIX.sub(r".\1", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return quote(path, safe=_PATH_SAFE)


# A night's discovery names each article many times (feeds, listings, sitemaps, the known pages)
# and each name is canonicalised more than once on its way to a request: thousands of URLs a site.
URL_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=URL_CACHE_SIZE)
def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL; other strings come back stripped but unchanged."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name) and not _is_variant(name, value)
    )
    return urlunsplit((scheme, netloc, _article_path(parts.path), urlencode(query), ""))


@lru_cache(maxsize=URL_CACHE_SIZE)
def fetchable_url(url: str, base_url: str) -> str:
    """canonical_url(url), but on the site's own spelling of its host (with "www." if the site uses it)."""
    canonical = canonical_url(url)
    canonical_parts = urlsplit(canonical)
    base_parts = urlsplit(base_url)
    if canonical_parts.netloc and canonical_parts.netloc == urlsplit(canonical_url(base_url)).netloc:
        # Some servers answer only on "www."; the canonical form drops it, the request must not.
        return urlunsplit(canonical_parts._replace(netloc=base_parts.netloc.lower()))
    return canonical
