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

from scrapers.site import load_sites
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
        "night_is_due": set(),
        "crawl.sites_to_crawl": {"night_is_due"},
        "crawl.crawl_site": {"crawl.sites_to_crawl"},
        "crawl.crawls_complete": {"crawl.crawl_site"},
        "transform.load": {"crawl.crawl_site"},
        "transform.parse": {"transform.load"},
        "transform.dedup": {"transform.parse"},
        "transform.facts": {"transform.dedup"},
        "release.checks": {"transform.facts"},
        "release.publish": {"release.checks"},
        "release.report": {"release.publish"},
        "run_complete": {"crawl.crawl_site", "crawl.crawls_complete", "release.publish"},
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
    # A publish with nothing to publish is skipped, and that is a good night.
    assert run_complete.trigger_rule == "none_failed"
    assert {task.task_id for task in nightly.leaves} == {"release.report", "run_complete"}


def test_a_partial_crawl_is_checked_even_after_a_failed_one(nightly: DAG) -> None:
    assert nightly.get_task("crawl.crawls_complete").trigger_rule == "all_done"


def test_every_task_holding_the_warehouse_pool_has_a_timeout(nightly: DAG, reprocess: DAG) -> None:
    for dag in (nightly, reprocess):
        in_pool = [task for task in dag.tasks if task.pool == "provnews_warehouse"]
        assert in_pool and all(task.execution_timeout for task in in_pool), dag.dag_id


def test_nightly_run_has_a_timeout_a_deadline_and_one_alert_per_failed_run(nightly: DAG, reprocess: DAG) -> None:
    from provnews.operations.alerts import on_deadline_missed, on_run_failure

    assert nightly.dagrun_timeout is not None
    (deadline,) = nightly.deadline
    # 07:00 in Vietnam by default, 5 h 30 min after the 01:30 start.
    assert deadline.interval == timedelta(hours=5, minutes=30)
    assert deadline.callback.path == f"{on_deadline_missed.__module__}.{on_deadline_missed.__name__}"
    assert "07:00" in deadline.name and "Asia/Ho_Chi_Minh" in deadline.name
    for dag in (nightly, reprocess):
        callbacks = dag.on_failure_callback if isinstance(dag.on_failure_callback, list) else [dag.on_failure_callback]
        assert on_run_failure in callbacks


def test_nightly_dag_serializes_as_the_dag_processor_stores_it(nightly: DAG) -> None:
    from airflow.serialization.serialized_objects import DagSerialization

    serialized = DagSerialization.to_dict(nightly)
    assert DagSerialization.from_dict(serialized).dag_id == "provnews_nightly"


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
        "report": {"publish"},
    }


def test_reprocess_form_offers_sites_and_stages_as_choices_in_words(reprocess: DAG) -> None:
    from scrapers.site import load_sites

    params = {name: reprocess.params.get_param(name) for name in reprocess.params}
    sites, stages = params["sites"].schema, params["stages"].schema
    # An array with examples is a multi-select in the trigger form.
    assert sites["examples"] == sorted(load_sites()) == sites["items"]["enum"]
    assert stages["examples"] == ["parse", "dedup", "facts", "checks", "publish"]
    assert set(stages["values_display"]) == set(stages["examples"])
    # Not required: the form sends null when no site is chosen.
    assert "minItems" not in sites and "null" in sites["type"]
    for param in params.values():
        assert param.schema["title"] and param.description
    assert "Vietnam" in params["from_date"].schema["title"] and "Asia/Ho_Chi_Minh" in params["from_date"].description


def test_reprocess_rejects_an_unknown_site(reprocess: DAG) -> None:
    from airflow.sdk.exceptions import ParamValidationError

    params = copy.deepcopy(reprocess.params)
    with pytest.raises(ParamValidationError, match="no-such-site"):
        params["sites"] = ["no-such-site"]


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
#      only, the failing check stops publish;
#   4. provnews_reprocess over a day with no landed page: fails in parse, touches nothing after;
#   5. provnews_reprocess of publish alone on an unchanged warehouse: skipped, no asset event.

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

    def asset_events(self) -> list[tuple[str, str, dict]]:
        """(asset name, DAG run id, extra) of every asset event, oldest first."""
        with sqlite3.connect(self.home / "airflow.db") as metadata:
            rows = metadata.execute(
                """
                SELECT asset.name, asset_event.source_run_id, asset_event.extra
                FROM asset_event JOIN asset ON asset.id = asset_event.asset_id ORDER BY asset_event.id
                """
            ).fetchall()
        return [(name, run_id, json.loads(extra or "{}")) for name, run_id, extra in rows]

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
        # `airflow dags test` cannot end a successful run of a DAG with a deadline (Airflow
        # 3.3.2); the deadline is tested on the DAG here and in the UI test with a scheduler.
        "PROVNEWS_NIGHTLY_DEADLINE": "",
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
        # Stamped as the parse that stored it would: checks read the rows parsed since their last night.
        warehouse.execute(
            """
            UPDATE articles SET published_at = now() + INTERVAL 30 DAY, parsed_at = now()
            WHERE article_id = (SELECT min(article_id) FROM articles WHERE site = 'mirror-tuoitrethudo')
            """
        )
        parsed_before = dict(
            warehouse.execute("SELECT site, max(parsed_at) FROM articles GROUP BY site").fetchall()
        )
    conf = {"sites": ["mirror-baoquangninh"], "stages": ["parse", "dedup", "facts", "checks", "publish"]}
    result = world.airflow("dags", "test", "provnews_reprocess", "--conf", json.dumps(conf))
    return result, parsed_before


