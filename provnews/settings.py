"""Where provnews keeps its files; every path can be moved with one environment variable."""

from __future__ import annotations

import os
from pathlib import Path

from provnews import SettingsError


def whole_number(name: str, default: int, lowest: int = 1, highest: int | None = None) -> int:
    """The environment variable as a whole number within [lowest, highest]; SettingsError names it otherwise."""
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    bounds = f"from {lowest}" + (f" to {highest}" if highest is not None else " up")
    shown = text if len(text) <= 40 else text[:39] + "…"
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={shown!r} is not a whole number ({bounds})") from None
    if value < lowest or (highest is not None and value > highest):
        raise SettingsError(f"{name}={shown!r} is out of range ({bounds})")
    return value


PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PROVNEWS_DATA", PROJECT_ROOT / "data"))
LANDING_DIR = DATA_DIR / "landing"
LOG_DIR = DATA_DIR / "logs"
REPORT_DIR = DATA_DIR / "reports"
WAREHOUSE = Path(os.environ.get("PROVNEWS_WAREHOUSE", DATA_DIR / "warehouse.duckdb"))
PUBLISHED_WAREHOUSE = Path(
    os.environ.get("PROVNEWS_PUBLISHED", DATA_DIR / "published" / "warehouse.duckdb")
)
SITES_DIR = Path(os.environ.get("PROVNEWS_SITES", PROJECT_ROOT / "scrapers" / "sites"))
# CMS family files the site files name (see README, "Adding a site").
FAMILIES_DIR = Path(os.environ.get("PROVNEWS_FAMILIES", PROJECT_ROOT / "scrapers" / "families"))
# The mirror's address; site files whose base_url is the mirror use this port.
MIRROR_HOST = "127.0.0.1"
MIRROR_PORT = whole_number("PROVNEWS_MIRROR_PORT", 8765, highest=65535)
TIMEZONE = "Asia/Ho_Chi_Minh"
# Scrapy closes a crawl after this many seconds; Airflow's timeout on a crawl task is longer,
# so a slow site ends with Scrapy's own clean close (stats and manifest written), not a kill.
CLOSESPIDER_TIMEOUT = whole_number("PROVNEWS_CLOSESPIDER_TIMEOUT", 1800)
# A known article published more than this many days ago is not requested again unless a sitemap
# says it changed (a site file's revisit.max_age_days overrides it); see README, "Revisits".
REVISIT_MAX_AGE_DAYS = whole_number("PROVNEWS_REVISIT_MAX_AGE_DAYS", 7, lowest=0)
# Sites crawled at once by `provnews run`, each in its own process forked from one spider process.
PARALLEL_CRAWLS = whole_number("PROVNEWS_PARALLEL_CRAWLS", 4, highest=64)
# Pages parsed by one process of the parse stage: the stage's peak memory is that of one chunk.
PARSE_CHUNK_PAGES = whole_number("PROVNEWS_PARSE_CHUNK_PAGES", 2000)
