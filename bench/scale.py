"""`python -m bench.scale` (`make bench-scale`): what an ordinary night costs as the corpus grows.

For each corpus size (20,000 and 100,000 articles by default) a working warehouse is built as a
first night (backfill) of that many synthetic 100 KB pages, landed in runs of 2,000 pages, then
taken through every stage; the built warehouse is kept in a cache folder and reused by later
runs. An ordinary night then lands 1,000 new pages on a copy of it and runs load, parse, dedup,
facts, check and publish, each as a process of its own, timing it and reading its resident-set
high-water mark (its own and its children's). The table goes to docs/benchmarks.md, between the
markers that `make bench` keeps, with the machine and the date.

A stage is stopped, and reported as such, when the machine's available memory falls under
MIN_AVAILABLE_GB or its processes together hold more than --stage-limit-gb: the machine is
shared, and a stage past the limit has missed its target anyway.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.pages import SITE, PageGenerator
from bench.pipeline import PROJECT_ROOT, landing_row
from warehouse.schema import latest_version

SIZES = (20_000, 100_000)
NIGHT_PAGES = 1_000
RUN_PAGES = 2_000  # pages per landing run while building a corpus, as a night of a large site
STAGES = ("load", "parse", "dedup", "facts", "check", "publish")
CACHE = Path(os.environ.get("PROVNEWS_BENCH_SCALE_CACHE", PROJECT_ROOT / "data" / "bench-scale"))
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
BEGIN_MARKER = "<!-- bench-scale: begin -->"
END_MARKER = "<!-- bench-scale: end -->"
# Built corpora carry this version and the schema's: a change to how they are built, or a new
# migration, makes the cache stale (delete the cache folder to rebuild for any other reason).
CORPUS_VERSION = 2
# Stories this many minutes apart: 101,000 of them, from 1 January 2025, are all in the past
# (at 37, the generator's default, pages after the 26,000th are dated in the future and fail
# the published_in_future check, so the night's checks would re-read every article).
MINUTES_APART = 9
MIN_AVAILABLE_GB = 6.0
STAGE_LIMIT_GB = 8.0
STAGE_TIMEOUT_SECONDS = 3600
POLL_SECONDS = 0.25
# Targets.
NIGHT_TARGET_SECONDS = 60.0
NIGHT_PEAK_TARGET_GB = 2.0
BACKFILL_PEAK_TARGET_GB = 4.0
GROWTH_TARGET = 2.0
FIRST_NIGHT = datetime(2026, 1, 1, 19, 0, tzinfo=timezone.utc)

# Runs one stage of provnews.stages in this process and prints its figures as the last line.
# The high-water mark is read inside: a process forked from the benchmark would count the
# benchmark's own pages before its exec. The parse stage's chunk processes are its children.
STAGE_WITH_PEAK = """
import json, resource, sys, time
from provnews import stages
stage = sys.argv[1]
started = time.perf_counter()
try:
    result, error = getattr(stages, stage)(), None
except stages.ChecksFailed as failed:
    result, error = None, str(failed)
seconds = time.perf_counter() - started
with open("/proc/self/status") as status:
    own = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
peak = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_kb": peak, "result": result, "error": error}, default=str))
"""


@dataclass(slots=True)
class StageFigure:
    """One stage of one night: wall seconds and peak resident memory, or why it was stopped."""

    stage: str
    seconds: float
    peak_gb: float
    stopped: str | None = None  # why the stage did not finish
    detail: dict = field(default_factory=dict)

    def cell(self) -> str:
        if self.stopped:
            return f"stopped after {self.seconds:.0f} s at {self.peak_gb:.1f} GB: {self.stopped}"
        failed = " (checks failed: every row is read again)" if self.detail.get("error") else ""
        return f"{self.seconds:.1f} s, {self.peak_gb:.2f} GB{failed}"


def available_gb() -> float:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024**2
    raise RuntimeError("no MemAvailable in /proc/meminfo")


def session_rss_gb(session: int) -> float:
    """Resident memory of every process in the session (a stage and the processes it started)."""
    total_pages = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command name: state, ppid, pgrp, session, ... rss is field 24 overall.
        if int(fields[3]) == session:
            total_pages += int(fields[21])
    return total_pages * os.sysconf("SC_PAGE_SIZE") / 1024**3


def run_stage(stage: str, data: Path, limit_gb: float) -> StageFigure:
    """Run one stage in a process of its own over the data folder, watching the machine's memory."""
    environment = {
        **os.environ,
        "PROVNEWS_DATA": str(data),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
    }
    for name in ("PROVNEWS_WAREHOUSE", "PROVNEWS_PUBLISHED"):
        environment.pop(name, None)
    # Output goes to files: a stage that logs more than a pipe holds would block on a pipe read
    # only at the end.
    logs = data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(logs / f"bench-{stage}.out", "w+", encoding="utf-8") as stdout, open(
        logs / f"bench-{stage}.err", "w+", encoding="utf-8"
    ) as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", STAGE_WITH_PEAK, stage],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=stdout,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )
        figure = _watch(process, stage, started, limit_gb)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read(), stderr.read()
    if figure.stopped:
        return figure
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        lines = [line for line in errors.strip().splitlines() if line.strip()]
        return StageFigure(stage, seconds, figure.peak_gb, f"failed: {lines[-1] if lines else 'no output'}")
    figures = json.loads(output.strip().splitlines()[-1])
    detail = figures["result"] if isinstance(figures["result"], dict) else {}
    if figures["error"]:
        detail = {"error": figures["error"]}
    # The stage's own clock leaves out interpreter start-up and imports, which every night pays once.
    return StageFigure(stage, figures["seconds"], max(figures["peak_kb"] / 1024**2, figure.peak_gb), None, detail)


