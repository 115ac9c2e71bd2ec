"""Running a crawl in a test and reading what it landed."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from scrapers.crawl import CrawlOutcome, run_crawl
from scrapers.site import Site


def crawl(site: Site, tmp: Path, run_id: str, **options: object) -> CrawlOutcome:
    return run_crawl(site, run_id, tmp / "landing", tmp / "logs", timeout_seconds=60, **options)


def rows(outcome: CrawlOutcome) -> list[dict]:
    assert outcome.landing_file is not None
    return pq.read_table(outcome.landing_file).to_pylist()
