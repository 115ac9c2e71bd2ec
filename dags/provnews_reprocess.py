"""
### provnews_reprocess

Re-run part of the pipeline from what is already landed, without crawling: parse → dedup →
facts → checks → publish. Trigger it by hand with parameters:

* **from_date**, **to_date** — only pages fetched on these days (inclusive; empty: all).
* **sites** — only these sites (empty: all).
* **stages** — which stages to run; the others show as *skipped*. Choosing `publish` also
  runs `checks`: nothing is published unchecked.

Typical use: a parser or a site's selectors improved → run `parse, dedup, facts, checks,
publish` for the affected site and days. Facts are re-extracted for every article, since
extraction rules apply to the whole warehouse.
"""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from airflow.sdk import Context, Param, TriggerRule, dag, task

from provnews import settings
from provnews.operations.alerts import on_task_failure, on_task_retry
from provnews.operations.tasks import WAREHOUSE_POOL, published_assets

STAGES = ["parse", "dedup", "facts", "checks", "publish"]
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
@task(doc_md="Re-parse the pages in scope from their landing files.", pool=WAREHOUSE_POOL)
def parse(params: dict | None = None) -> dict:
    from provnews import stages

    return stages.parse(
        sites=params["sites"] or None,
        from_date=params["from_date"] or None,
        to_date=params["to_date"] or None,
        reparse=True,
    )


@task.run_if(chosen("dedup"))
@task(
    doc_md="Link articles to earlier copies of the same story.",
    pool=WAREHOUSE_POOL,
    trigger_rule=TriggerRule.NONE_FAILED,
)
def dedup() -> dict:
    from provnews import stages

    return stages.dedup()


@task.run_if(chosen("facts"))
@task(
    doc_md="Re-extract the facts of every article.",
    pool=WAREHOUSE_POOL,
    trigger_rule=TriggerRule.NONE_FAILED,
)
def facts() -> dict:
    from provnews import stages

    return stages.facts(reextract=True)


@task.run_if(chosen("checks"))
@task(
    doc_md="Data-quality checks; a failure stops publish.",
    pool=WAREHOUSE_POOL,
    trigger_rule=TriggerRule.NONE_FAILED,
)
def checks() -> dict:
    from provnews import stages

    return stages.check()


@task.run_if(chosen("publish"))
@task(
    doc_md="Copy the warehouse atomically to the published file; updates the provnews.* assets.",
    pool=WAREHOUSE_POOL,
    trigger_rule=TriggerRule.NONE_FAILED,
    outlets=published_assets(),
)
def publish() -> dict:
    from provnews import stages

    return stages.publish()


@dag(
    dag_id="provnews_reprocess",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz=settings.TIMEZONE),
    catchup=False,
    doc_md=__doc__,
    tags=["provnews"],
    default_args={
        "owner": "provnews",
        "on_failure_callback": on_task_failure,
        "on_retry_callback": on_task_retry,
    },
    params={
        "from_date": Param(
            None, type=["null", "string"], format="date", description="First fetch day (YYYY-MM-DD)."
        ),
        "to_date": Param(
            None, type=["null", "string"], format="date", description="Last fetch day (YYYY-MM-DD)."
        ),
        "sites": Param(
            [], type="array", items={"type": "string"}, description="Site names; empty for all."
        ),
        "stages": Param(
            STAGES,
            type="array",
            items={"type": "string", "enum": STAGES},
            uniqueItems=True,
            minItems=1,
            description="Stages to run, in pipeline order whatever the order given.",
        ),
    },
)
def provnews_reprocess() -> None:
    parse() >> dedup() >> facts() >> checks() >> publish()


provnews_reprocess()