def _watch(process: subprocess.Popen, stage: str, started: float, limit_gb: float) -> StageFigure:
    """Wait for the stage's process, stopping it if the machine runs short; its watched peak."""
    watched_peak = 0.0
    stopped = None
    while process.poll() is None:
        held = session_rss_gb(process.pid)
        watched_peak = max(watched_peak, held)
        if available_gb() < MIN_AVAILABLE_GB:
            stopped = f"the machine's available memory fell under {MIN_AVAILABLE_GB:g} GB"
        elif held > limit_gb:
            stopped = f"its processes held more than {limit_gb:g} GB"
        elif time.perf_counter() - started > STAGE_TIMEOUT_SECONDS:
            stopped = f"it ran past {STAGE_TIMEOUT_SECONDS} s"
        if stopped:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return StageFigure(stage, time.perf_counter() - started, watched_peak, stopped)
        time.sleep(POLL_SECONDS)
    return StageFigure(stage, time.perf_counter() - started, watched_peak)


def write_run(landing: Path, generator: PageGenerator, first: int, pages: int, started: datetime) -> None:
    """One landing run of the generator's pages first … first + pages - 1, as a crawl writes it."""
    from scrapers.landing import PageWriter, RunManifest, run_paths, write_manifest

    run_id = f"{SITE}-{started:%Y%m%dT%H%M%SZ}"
    parquet, manifest = run_paths(landing, SITE, run_id, f"{started:%Y-%m-%d}")
    writer = PageWriter(parquet)
    for page in generator.pages(pages, start=first):
        writer.write(landing_row(page, run_id, started))
    writer.close()
    write_manifest(
        manifest,
        RunManifest(run_id, SITE, started, started + timedelta(minutes=30), "finished", "success"),
    )


def run_night(data: Path, limit_gb: float) -> list[StageFigure]:
    figures = []
    for stage in STAGES:
        figure = run_stage(stage, data, limit_gb)
        figures.append(figure)
        print(f"  {stage:<8} {figure.cell()}", flush=True)
        if figure.stopped and stage != "publish":
            break
    return figures


def corpus(size: int, limit_gb: float, cache: Path = CACHE) -> tuple[Path, list[StageFigure]]:
    """The cached corpus of `size` articles, built as a first night if missing; (its folder, backfill figures)."""
    folder = cache / f"corpus-{size}"
    built = folder / "built.json"
    if built.exists():
        record = json.loads(built.read_text(encoding="utf-8"))
        if record.get("version") == CORPUS_VERSION and record.get("schema") == latest_version():
            print(f"corpus of {size:,} articles: reused from {folder}", flush=True)
            return folder, [StageFigure(**figure) for figure in record["backfill"]]
    shutil.rmtree(folder, ignore_errors=True)
    data = folder / "data"
    generator = PageGenerator(minutes_apart=MINUTES_APART)
    print(f"corpus of {size:,} articles: landing pages in runs of {RUN_PAGES:,}", flush=True)
    for run, first in enumerate(range(0, size, RUN_PAGES)):
        write_run(data / "landing", generator, first, min(RUN_PAGES, size - first), FIRST_NIGHT + timedelta(hours=run))
    print(f"corpus of {size:,} articles: first night (backfill)", flush=True)
    backfill = run_night(data, limit_gb)
    record = {
        "version": CORPUS_VERSION,
        "schema": latest_version(),
        "size": size,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "backfill": [asdict(figure) for figure in backfill],
    }
    if any(figure.stopped for figure in backfill if figure.stage != "publish"):
        raise RuntimeError(f"the first night of {size:,} pages did not complete: {[f.cell() for f in backfill]}")
    built.write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")
    return folder, backfill


