"""Crawling sites: run the spider in its own process per site, wait, and report each run from its manifest.

Scrapy runs on Twisted's reactor, which cannot be restarted inside one process, so every
crawl is its own process: `python -m scrapers.spider_process` imports Scrapy once and forks one
child per site (scrapers.spider_process). The children write the landing Parquet files and the
manifests; this side only starts the spider process, bounds its time and reads the results.

Status of a run (also written in its manifest):
- failed: no page could be fetched at all (site down, robots.txt unreachable, every start
  page refused), or Scrapy stopped for another reason than finishing or a closespider limit
  (shutdown, killed, crashed);
- partial: pages were fetched but some failed, or the run hit its time budget
  (closespider_timeout): what landed is good, coverage is incomplete;
- success: everything discovered was fetched (or answered 304 Not Modified).
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from provnews import settings
from scrapers.landing import RunManifest, run_paths, write_manifest
from scrapers.site import Discovery, RevisitPolicy, Site
from scrapers.urls import canonical_url

DEFAULT_CRAWL_SECONDS = settings.CLOSESPIDER_TIMEOUT
# Time the child gets beyond its crawl budget to close the spider and write its files.
SHUTDOWN_GRACE_SECONDS = 60
SPIDER_COMMAND = [sys.executable, "-m", "scrapers.spider_process"]
# Linux's prctl option that has the kernel signal a process when its parent ends.
_PR_SET_PDEATHSIG = 1
PARTIAL_FINISH_REASONS = frozenset({"closespider_timeout", "closespider_pagecount", "closespider_itemcount"})

KNOWN_PAGES_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
        pa.field("content_sha256", pa.string()),
        pa.field("landed_at", pa.timestamp("us", tz="UTC")),
        pa.field("published_at", pa.timestamp("us", tz="UTC")),
    ]
)


class CrawlError(RuntimeError):
    """The crawl could not be run here (the spider process did not start)."""


@dataclass(frozen=True, slots=True)
class KnownPage:
    """An article page already landed: its validators make the next fetch a conditional GET, and
    its dates let the revisit policy (scrapers.revisit) skip it when it cannot have changed."""

    url: str
    etag: str | None
    last_modified: str | None
    content_sha256: str | None
    landed_at: datetime | None = None  # fetch time of the newest landed copy
    published_at: datetime | None = None  # the article's, or when it was first landed if unknown


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    run_id: str
    site: str
    status: str  # success | partial | failed
    pages_fetched: int
    pages_failed: int
    pages_not_modified: int
    landing_file: Path | None
    manifest_file: Path
    log_file: Path
    finish_reason: str | None
    error: str | None


def write_known_pages(rows: Iterable[KnownPage], path: Path) -> None:
    """Write the known pages as Parquet (url, etag, last_modified, content_sha256), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([dataclasses.asdict(row) for row in rows], schema=KNOWN_PAGES_SCHEMA)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, temporary)
    os.replace(temporary, path)


def read_known_pages(path: Path | None) -> dict[str, KnownPage]:
    """Known pages by canonical URL, with or without validators (the revisit policy needs them all)."""
    if path is None or not path.exists():
        return {}
    # ParquetFile rather than read_table: the latter imports pyarrow.dataset, a tenth of a second.
    rows = pq.ParquetFile(path).read().to_pylist()
    return {canonical_url(row["url"]): KnownPage(**row) for row in rows}


def crawl_status(
    finish_reason: str | None, content_pages_answered: int, pages_failed: int, first_error: str | None
) -> tuple[str, str | None]:
    """(status, one-line error) of a run; content pages are all but robots.txt, answered means 2xx or 304."""
    if content_pages_answered == 0:
        return "failed", f"no page could be fetched: {first_error or 'nothing was discovered'}"
    if finish_reason != "finished" and finish_reason not in PARTIAL_FINISH_REASONS:
        return "failed", f"crawl did not finish: {finish_reason or 'no finish reason'}"
    if pages_failed or finish_reason in PARTIAL_FINISH_REASONS:
        return "partial", None
    return "success", None


