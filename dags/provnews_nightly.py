"""
### provnews_nightly

Every night at 01:30 (Asia/Ho_Chi_Minh): crawl each site into landing files, load them into
the DuckDB warehouse, parse articles and captions, find duplicates, extract facts, run the
data-quality checks, publish `data/published/warehouse.duckdb` and write the HTML report.

* **crawl** — one mapped task per site. A site that fails fails only its own task (after
  retries with growing waits); the others still load. Scrapy's full log is in
  `data/logs/`; the task log shows the run's stats.
* **transform** — load, parse, dedup, facts. Every task that opens the warehouse waits for the
  one-slot pool `provnews_warehouse`: DuckDB has a single writer.
* **release** — checks, publish, report. A failed check stops publish; the report is still
  written. Publish updates the `provnews.*` assets, so other DAGs can run on fresh data.
* **run_complete** succeeds only when every site crawled and the warehouse was published, so a
  run where one site failed ends *failed* even though the rest of the data went through.

Re-run a part without re-crawling: clear the task (and downstream) here, or trigger
`provnews_reprocess`. Failed tries are recorded in the warehouse's `task_failures` table.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import CronTriggerTimetable, TaskGroup, TriggerRule, dag, task

from provnews import settings
from provnews.operations.alerts import on_task_failure, on_task_retry
from provnews.operations.tasks import (
    CRAWL_EXECUTION_TIMEOUT,
    CRAWL_MAX_RETRY_DELAY,
    CRAWL_RETRIES,
    CRAWL_RETRY_BACKOFF,
    CRAWL_RETRY_DELAY,
    WAREHOUSE_POOL,
    published_assets,
)

# Each task imports provnews.stages when it runs: the dag-processor re-parses this file
# often, and the stages' imports (Scrapy, the extractors) would slow every parse.


@task(doc_md="Site names to crawl tonight: the mirror's, or the real sites with PROVNEWS_TARGET=real.")
def sites_to_crawl() -> list[str]:
    from provnews import stages

    return stages.sites_to_crawl()


@task(
    doc_md="Crawl one site into landing files (Scrapy in a subprocess). Never touches the warehouse.",
    retries=CRAWL_RETRIES,
    retry_delay=CRAWL_RETRY_DELAY,
    retry_exponential_backoff=CRAWL_RETRY_BACKOFF,
    max_retry_delay=CRAWL_MAX_RETRY_DELAY,
    execution_timeout=CRAWL_EXECUTION_TIMEOUT,
    map_index_template="{{ task.op_kwargs['site_name'] }}",
)
def crawl_site(site_name: str) -> dict:
    from provnews import stages

    return stages.crawl(site_name)


# all_done: a site whose crawl failed still landed its manifest, and the other sites'
# pages must not wait a day because one site was down.
@task(
    doc_md="Load every complete landing run not yet loaded into crawl_runs and pages.",
    pool=WAREHOUSE_POOL,
    trigger_rule=TriggerRule.ALL_DONE,
)
def load() -> dict:
    from provnews import stages

    return stages.load()


@task(doc_md="Parse pending pages into articles and captions.", pool=WAREHOUSE_POOL)
def parse() -> dict:
    from provnews import stages

    return stages.parse()


@task(doc_md="Link new articles to earlier copies of the same story.", pool=WAREHOUSE_POOL)
def dedup() -> dict:
    from provnews import stages

    return stages.dedup()


@task(doc_md="Extract facts from articles whose facts are stale.", pool=WAREHOUSE_POOL)
def facts() -> dict:
    from provnews import stages

    return stages.facts()


@task(doc_md="Data-quality checks; a failure stops publish.", pool=WAREHOUSE_POOL)
def checks() -> dict:
    from provnews import stages

    return stages.check()


@task(
    doc_md=(
        "Bring the published file up to the warehouse atomically: skipped when nothing changed, "
        "tables refreshed when search text did not change, else copied with search rebuilt; "
        "updates the provnews.* assets."
    ),
    pool=WAREHOUSE_POOL,
    outlets=published_assets(),
)
def publish() -> dict:
    from provnews import stages

    return stages.publish()


# all_done: the report of a run whose checks failed is the one operators need most.
@task(
    doc_md="Write the static HTML report of the published warehouse.",
    pool=WAREHOUSE_POOL,
    trigger_rule=TriggerRule.ALL_DONE,
)
def report() -> str:
    from provnews import stages

    return stages.report()


@dag(
    dag_id="provnews_nightly",
    schedule=CronTriggerTimetable("30 1 * * *", timezone=pendulum.timezone(settings.TIMEZONE)),
    start_date=pendulum.datetime(2026, 1, 1, tz=settings.TIMEZONE),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["provnews"],
    default_args={
        "owner": "provnews",
        "on_failure_callback": on_task_failure,
        "on_retry_callback": on_task_retry,
    },
)
def provnews_nightly() -> None:
    with TaskGroup("crawl", tooltip="One task per site; writes landing files only"):
        crawled = crawl_site.expand(site_name=sites_to_crawl())
    with TaskGroup("transform", tooltip="Landing files into warehouse tables"):
        loaded = load()
        transformed = facts()
        loaded >> parse() >> dedup() >> transformed
    with TaskGroup("release", tooltip="Checks, publish, report"):
        checked = checks()
        published = publish()
        checked >> published >> report()
    crawled >> loaded
    transformed >> checked
    run_complete = EmptyOperator(
        task_id="run_complete",
        doc_md="Succeeds only if every site crawled and publish succeeded; otherwise marks the run failed.",
    )
    [crawled, published] >> run_complete


provnews_nightly()
