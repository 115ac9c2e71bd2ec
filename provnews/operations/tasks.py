"""How provnews tasks run under Airflow: the writers' pool, retries, timeouts, the deadline, assets."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset
from airflow.sdk.exceptions import AirflowSkipException

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

# A task holding the one-slot warehouse pool blocks every other writer, in both DAGs: one that
# hangs must end, so that the next night can run. Generous: a parse of a big night takes minutes.
WAREHOUSE_TASK_TIMEOUT = timedelta(minutes=float(os.environ.get("PROVNEWS_WAREHOUSE_TASK_TIMEOUT_MINUTES", "120")))
# A nightly run still going after this long is failed, so the next night starts clean.
NIGHTLY_RUN_TIMEOUT = timedelta(hours=float(os.environ.get("PROVNEWS_NIGHTLY_TIMEOUT_HOURS", "20")))
NIGHTLY_SCHEDULE = "30 1 * * *"
# Local time (Asia/Ho_Chi_Minh) by which the night's run should be finished: later, an alert.
# Empty: no deadline. `airflow dags test` of Airflow 3.3.2 fails at the end of a successful run
# of a DAG with a deadline (it looks the deadline up by its definition instead of its stored
# id), so the tests that use it set this empty; the scheduler is not affected.
NIGHTLY_DEADLINE = os.environ.get("PROVNEWS_NIGHTLY_DEADLINE", "07:00")


def deadline_after_start(schedule: str = NIGHTLY_SCHEDULE, deadline: str = NIGHTLY_DEADLINE) -> timedelta:
    """How long after the scheduled start (a daily cron "M H * * *") the local deadline "HH:MM" falls."""
    minute, hour = (int(field) for field in schedule.split()[:2])
    deadline_hour, _, deadline_minute = deadline.partition(":")
    start = timedelta(hours=hour, minutes=minute)
    end = timedelta(hours=int(deadline_hour), minutes=int(deadline_minute or 0))
    if end <= start:
        end += timedelta(days=1)
    return end - start


def crawl_run_ids(outcomes: object) -> list[str]:
    """The crawl run ids in the crawl tasks' results (XCom); tolerates missing and odd values."""
    if outcomes is None or isinstance(outcomes, dict):
        outcomes = [outcomes]
    return [outcome["run_id"] for outcome in outcomes if isinstance(outcome, dict) and outcome.get("run_id")]


def incomplete_crawls(outcomes: object) -> list[str]:
    """A sentence per crawl that ended partial: its site, the pages lost and their share."""
    if outcomes is None or isinstance(outcomes, dict):
        outcomes = [outcomes]
    sentences = []
    for outcome in outcomes:
        if not isinstance(outcome, dict) or outcome.get("status") != "partial":
            continue
        failed, fetched = int(outcome.get("pages_failed") or 0), int(outcome.get("pages_fetched") or 0)
        tried = failed + fetched
        share = f"{failed / tried:.0%}" if tried else "an unknown share"
        reason = outcome.get("finish_reason")
        cut = f", and it stopped early ({reason})" if reason and reason != "finished" else ""
        sentences.append(
            f"{outcome.get('site')}: {failed} of {tried} pages failed ({share} lost){cut}; run {outcome.get('run_id')}"
        )
    return sentences

# A scheduled run starting this long after its time is the catch-up run Airflow creates when the
# DAG is unpaused; it is skipped so that a manual trigger and it do not crawl every site twice.
LATE_SCHEDULED_RUN = timedelta(hours=float(os.environ.get("PROVNEWS_LATE_RUN_HOURS", "6")))


def run_of(context: Mapping[str, Any]) -> str:
    """"<dag id>/<run id>" of the task's DAG run: the key of the run's report."""
    return f"{context['dag'].dag_id}/{context['run_id']}"


def announce_publication(result: dict, context: Mapping[str, Any]) -> dict:
    """Give the publish task's asset events their counts; skip the task (no event) when nothing changed.

    The result comes from provnews.stages.publish; it is read defensively, so an older result
    without "changed" counts as changed unless its action says skipped.
    """
    changed = result.get("changed", "skipped" not in result)
    if not changed:
        raise AirflowSkipException(
            "nothing changed since the last publish: the published warehouse is as it was, no asset event"
        )
    extra = {
        "articles_new": result.get("articles_new"),
        "facts": result.get("facts"),
        "sites": result.get("sites"),
        "tables_changed": list(result.get("tables") or []),
        "action": next((action for action in ("published", "refreshed") if action in result), None),
    }
    for asset in context["task"].outlets:
        context["outlet_events"][asset].extra = extra
    return result