def ordinary_night(
    folder: Path, size: int, limit_gb: float, repeat: int, night_pages: int = NIGHT_PAGES
) -> list[StageFigure]:
    """New pages (1,000) landed on a copy of the corpus's warehouse, taken through every stage."""
    night = folder.parent / f"night-{size}"
    shutil.rmtree(night, ignore_errors=True)
    source = folder / "data"
    (night / "published").mkdir(parents=True)
    shutil.copy2(source / "warehouse.duckdb", night / "warehouse.duckdb")
    published = source / "published" / "warehouse.duckdb"
    if published.exists():
        shutil.copy2(published, night / "published" / "warehouse.duckdb")
    # Pages after the corpus's own: the same generator, so some are planted copies of recent pages.
    started = FIRST_NIGHT + timedelta(days=30 + repeat)
    write_run(night / "landing", PageGenerator(minutes_apart=MINUTES_APART), size + repeat * night_pages, night_pages, started)
    print(f"ordinary night of {night_pages:,} new pages on {size:,} articles (run {repeat + 1})", flush=True)
    try:
        return run_night(night, limit_gb)
    finally:
        shutil.rmtree(night, ignore_errors=True)


def machine_lines() -> list[str]:
    from bench.__main__ import machine

    return [f"- {key}: {value}" for key, value in machine().items()]