def encode_site(site: Site) -> dict:
    """The site as JSON-ready data for the spider process; selectors stay behind (crawling needs none)."""
    document = {
        field.name: getattr(site, field.name)
        for field in dataclasses.fields(site)
        if field.name not in {"selector_sets", "path", "discovery", "revisit"}
    }
    document["discovery"] = dataclasses.asdict(site.discovery)
    document["revisit"] = dataclasses.asdict(site.revisit)
    return document


def decode_site(document: Mapping) -> Site:
    """The Site encode_site wrote."""
    document = dict(document)
    discovery = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in document.pop("discovery").items()
    }
    return Site(discovery=Discovery(**discovery), revisit=RevisitPolicy(**document.pop("revisit")), **document)


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def log_tail(log_file: Path) -> str:
    """The last line of a crawl's log: a dying spider's exception."""
    try:
        with open(log_file, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - 4096))
            return _tail(log.read().decode("utf-8", "replace"))
    except OSError:
        return "no log"


def write_failed_manifest(job: Mapping, error: str) -> RunManifest:
    """The manifest of a crawl whose spider died before writing one, so that the load records it as failed."""
    landing_file = Path(job["landing_file"])
    manifest = RunManifest(
        run_id=job["run_id"],
        site=job["site"]["name"],
        started_at=datetime.fromisoformat(job["started_at"]),
        finished_at=datetime.now(timezone.utc),
        finish_reason=None,
        status="failed",
        error=error,
        log_file=job["log_file"],
    )
    for leftover in landing_file.parent.glob(f".{landing_file.name}.tmp-*"):
        leftover.unlink()
    write_manifest(Path(job["manifest_file"]), manifest)
    return manifest


def _outcome_from_manifest(
    manifest: RunManifest, landing_file: Path, manifest_file: Path, log_file: Path
) -> CrawlOutcome:
    stats = manifest.stats
    return CrawlOutcome(
        run_id=manifest.run_id,
        site=manifest.site,
        status=manifest.status,
        pages_fetched=int(stats.get("provnews/pages_fetched", 0)),
        pages_failed=int(stats.get("provnews/pages_failed", 0)),
        pages_not_modified=int(stats.get("provnews/pages_not_modified", 0)),
        landing_file=landing_file if landing_file.exists() else None,
        manifest_file=manifest_file,
        log_file=log_file,
        finish_reason=manifest.finish_reason,
        error=manifest.error,
    )


@dataclass(frozen=True, slots=True)
class PlannedCrawl:
    site: Site
    run_id: str
    known_pages: Path | None = None


