"""A stage killed with SIGKILL half-way loses nothing: run again, the warehouse equals a clean run.

The landing files come from a real crawl of the offline mirror, copied under new run ids so
the stages have enough work to be caught mid-way. A reference warehouse is built from the
same landing files without a crash (PROVNEWS_WAREHOUSE points each at its own file, so
pages.landing_file is the same in both) and compared table by table with the one that was
killed and re-run. The other tests here show the landing contract: a run is loaded only
once its manifest has been renamed into place, so a half-written landing file never is.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as compute
import pyarrow.parquet as parquet
import pytest

from mirror.content import load_articles
from mirror.server import MirrorServer
from scrapers.landing import LANDING_SCHEMA, PageWriter, RunManifest, run_paths, write_manifest, write_pages
from tests.support import PROJECT_ROOT, free_port, provnews_environment
from tests.test_reliability_idempotency import Fingerprint, run_stage, warehouse_fingerprint

SITES = ("mirror-baoquangninh", "mirror-quangninh-gov", "mirror-tuoitrethudo")
# Later nights whose articles sit at new URLs: about a thousand pages for parse, which
# commits them in batches, so a kill can land after the first batch and before the last.
NEW_URL_NIGHTS = 20
# Earlier nights of the same URLs: parse only reads a URL's latest page, so these add work
# to load (one transaction over every run) and nothing to parse.
EARLIER_NIGHTS = 40
# Load reads each run's pages file inside its one transaction; once it has opened this many,
# it is well inside it and far from its end.
RUNS_READ_BEFORE_KILL = 20
# Opening the warehouse logs a few hundred bytes; a parse batch of 500 articles logs
# megabytes. A log this much larger means a batch's commit is being written or is done.
COMMITTING_LOG_BYTES = 256 * 1024
# Writing a batch's commit takes milliseconds, parsing the next batch seconds: a log that
# has stopped growing this long means the commit is complete and the next batch is under way.
COMMIT_SETTLED_SECONDS = 0.5
# Dedup is one transaction; facts is one per 1000 articles, and there are fewer here: each is
# killed at these fractions of its clean run's time, to land inside that one transaction,
# and once more at its first write.
KILL_FRACTIONS = (0.6, 0.75, 0.9)


@dataclass
class Night:
    data: Path
    environment: dict[str, str]
    reference: Fingerprint
    seconds: dict[str, float]  # a clean run of each stage, start to exit


@dataclass
class StageKills:
    """A stage killed at several moments, then run to its end."""

    before: Fingerprint
    after: Fingerprint
    after_each_kill: list[Fingerprint]


@dataclass
class CrashedWarehouse:
    path: Path
    environment: dict[str, str]
    after_killed_load: dict[str, int]
    after_killed_parse: dict[str, int]
    kills: dict[str, StageKills]


def crawl_mirror(environment: dict[str, str]) -> None:
    crawls = [
        subprocess.Popen(
            [sys.executable, "-m", "provnews.cli", "crawl", site],
            env=environment,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for site in SITES
    ]
    for crawl in crawls:
        _, errors = crawl.communicate(timeout=600)
        assert crawl.returncode == 0, errors[-3000:]


def copy_run(manifest_path: Path, night: int, shift: timedelta, new_urls: bool) -> None:
    """Land a copy of a complete run as another night's run, through the landing writers."""
    run = RunManifest.from_json(manifest_path.read_text(encoding="utf-8"))
    pages = parquet.read_table(manifest_path.with_suffix(".parquet"))
    run_id = f"{run.run_id}-{night:03d}"
    columns = {name: pages[name] for name in pages.column_names}
    columns["run_id"] = pa.array([run_id] * pages.num_rows, pa.string())
    columns["fetched_at"] = compute.add(pages["fetched_at"], pa.scalar(shift, pa.duration("us")))
    if new_urls:
        for name in ("url", "final_url"):
            columns[name] = compute.replace_substring(
                pages[name], f"/{run.site}/", f"/{run.site}/night-{night}/", max_replacements=1
            )
    write_pages(manifest_path.with_name(f"{run_id}.parquet"), pa.table(columns))
    run.run_id = run_id
    run.started_at += shift
    run.finished_at = run.finished_at + shift if run.finished_at else None
    write_manifest(manifest_path.with_name(f"{run_id}.json"), run)


