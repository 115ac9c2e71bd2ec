"""The Airflow DAGs: they import, their wiring matches the operations contract, and they run.

Structure tests read the DAGs through a DagBag. The end-to-end tests run `airflow dags test`
as a subprocess against the offline mirror with an Airflow home and data folder in tmp.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from tests.support import PROJECT_ROOT, free_port

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


def test_every_task_records_its_failed_and_retried_tries(nightly: DAG, reprocess: DAG) -> None:
    from provnews.operations.alerts import on_task_failure, on_task_retry

    def listed(callbacks: object) -> list[object]:
        return callbacks if isinstance(callbacks, list) else [callbacks]

    for dag in (nightly, reprocess):
        for task in dag.tasks:
            assert on_task_failure in listed(task.on_failure_callback), task.task_id
            assert on_task_retry in listed(task.on_retry_callback), task.task_id


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


# End to end: `airflow dags test` as a subprocess, three runs sharing one Airflow home and
# one data folder (Airflow's start-up dominates, so the runs build on each other):
#   1. provnews_nightly on the mirror: succeeds and publishes articles;
#   2. provnews_nightly with an extra site whose server is down: only that crawl fails,
#      the other sites load and publish, the failure is in task_failures, the run is failed;
#   3. provnews_reprocess for one site with a bad row planted: parse re-reads that site
#      only, the failing check stops publish.

OFFLINE_SITE = "mirror-offline"
# The reprocess run's outcome and, per site, the latest parsed_at before it ran.
Reprocessed = tuple[subprocess.CompletedProcess[str], dict[str, object]]


@dataclass(frozen=True)
class AirflowWorld:
    home: Path
    data: Path
    environment: dict[str, str]

    def airflow(self, *arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(Path(sys.executable).parent / "airflow"), *arguments],
            env={**self.environment, **extra},
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )

    def last_run(self, dag_id: str) -> tuple[str, dict[str, str]]:
        """(state of the DAG's latest run, {task label: state}) from Airflow's metadata database."""
        with sqlite3.connect(self.home / "airflow.db") as metadata:
            run_id, state = metadata.execute(
                "SELECT run_id, state FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1", [dag_id]
            ).fetchone()
            tasks = metadata.execute(
                """
                SELECT task_id, coalesce(rendered_map_index, CAST(map_index AS TEXT)), map_index, state
                FROM task_instance WHERE dag_id = ? AND run_id = ?
                """,
                [dag_id, run_id],
            ).fetchall()
        return state, {
            task_id if map_index < 0 else f"{task_id}[{label}]": task_state
            for task_id, label, map_index, task_state in tasks
        }

    def published(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.data / "published" / "warehouse.duckdb"), read_only=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowWorld]:
    from mirror.server import MirrorServer

    root = tmp_path_factory.mktemp("airflow_run")
    mirror = MirrorServer(port=free_port()).start()
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "PROVNEWS_"))
    }
    environment = {
        **inherited,
        "AIRFLOW_HOME": str(root / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PYTHONPATH": str(PROJECT_ROOT),
        "PROVNEWS_DATA": str(root / "data"),
        "PROVNEWS_MIRROR_PORT": str(mirror.port),
        # One quick retry: the retry path runs, the test does not wait minutes for it.
        "PROVNEWS_CRAWL_RETRIES": "1",
        "PROVNEWS_CRAWL_RETRY_DELAY": "1",
    }
    world = AirflowWorld(home=root / "airflow", data=root / "data", environment=environment)
    for arguments in (
        ("db", "migrate"),
        ("pools", "set", "provnews_warehouse", "1", "DuckDB writers, one at a time"),
    ):
        result = world.airflow(*arguments)
        assert result.returncode == 0, result.stderr[-3000:]
    yield world
    mirror.stop()


@pytest.fixture(scope="module")
def healthy_night(world: AirflowWorld) -> subprocess.CompletedProcess[str]:
    return world.airflow("dags", "test", "provnews_nightly")


@pytest.fixture(scope="module")
def night_with_a_site_down(
    world: AirflowWorld, healthy_night: subprocess.CompletedProcess[str], tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess[str]:
    sites = tmp_path_factory.mktemp("sites")
    for site_file in (PROJECT_ROOT / "scrapers" / "sites").glob("*.yaml"):
        shutil.copy(site_file, sites / site_file.name)
    (sites / f"{OFFLINE_SITE}.yaml").write_text(
        f"""
name: {OFFLINE_SITE}
province: Quảng Ninh
base_url: http://127.0.0.1:{free_port()}/{OFFLINE_SITE}
mirror: true
discover: {{categories: [/tin-tuc]}}
article_url: '-\\d+\\.html$'
""",
        encoding="utf-8",
    )
    return world.airflow("dags", "test", "provnews_nightly", PROVNEWS_SITES=str(sites))


@pytest.fixture(scope="module")
def reprocess_with_a_bad_row(
    world: AirflowWorld, night_with_a_site_down: subprocess.CompletedProcess[str]
) -> Reprocessed:
    with duckdb.connect(str(world.data / "warehouse.duckdb")) as warehouse:
        warehouse.execute(
            """
            UPDATE articles SET published_at = now() + INTERVAL 30 DAY
            WHERE article_id = (SELECT min(article_id) FROM articles WHERE site = 'mirror-tuoitrethudo')
            """
        )
        parsed_before = dict(
            warehouse.execute("SELECT site, max(parsed_at) FROM articles GROUP BY site").fetchall()
        )
    conf = {"sites": ["mirror-baoquangninh"], "stages": ["parse", "dedup", "facts", "checks", "publish"]}
    result = world.airflow("dags", "test", "provnews_reprocess", "--conf", json.dumps(conf))
    return result, parsed_before


@pytest.mark.slow
def test_nightly_run_on_the_mirror_succeeds(
    world: AirflowWorld, healthy_night: subprocess.CompletedProcess[str]
) -> None:
    assert healthy_night.returncode == 0, healthy_night.stdout[-3000:] + healthy_night.stderr[-3000:]
    state, tasks = world.last_run("provnews_nightly")
    assert state == "success"
    assert set(tasks.values()) == {"success"}
    assert {"crawl.crawl_site[mirror-baoquangninh]", "crawl.crawl_site[mirror-tuoitrethudo]"} <= set(tasks)


@pytest.mark.slow
def test_nightly_run_publishes_articles_of_every_mirror_site(
    world: AirflowWorld, healthy_night: subprocess.CompletedProcess[str]
) -> None:
    with world.published() as published:
        per_site = dict(published.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
    assert set(per_site) == {"mirror-baoquangninh", "mirror-quangninh-gov", "mirror-tuoitrethudo"}
    assert min(per_site.values()) > 0


@pytest.mark.slow
def test_a_site_that_is_down_fails_only_its_own_crawl(
    world: AirflowWorld, night_with_a_site_down: subprocess.CompletedProcess[str]
) -> None:
    state, tasks = world.last_run("provnews_nightly")
    not_successful = {task: task_state for task, task_state in tasks.items() if task_state != "success"}
    assert state == "failed"
    assert not_successful == {
        f"crawl.crawl_site[{OFFLINE_SITE}]": "failed",
        "run_complete": "upstream_failed",
    }


@pytest.mark.slow
def test_other_sites_still_load_and_publish_when_one_is_down(
    world: AirflowWorld, night_with_a_site_down: subprocess.CompletedProcess[str]
) -> None:
    with world.published() as published:
        runs = dict(
            published.execute(
                "SELECT site, count(*) FROM crawl_runs WHERE status <> 'failed' GROUP BY site"
            ).fetchall()
        )
        offline = published.execute(
            "SELECT count(*) FROM crawl_runs WHERE site = ? AND status = 'failed'", [OFFLINE_SITE]
        ).fetchone()[0]
    # Two nights: each healthy site has both runs published; the offline one tried twice.
    assert runs == {"mirror-baoquangninh": 2, "mirror-quangninh-gov": 2, "mirror-tuoitrethudo": 2}
    assert offline == 2


@pytest.mark.slow
def test_failed_crawl_tries_are_recorded_in_the_warehouse(
    world: AirflowWorld, night_with_a_site_down: subprocess.CompletedProcess[str]
) -> None:
    with world.published() as published:
        failures = published.execute(
            "SELECT task_id, try_number, error, log_url FROM task_failures ORDER BY try_number"
        ).fetchall()
    assert [(task_id, try_number) for task_id, try_number, _, _ in failures] == [
        ("crawl.crawl_site", 1),
        ("crawl.crawl_site", 2),
    ]
    assert all(OFFLINE_SITE in error and "CrawlFailed" in error for _, _, error, _ in failures)
    assert all("/dags/provnews_nightly/runs/" in log_url for _, _, _, log_url in failures)


@pytest.mark.slow
def test_reprocess_parses_only_the_chosen_site(
    world: AirflowWorld, reprocess_with_a_bad_row: Reprocessed
) -> None:
    _, parsed_before = reprocess_with_a_bad_row
    _, tasks = world.last_run("provnews_reprocess")
    with duckdb.connect(str(world.data / "warehouse.duckdb"), read_only=True) as warehouse:
        parsed_after = dict(
            warehouse.execute("SELECT site, max(parsed_at) FROM articles GROUP BY site").fetchall()
        )
    assert tasks["parse"] == "success"
    changed = {site for site in parsed_after if parsed_after[site] != parsed_before.get(site)}
    assert changed == {"mirror-baoquangninh"}


@pytest.mark.slow
def test_a_failing_check_holds_back_its_rows_and_publishes_the_rest(
    world: AirflowWorld, reprocess_with_a_bad_row: Reprocessed
) -> None:
    result, _ = reprocess_with_a_bad_row
    state, tasks = world.last_run("provnews_reprocess")
    with world.published() as published:
        future = published.execute(
            "SELECT count(*) FROM articles WHERE published_at > now() + INTERVAL 1 DAY"
        ).fetchone()[0]
        held = published.execute("SELECT check_name, row_kind, site FROM held_back").fetchall()
        others = published.execute("SELECT count(*) FROM articles WHERE site = 'mirror-tuoitrethudo'").fetchone()[0]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert state == "success"
    assert (tasks["checks"], tasks["publish"]) == ("success", "success")
    assert future == 0
    assert held == [("published_in_future", "article", "mirror-tuoitrethudo")]
    assert others > 0
