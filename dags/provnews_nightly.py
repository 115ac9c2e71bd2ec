"""
### provnews_nightly

Every night at 01:30 (Asia/Ho_Chi_Minh; the UI shows times in that zone): crawl each site
into landing files, load them into the DuckDB warehouse, parse articles and captions, find
duplicates, extract facts, run the data-quality checks, publish
`data/published/warehouse.duckdb` and write the HTML report (the run's **Report** tab).

* **crawl** — one mapped task per site, named by the site. A site that fails fails only its
  own task (after retries with growing waits); the others still load. Scrapy's full log is in
  `data/logs/`; the task log shows the run's stats. **crawls_complete** fails, naming the site
  and the share of pages lost, when a crawl ended *partial*: what landed is published, but the
  run is not green.
* **transform** — load, parse, dedup, facts. Every task that opens the warehouse waits for the
  one-slot pool `provnews_warehouse` (DuckDB has a single writer) and has a timeout.
* **release** — checks, publish, report. A check holds back the rows it finds and the rest is
  published; only a check showing the warehouse broken stops publish. The report is still
  written. Publish updates the `provnews.*` assets only when the published tables changed, with
  the counts (new articles, facts, sites) in the events' extra; a publish with nothing to do
  shows *skipped*.
* **run_complete** succeeds only when every site crawled completely and publish did not fail.

A run not finished by the deadline (07:00 in Vietnam by default, `PROVNEWS_NIGHTLY_DEADLINE`)
raises an alert; a failed run raises one alert naming its failed tasks, besides each task's.

Re-run a part without re-crawling: **clear** parse, dedup or facts (and downstream) here — the
cleared task redoes its work for the pages this run crawled — or trigger `provnews_reprocess`
for chosen sites and days. Failed tries are recorded in the warehouse's `task_failures` table.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import (
    AsyncCallback,
    Context,
    CronTriggerTimetable,
    DeadlineAlert,
    DeadlineReference,
    TaskGroup,
    TriggerRule,
    dag,
    task,
)

from provnews import settings
from provnews.operations.alerts import on_deadline_missed, on_run_failure, on_task_failure, on_task_retry
from provnews.operations.tasks import (
    CRAWL_EXECUTION_TIMEOUT,
    CRAWL_MAX_RETRY_DELAY,
    CRAWL_RETRIES,
    CRAWL_RETRY_BACKOFF,
    CRAWL_RETRY_DELAY,
    LATE_SCHEDULED_RUN,
    NIGHTLY_DEADLINE,
    NIGHTLY_RUN_TIMEOUT,
    NIGHTLY_SCHEDULE,
    WAREHOUSE_POOL,
    WAREHOUSE_TASK_TIMEOUT,
    announce_publication,
    crawl_run_ids,
    deadline_after_start,
    incomplete_crawls,
    published_assets,
    run_of,
)

# Each task imports provnews.stages when it runs: the dag-processor re-parses this file
# often, and the stages' imports (Scrapy, the extractors) would slow every parse.

CRAWL_TASK = "crawl.crawl_site"


def redo_runs(context: Context) -> list[str] | None:
    """This run's crawl runs when the task runs again (cleared or retried), else None.

    A first try works on what is pending, which holds this run's pages; a cleared task finds
    them done, so it redoes them explicitly.
    """
    if context["ti"].try_number <= 1:
        return None
    return crawl_run_ids(context["ti"].xcom_pull(task_ids=CRAWL_TASK))


@task.short_circuit(
    doc_md=(
        "Skips the whole run when it is a scheduled run starting hours after its time: the catch-up "
        "run Airflow creates when the DAG is unpaused (often by a manual trigger that crawls already)."
    )
)
def night_is_due(**context: object) -> bool:
    dag_run = context["dag_run"]
    if getattr(dag_run, "run_type", None) != "scheduled" or dag_run.logical_date is None:
        return True
    late = pendulum.now("UTC") - dag_run.logical_date
    if late > LATE_SCHEDULED_RUN:
        print(f"scheduled for {dag_run.logical_date}, starting {late} late: a catch-up run, skipped")
        return False
    return True


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


# all_done: a crawl that failed is red already; this one names the crawls that ended partial.
@task(
    doc_md="Fails, naming each site and the share of its pages lost, when a crawl ended partial.",
    trigger_rule=TriggerRule.ALL_DONE,
)
def crawls_complete(**context: object) -> int:
    outcomes = context["ti"].xcom_pull(task_ids=CRAWL_TASK)
    if incomplete := incomplete_crawls(outcomes):
        raise RuntimeError("partial crawl: " + "; ".join(incomplete))
    return len(crawl_run_ids(outcomes))


# all_done: a site whose crawl failed still landed its manifest, and the other sites'
# pages must not wait a day because one site was down.
@task(
    doc_md="Load every complete landing run not yet loaded into crawl_runs and pages.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    trigger_rule=TriggerRule.ALL_DONE,
)
def load() -> dict:
    from provnews import stages

    return stages.load()


@task(
    doc_md="Parse pending pages into articles and captions; cleared, re-parses this run's pages.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
)
def parse(**context: object) -> dict:
    from provnews import stages

    if runs := redo_runs(context):
        redone = stages.parse(run_ids=runs, reparse=True)
        return {**stages.parse(), "articles_redone": redone["articles"]}
    return stages.parse()


@task(
    doc_md="Link new articles to earlier copies of the same story; cleared, redoes this run's articles.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
)
def dedup(**context: object) -> dict:
    from provnews import stages

    return stages.dedup(redo_runs=redo_runs(context))


@task(
    doc_md="Extract facts from articles whose facts are stale; cleared, redoes this run's articles.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
)
def facts(**context: object) -> dict:
    from provnews import stages

    return stages.facts(redo_runs=redo_runs(context))


@task(
    doc_md=(
        "Data-quality checks: the rows a check finds are held back from publish and the rest is "
        "published; only a check showing the warehouse itself broken fails here and stops publish."
    ),
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
)
def checks() -> dict:
    from provnews import stages

    return stages.check()


@task(
    doc_md=(
        "Bring the published file up to the warehouse atomically. When nothing changed the task is "
        "skipped and no asset event is sent; otherwise the provnews.* assets are updated with the "
        "counts (new articles, facts, sites) in the events' extra."
    ),
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    outlets=published_assets(),
)
def publish(**context: object) -> dict:
    from provnews import stages

    return announce_publication(stages.publish(), context)


# all_done: the report of a run whose checks failed is the one operators need most.
@task(
    doc_md="Write the static HTML report of the published warehouse: the run's Report tab.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    trigger_rule=TriggerRule.ALL_DONE,
)
def report(**context: object) -> str:
    from provnews import stages

    return stages.report(dag_run=run_of(context))


@dag(
    dag_id="provnews_nightly",
    schedule=CronTriggerTimetable(NIGHTLY_SCHEDULE, timezone=pendulum.timezone(settings.TIMEZONE)),
    start_date=pendulum.datetime(2026, 1, 1, tz=settings.TIMEZONE),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=NIGHTLY_RUN_TIMEOUT,
    deadline=(
        DeadlineAlert(
            name=f"finished by {NIGHTLY_DEADLINE} ({settings.TIMEZONE})",
            reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
            interval=deadline_after_start(),
            callback=AsyncCallback(on_deadline_missed),
        )
        if NIGHTLY_DEADLINE
        else None
    ),
    on_failure_callback=on_run_failure,
    doc_md=__doc__,
    tags=["provnews"],
    default_args={
        "owner": "provnews",
        "on_failure_callback": on_task_failure,
        "on_retry_callback": on_task_retry,
    },
)
def provnews_nightly() -> None:
    due = night_is_due()
    with TaskGroup("crawl", tooltip="One task per site; writes landing files only"):
        sites = sites_to_crawl()
        crawled = crawl_site.expand(site_name=sites)
        complete = crawls_complete()
        crawled >> complete
    with TaskGroup("transform", tooltip="Landing files into warehouse tables"):
        loaded = load()
        transformed = facts()
        loaded >> parse() >> dedup() >> transformed
    with TaskGroup("release", tooltip="Checks, publish, report"):
        checked = checks()
        published = publish()
        checked >> published >> report()
    due >> sites
    crawled >> loaded
    transformed >> checked
    # none_failed: a publish with nothing to publish is skipped, and that is a good night.
    run_complete = EmptyOperator(
        task_id="run_complete",
        doc_md="Succeeds only if every site crawled completely and publish did not fail; else the run fails.",
        trigger_rule=TriggerRule.NONE_FAILED,
    )
    [crawled, complete, published] >> run_complete


provnews_nightly()
