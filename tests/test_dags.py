"""The Airflow DAGs: they import, their wiring matches the operations contract, and they run.

Structure tests read the DAGs through a DagBag. The end-to-end tests run `airflow dags test`
as a subprocess against the offline mirror with an Airflow home and data folder in tmp.
"""

from __future__ import annotations

import copy
import os
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from tests.support import PROJECT_ROOT

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import DAG

DAGS_FOLDER = PROJECT_ROOT / "dags"
WAREHOUSE_WRITERS = {
    "transform.load",
    "transform.parse",
    "transform.dedup",
    "transform.facts",
    "release.checks",
    "release.publish",
    "release.report",
}


@pytest.fixture(scope="module")
def dag_bag(tmp_path_factory: pytest.TempPathFactory) -> DagBag:
    # Airflow reads AIRFLOW_HOME when first imported; keep its files out of the home folder.
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


@pytest.fixture(scope="module")
def nightly(dag_bag: DagBag) -> DAG:
    return dag_bag.dags["provnews_nightly"]


@pytest.fixture(scope="module")
def reprocess(dag_bag: DagBag) -> DAG:
    return dag_bag.dags["provnews_reprocess"]


def test_every_dag_file_imports_without_errors(dag_bag: DagBag) -> None:
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dags) == {"provnews_nightly", "provnews_reprocess"}


def test_nightly_chain_runs_crawl_then_load_to_report(nightly: DAG) -> None:
    upstream = {task.task_id: task.upstream_task_ids for task in nightly.tasks}
    assert upstream == {
        "crawl.sites_to_crawl": set(),
        "crawl.crawl_site": {"crawl.sites_to_crawl"},
        "transform.load": {"crawl.crawl_site"},
        "transform.parse": {"transform.load"},
        "transform.dedup": {"transform.parse"},
        "transform.facts": {"transform.dedup"},
        "release.checks": {"transform.facts"},
        "release.publish": {"release.checks"},
        "release.report": {"release.publish"},
        "run_complete": {"crawl.crawl_site", "release.publish"},
    }


def test_nightly_crawl_is_mapped_over_the_sites_to_crawl(nightly: DAG) -> None:
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    crawl = nightly.get_task("crawl.crawl_site")
    assert isinstance(crawl, MappedOperator)
    assert set(crawl.op_kwargs_expand_input.value) == {"site_name"}


def test_nightly_load_runs_even_when_a_crawl_failed(nightly: DAG) -> None:
    assert nightly.get_task("transform.load").trigger_rule == "all_done"


def test_nightly_run_fails_when_a_site_or_publish_failed(nightly: DAG) -> None:
    run_complete = nightly.get_task("run_complete")
    assert run_complete.trigger_rule == "all_success"
    assert {task.task_id for task in nightly.leaves} == {"release.report", "run_complete"}


def test_every_nightly_task_that_opens_the_warehouse_is_in_the_one_slot_pool(nightly: DAG) -> None:
    in_pool = {task.task_id for task in nightly.tasks if task.pool == "provnews_warehouse"}
    assert in_pool == WAREHOUSE_WRITERS


def test_every_reprocess_task_is_in_the_one_slot_pool(reprocess: DAG) -> None:
    assert {task.pool for task in reprocess.tasks} == {"provnews_warehouse"}


def test_nightly_crawl_retries_with_exponential_backoff(nightly: DAG) -> None:
    crawl = nightly.get_task("crawl.crawl_site")
    assert crawl.retries >= 1
    assert crawl.retry_exponential_backoff >= 2
    assert crawl.max_retry_delay >= crawl.retry_delay


def test_nightly_crawl_timeout_outlasts_scrapys_own_close(nightly: DAG) -> None:
    from provnews.settings import CLOSESPIDER_TIMEOUT

    crawl = nightly.get_task("crawl.crawl_site")
    assert crawl.execution_timeout > timedelta(seconds=CLOSESPIDER_TIMEOUT)


def test_nightly_runs_at_half_past_one_in_vietnam_one_run_at_a_time(nightly: DAG) -> None:
    assert nightly.timetable.expression == "30 1 * * *"
    assert str(nightly.timetable.timezone) == "Asia/Ho_Chi_Minh"
    assert nightly.catchup is False
    assert nightly.max_active_runs == 1


def test_publish_updates_an_asset_per_warehouse_table(nightly: DAG, reprocess: DAG) -> None:
    for dag in (nightly, reprocess):
        publish = next(task for task in dag.tasks if task.task_id.endswith("publish"))
        names = {asset.name for asset in publish.outlets}
        assert {"provnews.articles", "provnews.facts", "provnews.captions"} <= names
        assert all(asset.uri.startswith("duckdb:") for asset in publish.outlets)


def test_only_publish_has_outlets(nightly: DAG) -> None:
    with_outlets = {task.task_id for task in nightly.tasks if task.outlets}
    assert with_outlets == {"release.publish"}


def test_every_task_records_its_failures(nightly: DAG, reprocess: DAG) -> None:
    from provnews.operations.alerts import on_task_failure

    for dag in (nightly, reprocess):
        for task in dag.tasks:
            callbacks = task.on_failure_callback
            assert on_task_failure in (callbacks if isinstance(callbacks, list) else [callbacks])


def test_every_dag_and_task_is_documented(nightly: DAG, reprocess: DAG) -> None:
    for dag in (nightly, reprocess):
        assert dag.doc_md and dag.dag_id in dag.doc_md
        undocumented = [task.task_id for task in dag.tasks if not task.doc_md]
        assert undocumented == []


def test_reprocess_is_manual_and_chains_parse_to_publish(reprocess: DAG) -> None:
    assert type(reprocess.timetable).__name__ == "NullTimetable"
    upstream = {task.task_id: task.upstream_task_ids for task in reprocess.tasks}
    assert upstream == {
        "parse": set(),
        "dedup": {"parse"},
        "facts": {"dedup"},
        "checks": {"facts"},
        "publish": {"checks"},
    }


def test_reprocess_params_default_to_every_stage_of_every_site(reprocess: DAG) -> None:
    params = reprocess.params.dump()
    assert params == {
        "from_date": None,
        "to_date": None,
        "sites": [],
        "stages": ["parse", "dedup", "facts", "checks", "publish"],
    }


def test_reprocess_rejects_an_unknown_stage(reprocess: DAG) -> None:
    from airflow.sdk.exceptions import ParamValidationError

    params = copy.deepcopy(reprocess.params)
    with pytest.raises(ParamValidationError, match="crawl"):
        params["stages"] = ["crawl"]


def test_reprocess_stage_after_a_skipped_one_still_runs(reprocess: DAG) -> None:
    later = [task for task in reprocess.tasks if task.task_id != "parse"]
    assert {task.trigger_rule for task in later} == {"none_failed"}