def multiply_runs(landing: Path) -> None:
    for manifest in sorted(landing.glob("*/*/*.json")):
        for night in range(1, NEW_URL_NIGHTS + 1):
            copy_run(manifest, night, timedelta(hours=night), new_urls=True)
        for night in range(1, EARLIER_NIGHTS + 1):
            copy_run(manifest, NEW_URL_NIGHTS + night, -timedelta(days=night), new_urls=False)


def counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("crawl_runs", "pages", "articles", "captions")
        }


def kill_when(arguments: list[str], environment: dict[str, str], ready: Callable[[int], bool]) -> bool:
    """Start a stage and SIGKILL it as soon as ready(its pid) holds; False if it ended first."""
    stage = subprocess.Popen(
        [sys.executable, "-m", "provnews.cli", *arguments],
        env=environment,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while stage.poll() is None and not ready(stage.pid):
            time.sleep(0.005)
        # A stage that has just ended is not signalled: its exit code tells.
        children = child_pids(stage.pid)
        stage.send_signal(signal.SIGKILL)
        returncode = stage.wait(timeout=30)
        # The stage's own processes (parse's chunks) die with it, leaving no writer behind.
        assert wait_for_exit(children, timeout=5), f"provnews {' '.join(arguments)} left {children} running"
    finally:
        if stage.poll() is None:
            stage.kill()
            stage.wait()
    assert returncode in (0, -signal.SIGKILL), f"provnews {' '.join(arguments)} failed with {returncode}"
    return returncode == -signal.SIGKILL


def child_pids(pid: int) -> set[int]:
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children.update(int(child) for child in (task / "children").read_text().split())
        except FileNotFoundError:
            continue
    return children


def wait_for_exit(pids: set[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.01)
    return False


def after_seconds(seconds: float) -> Callable[[int], bool]:
    started = time.monotonic()
    return lambda pid: time.monotonic() - started > seconds


def open_landing_files(pid: int) -> set[str]:
    """Landing pages files the process has open right now."""
    found: set[str] = set()
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except FileNotFoundError:
        return found
    for descriptor in descriptors:
        try:
            target = os.readlink(descriptor)
        except FileNotFoundError:
            continue
        if target.endswith(".parquet") and "/landing/" in target:
            found.add(target)
    return found


def after_reading_runs(count: int) -> Callable[[int], bool]:
    """Holds once the process has opened the pages files of this many runs."""
    seen: set[str] = set()

    def ready(pid: int) -> bool:
        seen.update(open_landing_files(pid))
        return len(seen) >= count

    return ready


def log_size(warehouse: Path) -> int:
    log = warehouse.with_name(warehouse.name + ".wal")
    return log.stat().st_size if log.exists() else 0


def after_a_commit(warehouse: Path) -> Callable[[int], bool]:
    """Holds once a batch's commit is complete in the warehouse's log and the log stays still."""
    last_size = log_size(warehouse)
    last_change = time.monotonic()

    def ready(pid: int) -> bool:
        nonlocal last_size, last_change
        size = log_size(warehouse)
        if size != last_size:
            last_size, last_change = size, time.monotonic()
        return size > COMMITTING_LOG_BYTES and time.monotonic() - last_change > COMMIT_SETTLED_SECONDS

    return ready


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Night:
    data = tmp_path_factory.mktemp("data")
    with MirrorServer() as mirror:
        environment = provnews_environment(data, mirror.port)
        crawl_mirror(environment)
    multiply_runs(data / "landing")
    reference = {**environment, "PROVNEWS_WAREHOUSE": str(data / "reference.duckdb")}
    seconds = {}
    for stage in ("load", "parse", "dedup", "facts"):
        started = time.monotonic()
        run_stage([stage], reference)
        seconds[stage] = time.monotonic() - started
    return Night(data, environment, warehouse_fingerprint(data / "reference.duckdb"), seconds)


@pytest.fixture(scope="module")
def crashed(night: Night) -> CrashedWarehouse:
    path = night.data / "crashed.duckdb"
    environment = {**night.environment, "PROVNEWS_WAREHOUSE": str(path)}
    assert kill_when(["load"], environment, after_reading_runs(RUNS_READ_BEFORE_KILL)), "load ended first"
    after_killed_load = counts(path)
    run_stage(["load"], environment)
    assert kill_when(["parse"], environment, after_a_commit(path)), "parse ended first"
    after_killed_parse = counts(path)
    run_stage(["parse"], environment)
    kills = {stage: kill_repeatedly(stage, environment, path, night.seconds[stage]) for stage in ("dedup", "facts")}
    return CrashedWarehouse(path, environment, after_killed_load, after_killed_parse, kills)


def kill_repeatedly(stage: str, environment: dict[str, str], path: Path, clean_seconds: float) -> StageKills:
    """Kill the stage at several moments, each time from the same starting file, then let it finish."""
    before = warehouse_fingerprint(path)
    # A clean exit leaves no log beside the file, so a copy of the file is the whole warehouse.
    starting_file = path.with_name(f"before-{stage}.duckdb")
    shutil.copyfile(path, starting_file)
    # Start-up (imports, opening the warehouse) takes the first part of a clean run's time;
    # the first write is where a stage without its transaction would leave half its work.
    moments = [partial(after_seconds, clean_seconds * fraction) for fraction in KILL_FRACTIONS]
    moments.append(partial(after_first_write, path))
    after_each_kill = []
    for moment in moments:
        restore(starting_file, path)
        if kill_when([stage], environment, moment()):
            after_each_kill.append(warehouse_fingerprint(path))
    restore(starting_file, path)
    run_stage([stage], environment)
    return StageKills(before, warehouse_fingerprint(path), after_each_kill)


def restore(starting_file: Path, path: Path) -> None:
    shutil.copyfile(starting_file, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def after_first_write(warehouse: Path) -> Callable[[int], bool]:
    """Holds once the warehouse's log or its file changes: large inserts go straight to the file."""
    unchanged = warehouse.stat()

    def ready(pid: int) -> bool:
        now = warehouse.stat()
        return log_size(warehouse) > 0 or (now.st_size, now.st_mtime_ns) != (unchanged.st_size, unchanged.st_mtime_ns)

    return ready


@pytest.mark.slow
def test_killed_load_leaves_no_run_and_no_page_behind(crashed: CrashedWarehouse) -> None:
    assert crashed.after_killed_load["crawl_runs"] == 0
    assert crashed.after_killed_load["pages"] == 0


@pytest.mark.slow
def test_killed_parse_was_caught_between_its_first_and_last_batch(
    night: Night, crashed: CrashedWarehouse
) -> None:
    # Guards the next test's meaning: the kill must have left a partly parsed warehouse.
    assert 0 < crashed.after_killed_parse["articles"] < night.reference["articles"][0]


@pytest.mark.slow
def test_killed_load_and_parse_run_again_equal_a_clean_run(night: Night, crashed: CrashedWarehouse) -> None:
    assert warehouse_fingerprint(crashed.path) == night.reference


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["dedup", "facts"])
def test_killed_one_transaction_stage_leaves_the_warehouse_as_before_or_after_it(
    crashed: CrashedWarehouse, stage: str
) -> None:
    kills = crashed.kills[stage]
    # At least one kill must have left the stage's work undone, or nothing was shown.
    assert kills.before in kills.after_each_kill
    assert kills.before != kills.after
    assert all(state in (kills.before, kills.after) for state in kills.after_each_kill)


@pytest.mark.slow
def test_killed_reparse_run_again_equals_a_clean_run(night: Night, crashed: CrashedWarehouse) -> None:
    before = log_size(crashed.path)
    killed = kill_when(
        ["parse", "--reparse"], crashed.environment, lambda pid: log_size(crashed.path) > before + COMMITTING_LOG_BYTES
    )
    assert killed, "parse --reparse ended first"
    for arguments in (["parse", "--reparse"], ["dedup"], ["facts"]):
        run_stage(arguments, crashed.environment)
    assert warehouse_fingerprint(crashed.path) == night.reference


DAY = datetime(2026, 1, 15, 1, 0, tzinfo=timezone.utc)
LANDING_SITE = "mirror-baoquangninh"


def page_rows(run_id: str, urls: list[str]) -> list[dict]:
    return [
        {
            "run_id": run_id, "site": LANDING_SITE, "url": url, "final_url": url,
            "page_kind": "article", "http_status": 200, "fetched_at": DAY,
            "content_type": "text/html; charset=utf-8",
            "body": b"<html><body><h1>Tin</h1><p>Bai viet.</p></body></html>",
            "content_sha256": f"{index:064x}", "content_length": 52, "etag": None,
            "last_modified": None, "error": None,
        }
        for index, url in enumerate(urls)
    ]


def manifest_of(run_id: str) -> RunManifest:
    return RunManifest(
        run_id=run_id, site=LANDING_SITE, started_at=DAY, finished_at=DAY + timedelta(minutes=1),
        finish_reason="finished", status="success",
    )


def urls_of(run: str) -> list[str]:
    return [f"https://baoquangninh.vn/{run}-{number}.html" for number in range(3)]


def land_complete_run(landing: Path, run_id: str) -> None:
    pages_path, manifest_path = run_paths(landing, LANDING_SITE, run_id, DAY.date().isoformat())
    write_pages(pages_path, pa.Table.from_pylist(page_rows(run_id, urls_of(run_id)), schema=LANDING_SCHEMA))
    write_manifest(manifest_path, manifest_of(run_id))


def load_and_list(data: Path) -> tuple[set[str], set[str], set[str]]:
    """Run `provnews load`; returns the loaded run ids, page URLs and landing files."""
    run_stage(["load"], provnews_environment(data, free_port()))
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
        runs = {row[0] for row in connection.execute("SELECT run_id FROM crawl_runs").fetchall()}
        urls = {row[0] for row in connection.execute("SELECT url FROM pages").fetchall()}
        files = {row[0] for row in connection.execute("SELECT DISTINCT landing_file FROM pages").fetchall()}
    return runs, urls, files


def test_load_ignores_a_run_whose_pages_are_still_being_written(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    land_complete_run(landing, "done-1")
    pages_path, _ = run_paths(landing, LANDING_SITE, "writing-2", DAY.date().isoformat())
    # A crawler in the middle of its run: rows flushed into the temporary file, no footer yet.
    writer = PageWriter(pages_path, batch_rows=1)
    for row in page_rows("writing-2", urls_of("writing-2")):
        writer.write(row)
    assert writer.temporary.exists() and not pages_path.exists()
    runs, urls, files = load_and_list(tmp_path)
    assert runs == {"done-1"}
    assert urls == set(urls_of("done-1"))
    assert not any(".tmp-" in file for file in files)


def test_load_ignores_temporary_pages_and_manifest_left_by_a_killed_crawler(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    land_complete_run(landing, "done-1")
    pages_path, manifest_path = run_paths(landing, LANDING_SITE, "killed-2", DAY.date().isoformat())
    # Killed between writing its files and renaming them: both are complete, neither is in place.
    table = pa.Table.from_pylist(page_rows("killed-2", urls_of("killed-2")), schema=LANDING_SCHEMA)
    parquet.write_table(table, pages_path.with_name(f".{pages_path.name}.tmp-123"))
    manifest_path.with_name(f".{manifest_path.name}.tmp-123").write_text(
        manifest_of("killed-2").to_json(), encoding="utf-8"
    )
    runs, urls, _ = load_and_list(tmp_path)
    assert runs == {"done-1"}
    assert urls == set(urls_of("done-1"))


def test_load_ignores_pages_whose_manifest_has_not_landed(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    land_complete_run(landing, "done-1")
    pages_path, _ = run_paths(landing, LANDING_SITE, "unfinished-2", DAY.date().isoformat())
    write_pages(pages_path, pa.Table.from_pylist(page_rows("unfinished-2", urls_of("unfinished-2")), schema=LANDING_SCHEMA))
    runs, urls, _ = load_and_list(tmp_path)
    assert runs == {"done-1"}
    assert urls == set(urls_of("done-1"))


def test_a_run_skipped_while_incomplete_is_loaded_once_its_manifest_lands(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    pages_path, manifest_path = run_paths(landing, LANDING_SITE, "late-1", DAY.date().isoformat())
    write_pages(pages_path, pa.Table.from_pylist(page_rows("late-1", urls_of("late-1")), schema=LANDING_SCHEMA))
    assert load_and_list(tmp_path)[0] == set()
    write_manifest(manifest_path, manifest_of("late-1"))
    runs, urls, _ = load_and_list(tmp_path)
    assert runs == {"late-1"}
    assert urls == set(urls_of("late-1"))


KILLED_CRAWL_SITE = "mirror-baoquangninh"


@dataclass
class KilledCrawl:
    data: Path
    leftovers: list[Path]
    runs_after_load: list[tuple[str, int]]
    articles_after_next_crawl: int


def crawl_log_lines(log: Path, marker: str) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count(marker) if log.exists() else 0


@pytest.fixture(scope="module")
def killed_crawl(tmp_path_factory: pytest.TempPathFactory) -> KilledCrawl:
    data = tmp_path_factory.mktemp("killed-crawl")
    with MirrorServer() as mirror:
        environment = provnews_environment(data, mirror.port)
        run_id = f"{KILLED_CRAWL_SITE}-killed"
        # Its own session, so that the crawl and its spider process die together, as on a
        # machine that loses power or a container that is killed.
        crawl = subprocess.Popen(
            [sys.executable, "-m", "provnews.cli", "crawl", KILLED_CRAWL_SITE, "--run-id", run_id],
            env=environment,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        log = data / "logs" / f"{run_id}.log"
        try:
            while crawl.poll() is None and crawl_log_lines(log, "Crawled (200)") < 3:
                time.sleep(0.005)
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait(timeout=30)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
                crawl.wait()
        leftovers = sorted((data / "landing").glob(f"*/*/*{run_id}*"))
        run_stage(["load"], environment)
        with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
            runs_after_load = connection.execute(
                "SELECT crawl_runs.run_id, count(pages.page_id) FROM crawl_runs LEFT JOIN pages USING (run_id) GROUP BY 1"
            ).fetchall()
        run_stage(["crawl", KILLED_CRAWL_SITE], environment)
    run_stage(["load"], environment)
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
        articles = connection.execute(
            "SELECT count(DISTINCT url) FROM pages WHERE page_kind = 'article' AND http_status = 200"
        ).fetchone()[0]
    return KilledCrawl(data, leftovers, runs_after_load, articles)


@pytest.mark.slow
def test_crawl_killed_mid_run_leaves_only_a_temporary_pages_file(killed_crawl: KilledCrawl) -> None:
    # Guards the next tests' meaning: the kill caught the crawl before its files were in place.
    assert [path.name.split(".tmp-")[0] for path in killed_crawl.leftovers] == [
        f".{KILLED_CRAWL_SITE}-killed.parquet"
    ]


@pytest.mark.slow
def test_load_after_a_killed_crawl_loads_nothing_of_it(killed_crawl: KilledCrawl) -> None:
    assert killed_crawl.runs_after_load == []


@pytest.mark.slow
def test_the_next_crawl_after_a_killed_one_lands_every_article(killed_crawl: KilledCrawl) -> None:
    expected = sum(1 for article in load_articles() if article.site == KILLED_CRAWL_SITE)
    assert killed_crawl.articles_after_next_crawl == expected