def die_with_parent() -> None:
    """In a process about to run: have the kernel kill it when its parent dies."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _stop_process_group(process: subprocess.Popen, grace_seconds: float) -> tuple[str, str]:
    """Stop an overrunning spider process and all it forked: SIGTERM, then SIGKILL after the grace.

    SIGTERM lets each crawl close its spider and write its files. A crawl that cannot (stuck
    in C code, or ignoring the signal) is killed with the whole group. The pipes are read with
    a bound: a descendant that escaped the group and still holds them is never waited for.
    """
    _signal_group(process, signal.SIGTERM)
    try:
        return process.communicate(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
    try:
        return process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        process.wait()
        return "", ""


def run_crawl(
    site: Site,
    run_id: str,
    landing_dir: Path,
    log_dir: Path,
    known_pages: Path | None = None,
    timeout_seconds: int = DEFAULT_CRAWL_SECONDS,
    download_timeout_seconds: float = 30,
    retry_after_max_seconds: float = 30,
) -> CrawlOutcome:
    """Crawl the site into landing files; a site that is down gives status failed, never an exception.

    timeout_seconds is the crawl's budget (CLOSESPIDER_TIMEOUT); the process is stopped if it
    overruns it by more than SHUTDOWN_GRACE_SECONDS. Raises CrawlError only if the process
    cannot be started.
    """
    return run_crawls(
        [PlannedCrawl(site, run_id, known_pages)],
        landing_dir,
        log_dir,
        timeout_seconds=timeout_seconds,
        download_timeout_seconds=download_timeout_seconds,
        retry_after_max_seconds=retry_after_max_seconds,
    )[0]


def run_crawls(
    crawls: Sequence[PlannedCrawl],
    landing_dir: Path,
    log_dir: Path,
    timeout_seconds: int = DEFAULT_CRAWL_SECONDS,
    download_timeout_seconds: float = 30,
    retry_after_max_seconds: float = 30,
    parallel: int = settings.PARALLEL_CRAWLS,
    shutdown_grace_seconds: float = SHUTDOWN_GRACE_SECONDS,
) -> list[CrawlOutcome]:
    """Crawl several sites, each in its own process forked from one spider process, at most
    `parallel` at once; outcomes in the order of `crawls`, as run_crawl gives them."""
    started_at = datetime.now(timezone.utc)
    log_dir.mkdir(parents=True, exist_ok=True)
    jobs = []
    # Landing folders are named by the day in Vietnam, the day reprocess and operators speak of.
    landing_day = f"{started_at.astimezone(ZoneInfo(settings.TIMEZONE)):%Y-%m-%d}"
    for crawl in crawls:
        landing_file, manifest_file = run_paths(landing_dir, crawl.site.name, crawl.run_id, landing_day)
        jobs.append(
            {
                "site": encode_site(crawl.site),
                "run_id": crawl.run_id,
                "started_at": started_at.isoformat(),
                "landing_file": str(landing_file),
                "manifest_file": str(manifest_file),
                "log_file": str(log_dir / f"{crawl.run_id}.log"),
                "known_pages": str(crawl.known_pages) if crawl.known_pages else None,
                "crawl_seconds": timeout_seconds,
                "download_timeout_seconds": download_timeout_seconds,
                "retry_after_max_seconds": retry_after_max_seconds,
            }
        )
        # A retry of the same run replaces its files; an earlier attempt's manifest must not pass for this one's.
        manifest_file.unlink(missing_ok=True)
    rounds = -(-len(jobs) // max(1, parallel))
    budget = rounds * timeout_seconds
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(settings.PROJECT_ROOT), environment.get("PYTHONPATH")])
    )
    try:
        process = subprocess.Popen(
            SPIDER_COMMAND,
            cwd=settings.PROJECT_ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # A group of its own, so that the spider process and every crawl it forked can be
            # stopped together (it asks the kernel itself to be killed if this process dies).
            start_new_session=True,
        )
    except OSError as error:
        names = ", ".join(crawl.site.name for crawl in crawls)
        raise CrawlError(f"cannot start the spider process for {names}: {error}") from error
    try:
        stdout, stderr = process.communicate(
            json.dumps({"parallel": parallel, "jobs": jobs}), timeout=budget + shutdown_grace_seconds
        )
        problem = None if process.returncode == 0 else f"spider process exited with {process.returncode}: {_tail(stderr)}"
    except subprocess.TimeoutExpired:
        stdout, stderr = _stop_process_group(process, shutdown_grace_seconds)
        problem = f"spider process overran its {budget}s budget and was stopped"
    finally:
        # Whatever happened here (an interrupt, an error), no crawl outlives its caller.
        _signal_group(process, signal.SIGKILL)
    if stdout:
        print(stdout, end="" if stdout.endswith("\n") else "\n")
    outcomes = []
    for job in jobs:
        landing_file, manifest_file, log_file = (Path(job[key]) for key in ("landing_file", "manifest_file", "log_file"))
        if stderr.strip():
            # Whatever escaped the crawls' own logs (a crash before forking) belongs with each run's log.
            with open(log_file, "a", encoding="utf-8") as log:
                log.write(stderr)
        if manifest_file.exists():
            manifest = RunManifest.from_json(manifest_file.read_text(encoding="utf-8"))
        else:
            manifest = write_failed_manifest(job, problem or "spider process ended without a manifest")
        outcomes.append(_outcome_from_manifest(manifest, landing_file, manifest_file, log_file))
    return outcomes
