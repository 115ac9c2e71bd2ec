"""
### provnews_reprocess

Re-run part of the pipeline from what is already landed, without crawling: parse → dedup →
facts → checks → publish. Trigger it by hand ("Trigger" on this page) and choose:

* **First day**, **Last day** — days in Vietnam (Asia/Ho_Chi_Minh) on which the pages were
  fetched, both included; the landing folders `data/landing/<site>/<day>/` are named by the
  same days. Empty: from the first, or to the last, landed day.
* **Sites** — the sites whose pages to redo (empty: every site).
* **Stages** — which stages to run; the others show as *skipped*. Choosing publish also runs
  checks: nothing is published unchecked.

An unknown site or stage, or a first day after the last day, is refused when you trigger. A
run whose sites and days hold no landed page **fails** in parse, saying which days those sites
do have, before facts or publish are touched.

Typical use: a parser or a site's selectors improved → run every stage for the affected site
and days. Facts are re-extracted for every article, since extraction rules apply to the whole
warehouse.
"""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from airflow.sdk import Context, Param, TriggerRule, dag, task

from provnews import settings
from provnews.operations.alerts import on_run_failure, on_task_failure, on_task_retry
from provnews.operations.tasks import (
    WAREHOUSE_POOL,
    WAREHOUSE_TASK_TIMEOUT,
    announce_publication,
    published_assets,
    run_of,
)
from scrapers.site import load_sites

STAGES = ["parse", "dedup", "facts", "checks", "publish"]
STAGE_WORDS = {
    "parse": "Parse the pages again",
    "dedup": "Find duplicate stories again",
    "facts": "Extract facts again (all articles)",
    "checks": "Run the data-quality checks",
    "publish": "Publish (runs the checks first)",
}
# The choices the form offers: every site file, the real sites and the mirror's.
SITE_NAMES = sorted(load_sites())
# Each task imports provnews.stages when it runs: the dag-processor re-parses this file
# often, and the stages' imports (Scrapy, the extractors) would slow every parse.


def chosen(stage: str) -> Callable[[Context], bool]:
    """run_if condition: the stage was chosen in the run's params (publish brings checks with it)."""

    def condition(context: Context) -> bool:
        wanted = set(context["params"]["stages"])
        return stage in wanted or (stage == "checks" and "publish" in wanted)

    return condition


# none_failed: a stage runs after skipped stages (not chosen) but never after a failed one.
@task.run_if(chosen("parse"))
@task(
    doc_md=(
        "Re-parse the pages in scope from their landing files; fails, saying which days the chosen sites "
        "have, when the scope holds no landed page."
    ),
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
)
def parse(params: dict | None = None) -> dict:
    from provnews import stages

    stages.validate_scope(params["sites"] or None, params["from_date"] or None, params["to_date"] or None)
    return stages.parse(
        sites=params["sites"] or None,
        from_date=params["from_date"] or None,
        to_date=params["to_date"] or None,
        reparse=True,
        require_pages=True,
    )


@task.run_if(chosen("dedup"))
@task(
    doc_md="Link articles to earlier copies of the same story.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    trigger_rule=TriggerRule.NONE_FAILED,
)
def dedup() -> dict:
    from provnews import stages

    return stages.dedup()


@task.run_if(chosen("facts"))
@task(
    doc_md="Re-extract the facts of every article.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    trigger_rule=TriggerRule.NONE_FAILED,
)
def facts() -> dict:
    from provnews import stages

    return stages.facts(reextract=True)


@task.run_if(chosen("checks"))
@task(
    doc_md=(
        "Data-quality checks: the rows a check finds are held back from publish and the rest is "
        "published; only a check showing the warehouse itself broken fails here and stops publish."
    ),
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    trigger_rule=TriggerRule.NONE_FAILED,
)
def checks() -> dict:
    from provnews import stages

    return stages.check()


@task.run_if(chosen("publish"))
@task(
    doc_md=(
        "Copy the warehouse atomically to the published file; updates the provnews.* assets (with counts) "
        "only when the published tables changed, else shows skipped."
    ),
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    trigger_rule=TriggerRule.NONE_FAILED,
    outlets=published_assets(),
)
def publish(**context: object) -> dict:
    from provnews import stages

    return announce_publication(stages.publish(), context)


@task(
    doc_md="Write the static HTML report of the published warehouse: the run's Report tab.",
    pool=WAREHOUSE_POOL,
    execution_timeout=WAREHOUSE_TASK_TIMEOUT,
    trigger_rule=TriggerRule.NONE_FAILED,
)
def report(**context: object) -> str:
    from provnews import stages

    return stages.report(dag_run=run_of(context))


@dag(
    dag_id="provnews_reprocess",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz=settings.TIMEZONE),
    catchup=False,
    doc_md=__doc__,
    tags=["provnews"],
    on_failure_callback=on_run_failure,
    default_args={
        "owner": "provnews",
        "on_failure_callback": on_task_failure,
        "on_retry_callback": on_task_retry,
    },
    params={
        "from_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="First day (Vietnam time)",
            description=(
                "First day on which the pages were fetched, in Vietnam (Asia/Ho_Chi_Minh), like the "
                "landing folders data/landing/<site>/<day>/. Empty: from the first landed day."
            ),
        ),
        "to_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Last day (Vietnam time)",
            description="Last fetch day, included, in Vietnam time. Empty: up to the last landed day.",
        ),
        # May be null: the form sends null when no site is chosen, and marks a non-null field required.
        "sites": Param(
            [],
            type=["null", "array"],
            items={"type": "string", "enum": SITE_NAMES},
            examples=SITE_NAMES,
            uniqueItems=True,
            title="Sites",
            description="Sites whose pages to redo; choose none for every site.",
        ),
        "stages": Param(
            STAGES,
            type="array",
            items={"type": "string", "enum": STAGES},
            examples=STAGES,
            values_display=STAGE_WORDS,
            uniqueItems=True,
            minItems=1,
            title="Stages",
            description="Stages to run; they run in pipeline order whatever the order chosen.",
        ),
    },
)
def provnews_reprocess() -> None:
    published = publish()
    parse() >> dedup() >> facts() >> checks() >> published >> report()


provnews_reprocess()