def report_section(
    nights: dict[int, list[list[StageFigure]]],
    backfills: dict[int, list[StageFigure]],
    when: datetime,
    night_pages: int = NIGHT_PAGES,
) -> str:
    sizes = sorted(nights)
    lines = [
        BEGIN_MARKER,
        "## Scale: an ordinary night as the corpus grows (`make bench-scale`)",
        "",
        f"Measured by `make bench-scale` (`python -m bench.scale`) on {when:%Y-%m-%d %H:%M} UTC. "
        f"Corpora of synthetic 100 KB pages (bench/pages.py) built as a first night and cached; an ordinary "
        f"night lands {night_pages:,} new pages on a copy and runs each stage as a process of its own: wall "
        "seconds, and the resident-set high-water mark of the stage and its child processes. "
        "Several runs of a night show as a range.",
        "",
        *machine_lines(),
        "",
        "| stage of the ordinary night | " + " | ".join(f"corpus {size:,}" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for stage in STAGES:
        cells = [_range_cell([_stage(run, stage) for run in nights[size]]) for size in sizes]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    totals = [_total_cell(nights[size]) for size in sizes]
    lines.append("| **whole night** | " + " | ".join(totals) + " |")
    lines += ["", *verdicts(nights, backfills), ""]
    lines += ["| stage of the first night (backfill) | " + " | ".join(f"{size:,} pages" for size in sizes) + " |",
              "|---|" + "---|" * len(sizes)]
    for stage in STAGES:
        cells = [_range_cell([_stage(backfills[size], stage)]) for size in sizes]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines += ["", END_MARKER]
    return "\n".join(lines)


def _stage(figures: list[StageFigure], stage: str) -> StageFigure | None:
    return next((figure for figure in figures if figure.stage == stage), None)


def _range_cell(figures: list[StageFigure | None]) -> str:
    present = [figure for figure in figures if figure is not None]
    if not present:
        return "not run"
    stopped = [figure for figure in present if figure.stopped]
    if stopped:
        return stopped[0].cell()
    seconds = sorted(figure.seconds for figure in present)
    peaks = sorted(figure.peak_gb for figure in present)
    spread = f"{seconds[0]:.1f}" if len(seconds) == 1 else f"{seconds[0]:.1f}–{seconds[-1]:.1f}"
    memory = f"{peaks[-1]:.2f}"
    failed = " (checks failed: every row is read again)" if any(figure.detail.get("error") for figure in present) else ""
    return f"{spread} s, {memory} GB{failed}"


def _total_cell(runs: list[list[StageFigure]]) -> str:
    totals = sorted(sum(figure.seconds for figure in run) for run in runs)
    stopped = any(figure.stopped for run in runs for figure in run)
    text = f"{totals[0]:.1f} s" if len(totals) == 1 else f"{totals[0]:.1f}–{totals[-1]:.1f} s"
    return text + (" (a stage was stopped)" if stopped else "")


def verdicts(nights: dict[int, list[list[StageFigure]]], backfills: dict[int, list[StageFigure]]) -> list[str]:
    """One line per target: PASS or MISS with the figures behind it."""
    sizes = sorted(nights)
    small, large = sizes[0], sizes[-1]
    lines = []

    def best(size: int, stage: str) -> StageFigure | None:
        # The fastest run of a stage: other jobs on a shared machine only ever slow a run down.
        present = [figure for run in nights[size] if (figure := _stage(run, stage)) is not None]
        if not present or any(figure.stopped for figure in present):
            return None
        return min(present, key=lambda figure: figure.seconds)

    night = [sum(figure.seconds for figure in run) for run in nights[large]]
    finished = not any(figure.stopped for run in nights[large] for figure in run)
    lines.append(_verdict(finished and min(night) <= NIGHT_TARGET_SECONDS,
                          f"whole ordinary night at {large:,}: {min(night):.1f} s (target ≤ {NIGHT_TARGET_SECONDS:g} s)"))
    for stage in STAGES:
        figure = best(large, stage)
        if figure is None:
            lines.append(_verdict(False, f"{stage} at {large:,}: did not finish"))
            continue
        peak = max(f.peak_gb for run in nights[large] if (f := _stage(run, stage)) is not None)
        text = f"{stage} at {large:,}: peak {peak:.2f} GB (target ≤ {NIGHT_PEAK_TARGET_GB:g} GB)"
        passed = peak <= NIGHT_PEAK_TARGET_GB
        reference = best(small, stage) if small != large else None
        if reference is not None:
            ratio = figure.seconds / reference.seconds if reference.seconds > 0 else float("inf")
            text += f"; {figure.seconds:.1f} s = {ratio:.2f}× its {reference.seconds:.1f} s at {small:,} (target ≤ {GROWTH_TARGET:g}×)"
            passed = passed and ratio <= GROWTH_TARGET
        lines.append(_verdict(passed, text))
    for size in sizes:
        figures = backfills[size]
        peak = max(figure.peak_gb for figure in figures)
        done = not any(figure.stopped for figure in figures)
        lines.append(_verdict(done and peak <= BACKFILL_PEAK_TARGET_GB,
                              f"first night of {size:,} pages: every stage under {BACKFILL_PEAK_TARGET_GB:g} GB "
                              f"(highest {peak:.2f} GB{'' if done else ', a stage was stopped'})"))
    return lines


def _verdict(passed: bool, text: str) -> str:
    return f"- {'PASS' if passed else 'MISS'}: {text}"


def write_report(section: str, report: Path = REPORT) -> None:
    """Put the section into the report between its markers, or at its end; the rest is kept."""
    text = report.read_text(encoding="utf-8") if report.exists() else "# Benchmarks\n"
    if BEGIN_MARKER in text and END_MARKER in text:
        before, rest = text.split(BEGIN_MARKER, 1)
        after = rest.split(END_MARKER, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    report.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="corpus sizes, comma-separated")
    parser.add_argument("--repeats", type=int, default=1, help="ordinary nights per corpus (shown as a range)")
    parser.add_argument("--stage-limit-gb", type=float, default=STAGE_LIMIT_GB,
                        help="stop a stage whose processes hold more than this")
    parser.add_argument("--output", type=Path, default=REPORT, help="Markdown report to write the section into")
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder of the built corpora, reused when present")
    parser.add_argument("--night-pages", type=int, default=NIGHT_PAGES, help="new pages of the ordinary night")
    arguments = parser.parse_args(argv)
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    when = datetime.now(timezone.utc)
    nights: dict[int, list[list[StageFigure]]] = {}
    backfills: dict[int, list[StageFigure]] = {}
    for size in sizes:
        folder, backfills[size] = corpus(size, arguments.stage_limit_gb, arguments.cache)
        nights[size] = [
            ordinary_night(folder, size, arguments.stage_limit_gb, repeat, arguments.night_pages)
            for repeat in range(arguments.repeats)
        ]
    section = report_section(nights, backfills, when, arguments.night_pages)
    print(section)
    write_report(section, arguments.output)
    return 0 if all(line.startswith("- PASS") for line in verdicts(nights, backfills)) else 1


if __name__ == "__main__":
    sys.exit(main())