@pytest.fixture(scope="module")
def reprocess_of_an_empty_day(
    world: AirflowWorld, reprocess_with_a_bad_row: Reprocessed
) -> tuple[subprocess.CompletedProcess[str], str, dict[str, str]]:
    with duckdb.connect(str(world.data / "warehouse.duckdb")) as warehouse:
        # Undo the planted row, so that only the empty scope can fail this run.
        warehouse.execute("UPDATE articles SET published_at = NULL WHERE published_at > now() + INTERVAL 1 DAY")
    conf = {"sites": ["mirror-tuoitrethudo"], "from_date": "2020-01-01", "to_date": "2020-01-02"}
    result = world.airflow("dags", "test", "provnews_reprocess", "--conf", json.dumps(conf))
    state, tasks = world.last_run("provnews_reprocess")
    return result, state, tasks


@pytest.fixture(scope="module")
def publish_with_nothing_changed(
    world: AirflowWorld, reprocess_of_an_empty_day: tuple
) -> tuple[int, str, dict[str, str], int]:
    # Bring the published file up to date, then publish again: the second finds nothing to do.
    first = world.airflow("dags", "test", "provnews_reprocess", "--conf", json.dumps({"stages": ["publish"]}))
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    events_before = len(world.asset_events())
    result = world.airflow("dags", "test", "provnews_reprocess", "--conf", json.dumps({"stages": ["publish"]}))
    state, tasks = world.last_run("provnews_reprocess")
    return result.returncode, state, tasks, events_before


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
def test_nightly_publish_sends_asset_events_with_counts(
    world: AirflowWorld, healthy_night: subprocess.CompletedProcess[str]
) -> None:
    events = [event for event in world.asset_events() if event[0] == "provnews.articles"]
    assert len(events) == 1
    _, _, extra = events[0]
    assert extra["articles_new"] > 0 and extra["facts"] > 0 and extra["sites"] >= 3


@pytest.mark.slow
def test_nightly_writes_the_runs_report_for_the_ui(
    world: AirflowWorld, healthy_night: subprocess.CompletedProcess[str]
) -> None:
    reports = list((world.data / "reports" / "runs" / "provnews_nightly").glob("*.html"))
    assert len(reports) == 1
    assert "provnews report" in reports[0].read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_stages_redo_the_pages_of_a_nights_crawl_runs(
    world: AirflowWorld, healthy_night: subprocess.CompletedProcess[str]
) -> None:
    # What a cleared parse, dedup or facts task does on its next try (provnews_nightly.redo_runs).
    with duckdb.connect(str(world.data / "warehouse.duckdb"), read_only=True) as warehouse:
        run_ids, articles = warehouse.execute(
            """
            SELECT list(DISTINCT pages.run_id), count(*) FROM articles JOIN pages USING (page_id)
            WHERE pages.site = 'mirror-tuoitrethudo'
            """
        ).fetchone()
    script = (
        "import json, sys; from provnews import stages; runs = json.loads(sys.argv[1]); "
        "print(json.dumps([stages.parse(run_ids=runs, reparse=True), stages.dedup(redo_runs=runs), "
        "stages.facts(redo_runs=runs)]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(run_ids)],
        env=world.environment,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    parsed, deduped, extracted = json.loads(result.stdout.splitlines()[-1])
    assert parsed["articles"] == articles > 0
    assert extracted["articles"] == articles
    assert deduped["seconds"] >= 0


@pytest.mark.slow
def test_nightly_run_publishes_articles_of_every_mirror_site(
    world: AirflowWorld, healthy_night: subprocess.CompletedProcess[str]
) -> None:
    with world.published() as published:
        per_site = dict(published.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
    nightly = {name for name, site in load_sites().items() if site.mirror and site.nightly}
    assert set(per_site) == nightly and len(nightly) >= 8
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
    nightly = {name for name, site in load_sites().items() if site.mirror and site.nightly}
    assert runs == {name: 2 for name in nightly}
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


@pytest.mark.slow
def test_reprocess_over_a_day_without_pages_fails_before_facts_and_publish(
    world: AirflowWorld, reprocess_of_an_empty_day: tuple
) -> None:
    result, state, tasks = reprocess_of_an_empty_day
    assert result.returncode != 0
    assert state == "failed"
    assert tasks["parse"] == "failed"
    assert {tasks[name] for name in ("dedup", "facts", "checks", "publish")} == {"upstream_failed"}
    output = result.stdout + result.stderr
    assert "no landed article page of mirror-tuoitrethudo was fetched from 2020-01-01 to 2020-01-02" in output
    assert "were landed on" in output


@pytest.mark.slow
def test_publish_with_nothing_to_publish_is_skipped_and_sends_no_asset_event(
    world: AirflowWorld, publish_with_nothing_changed: tuple
) -> None:
    returncode, state, tasks, events_before = publish_with_nothing_changed
    assert returncode == 0
    assert state == "success"
    # The checks before publish record what they hold back, which can change the tables again:
    # then publish runs and its events carry counts; when nothing changed it is skipped, silent.
    events = world.asset_events()[events_before:]
    if tasks["publish"] == "skipped":
        assert events == []
    else:
        assert tasks["publish"] == "success" and events
        assert all("articles_new" in extra and "tables_changed" in extra for _, _, extra in events)
