"""Running a crawl in a test and reading what it landed; the mirror and its site files as fixtures.

A test module that crawls the mirror imports the `mirror` and `sites` fixtures from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from mirror.server import MirrorServer
from scrapers.crawl import CrawlOutcome, run_crawl
from scrapers.site import Site, load_sites


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorServer]:
    with MirrorServer() as server:
        yield server


@pytest.fixture(scope="module")
def sites(mirror: MirrorServer) -> dict[str, Site]:
    return load_sites(mirror_port=mirror.port)


def crawl(site: Site, tmp: Path, run_id: str, **options: object) -> CrawlOutcome:
    return run_crawl(site, run_id, tmp / "landing", tmp / "logs", timeout_seconds=60, **options)


def rows(outcome: CrawlOutcome) -> list[dict]:
    assert outcome.landing_file is not None
    return pq.read_table(outcome.landing_file).to_pylist()
