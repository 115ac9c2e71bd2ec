"""How provnews tasks run under Airflow: the warehouse writers' pool, crawl retries and timeout, assets."""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import Asset

from provnews import settings
from scrapers.crawl import SHUTDOWN_GRACE_SECONDS

# DuckDB takes one writing process per file; every task that opens the warehouse queues in
# this one-slot pool, across both DAGs, instead of failing on the file lock.
WAREHOUSE_POOL = "provnews_warehouse"
WAREHOUSE_POOL_DESCRIPTION = "One slot: tasks that open the DuckDB warehouse run one at a time."

# Scrapy gets CLOSESPIDER_TIMEOUT to close cleanly and the crawler its grace to write the
# landing files; the extra margin covers start-up, so Airflow only kills a crawl that hangs.
CRAWL_EXECUTION_TIMEOUT = timedelta(seconds=settings.CLOSESPIDER_TIMEOUT + SHUTDOWN_GRACE_SECONDS + 300)

# A site that is down at 01:30 is often back minutes later: retry with growing waits
# (5, 10, 20 min by default). Tests shorten the waits through the same variables.
CRAWL_RETRIES = int(os.environ.get("PROVNEWS_CRAWL_RETRIES", "3"))
CRAWL_RETRY_DELAY = timedelta(seconds=float(os.environ.get("PROVNEWS_CRAWL_RETRY_DELAY", "300")))
CRAWL_RETRY_BACKOFF = 2.0
CRAWL_MAX_RETRY_DELAY = timedelta(hours=1)

WAREHOUSE_TABLES = ("sources", "crawl_runs", "pages", "articles", "captions", "facts", "duplicates")


def published_table_asset(table: str) -> Asset:
    """The Airflow asset of one table of the published warehouse; DAGs scheduled on it run after publish."""
    location = settings.PUBLISHED_WAREHOUSE.resolve().as_posix()
    return Asset(name=f"provnews.{table}", uri=f"duckdb://{location}/{table}", group="provnews")


def published_assets() -> list[Asset]:
    """Every published table as an asset: the outlets of the publish task."""
    return [published_table_asset(table) for table in WAREHOUSE_TABLES]
