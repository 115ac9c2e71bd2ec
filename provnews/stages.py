"""The pipeline's stages, one plain function each: the CLI and the Airflow DAGs call the same code.

Every stage works on what is pending in the warehouse (runs not loaded, pages not parsed,
articles not indexed, facts stale), so nothing large passes between stages and each one can
be re-run. Each writing stage opens the warehouse, does its work in one transaction, closes.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb

from provnews import settings
from scrapers.site import Site, get_site, load_sites

if TYPE_CHECKING:
    from warehouse.articles import PageKey, PageScope

T = TypeVar("T")

# Linux's prctl option that has the kernel signal a process when its parent ends.
_PR_SET_PDEATHSIG = 1


class CrawlFailed(RuntimeError):
    """A site's crawl did not finish cleanly; its manifest is still landed for the load."""


class ChecksFailed(RuntimeError):
    """A data-quality check failed: the warehouse must not be published."""


class NoPagesInScope(RuntimeError):
    """A reprocess chose sites and days on which no article page was landed: nothing to redo."""


STAGES = ("parse", "dedup", "facts", "checks", "publish")


def new_run_id(site: str, when: datetime | None = None) -> str:
    """Run key: <site>-<UTC stamp>; also the name of the run's landing files."""
    when = when or datetime.now(timezone.utc)
    return f"{site}-{when.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"


def sites_to_crawl() -> list[str]:
    """Sites for tonight: the mirror's in this repository, the real ones with PROVNEWS_TARGET=real."""
    want_mirror = os.environ.get("PROVNEWS_TARGET", "mirror") != "real"
    return [
        name
        for name, site in load_sites().items()
        if site.nightly and site.mirror == want_mirror
    ]


@contextmanager
def open_warehouse(read_only: bool = False, views: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """The working warehouse, migrated; views=False leaves its views as they are.

    The transform stages pass views=False: load, the night's first writer, (re)creates them, and
    doing it again in every stage cost a fifth of a second each on a night with nothing to do.
    """
    from warehouse.connection import connect
    from warehouse.schema import check_version, migrate
    from warehouse.views import create_views

    connection = connect(settings.WAREHOUSE, read_only=read_only)
    try:
        if read_only:
            check_version(connection)
        else:
            migrate(connection)
            if views:
                # Operators read views such as v_run_health on the working file too.
                create_views(connection)
        yield connection
    finally:
        connection.close()


def _timed(started: float) -> float:
    return round(time.monotonic() - started, 2)


def crawl(site_name: str, run_id: str | None = None) -> dict:
    """Crawl one site in a Scrapy subprocess into landing files; raises CrawlFailed if it failed."""
    outcome = crawl_sites([site_name], {site_name: run_id} if run_id else None)[site_name]
    if outcome["status"] == "failed":
        raise CrawlFailed(f"{site_name}: {outcome.get('error') or 'crawl failed'}")
    return outcome


def crawl_sites(site_names: Sequence[str], run_ids: dict[str, str] | None = None) -> dict[str, dict]:
    """Crawl the sites, each in its own Scrapy process (forked from one), into landing files.

    Returns each site's outcome (status, counts, files); a failed crawl is an outcome with
    status failed, never an exception, so that the other sites' crawls land.
    """
    from scrapers.crawl import PlannedCrawl, run_crawls
    from scrapers.landing import check_run_id

    sites = [get_site(name) for name in site_names]
    chosen = {site.name: (run_ids or {}).get(site.name) or new_run_id(site.name) for site in sites}
    for site_name, run_id in chosen.items():
        check_run_id(settings.LANDING_DIR, site_name, run_id)
    known_pages = _write_known_pages(sites)
    planned = [PlannedCrawl(site, chosen[site.name], known_pages.get(site.name)) for site in sites]
    outcomes = run_crawls(planned, landing_dir=settings.LANDING_DIR, log_dir=settings.LOG_DIR)
    return {
        outcome.site: {key: str(value) if isinstance(value, Path) else value for key, value in asdict(outcome).items()}
        for outcome in outcomes
    }


def _write_known_pages(sites: Sequence[Site]) -> dict[str, Path]:
    """Article pages already landed for each site, read from the published warehouse (always readable).

    Each comes with its newest copy's validators and fetch time, and the article's publication
    time (when it was first landed if the parser found none), for the revisit policy.
    """
    from scrapers.crawl import KnownPage, write_known_pages
    from warehouse.connection import connect

    if not settings.PUBLISHED_WAREHOUSE.exists():
        return {}
    paths = {}
    connection = connect(settings.PUBLISHED_WAREHOUSE, read_only=True)
    try:
        for site in sites:
            rows = connection.execute(
                """
                WITH landed AS (
                    SELECT page_id, url, etag, last_modified, content_sha256, fetched_at,
                           min(fetched_at) OVER (PARTITION BY url) AS first_landed_at
                    FROM pages
                    WHERE site = ? AND page_kind = 'article' AND http_status BETWEEN 200 AND 299
                    QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
                )
                -- A stored date that can't be true (a year 0 from an older parse) has no Arrow
                -- value and would stop every later crawl: it counts as no date.
                SELECT landed.url, landed.etag, landed.last_modified, landed.content_sha256,
                       landed.fetched_at,
                       coalesce(
                           CASE WHEN articles.published_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00'
                                                               AND landed.fetched_at + INTERVAL 1 DAY
                                THEN articles.published_at END,
                           landed.first_landed_at)
                FROM landed
                LEFT JOIN articles ON articles.page_id = landed.page_id
                """,
                [site.name],
            ).fetchall()
            paths[site.name] = settings.DATA_DIR / "state" / f"known-pages-{site.name}.parquet"
            write_known_pages((KnownPage(*row) for row in rows), paths[site.name])
    finally:
        connection.close()
    return paths


def load() -> dict:
    """Move every complete landing run not yet loaded into crawl_runs and pages."""
    from warehouse.load import load_runs, sync_sources, unloaded_manifests

    started = time.monotonic()
    with open_warehouse() as connection:
        sync_sources(connection, load_sites().values())
        manifests = unloaded_manifests(connection, settings.LANDING_DIR)
        result = load_runs(connection, manifests)
    return {**asdict(result), "seconds": _timed(started)}


def parse(
    sites: Sequence[str] | None = None,
    from_date: str | date | None = None,
    to_date: str | date | None = None,
    reparse: bool = False,
    run_ids: Sequence[str] | None = None,
    require_pages: bool = False,
) -> dict:
    """Parse pending pages (or, with reparse, every page in scope) into articles and captions.

    Days are fetch days in Vietnam (Asia/Ho_Chi_Minh), as the landing folders are named. With
    require_pages a scope that selects no landed page raises NoPagesInScope, saying which days
    those sites do have, instead of parsing nothing and looking successful.

    The pending pages are listed once, in parse_queue, by a process of its own; each chunk of
    PARSE_CHUNK_PAGES of them is then parsed by another, forked from this one, which never opens
    the warehouse itself. A process keeps much of the memory it has once held (the allocators'
    arenas), so one process parsing 10,000 pages peaked a fifth higher than one parsing 2,000;
    a process per chunk peaks as one chunk does.
    """
    from warehouse.articles import PageScope

    started = time.monotonic()
    scope = PageScope(
        run_ids=tuple(run_ids) if run_ids is not None else None,
        sites=tuple(sites) if sites is not None else None,
        from_date=_as_date(from_date),
        to_date=_as_date(to_date),
        reparse=reparse,
    )
    if require_pages:
        _require_pages(scope)
    chunk_ends = _in_a_process_of_its_own("listing the pending pages", _queue_pending_pages, scope)
    parsed_count = failed_count = 0
    after = None
    for through in chunk_ends:
        parsed, failed = _parse_pages(after, through)
        parsed_count += parsed
        failed_count += failed
        after = through
    return {"articles": parsed_count, "failures": failed_count, "seconds": _timed(started)}


def _require_pages(scope: PageScope) -> None:
    from warehouse.articles import count_pages_in_scope, landed_days

    with open_warehouse(read_only=True) as connection:
        if count_pages_in_scope(connection, scope):
            return
        days = landed_days(connection, scope.sites)
    sites = ", ".join(scope.sites) if scope.sites else "any site"
    first = scope.from_date.isoformat() if scope.from_date else "the first landed day"
    last = scope.to_date.isoformat() if scope.to_date else "the last landed day"
    landed = (
        f"pages of {sites} were landed on {', '.join(day.isoformat() for day in days[:10])}"
        + (f" and {len(days) - 10} earlier days" if len(days) > 10 else "")
        if days
        else f"no article page of {sites} has been landed at all"
    )
    raise NoPagesInScope(
        f"no landed article page of {sites} was fetched from {first} to {last} (days in Vietnam, "
        f"Asia/Ho_Chi_Minh): nothing to reprocess, so facts and publish were not touched; {landed}"
    )


def validate_scope(sites: Sequence[str] | None, from_date: str | date | None, to_date: str | date | None) -> None:
    """Raise ValueError, in a sentence, for a scope that cannot mean anything: unknown sites, days reversed."""
    known = load_sites()
    unknown = sorted(set(sites or ()) - set(known))
    if unknown:
        raise ValueError(
            f"unknown site {', '.join(unknown)}: the sites are the names of the site files "
            f"({', '.join(sorted(known))})"
        )
    try:
        first, last = _as_date(from_date), _as_date(to_date)
    except ValueError:
        raise ValueError(f"days are written YYYY-MM-DD, e.g. 2026-12-07; got {from_date!r} and {to_date!r}") from None
    if first is not None and last is not None and first > last:
        raise ValueError(
            f"the first day {first.isoformat()} comes after the last day {last.isoformat()}: "
            "swap them, or leave one empty"
        )


def _in_a_process_of_its_own(what: str, function: Callable[..., T], *arguments: object) -> T:
    """Run function(*arguments) in a process forked from this one; its exceptions are raised here."""
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_end_with_the_stage,
        initargs=(os.getpid(),),
    ) as pool:
        try:
            return pool.submit(function, *arguments).result()
        except BrokenProcessPool as error:
            raise ProcessDied(
                f"the process {what} died; what the processes before it stored is kept, "
                "and running the stage again carries on from there"
            ) from error


class ProcessDied(RuntimeError):
    """A stage's child process ended without an answer: killed, out of memory, or crashed in C code."""


def _parse_pages(after: PageKey | None, through: PageKey) -> tuple[int, int]:
    """Parse the queued pages after `after` through `through` in a process of their own; (articles, failures).

    When that process dies (a page that crashes the HTML parser in C or exhausts memory, which
    no exception handler sees), the pages are parsed again in halves, each in its own process,
    down to the one page that kills its process: that page becomes a parse failure and every
    other page is stored. Pages already stored by the dead process are stored again, unchanged.
    """
    try:
        return _in_a_process_of_its_own(f"parsing the pages after {after} through {through}", _parse_chunk, after, through)
    except ProcessDied:
        keys = _in_a_process_of_its_own("listing a chunk's pages", _queued_keys, after, through)
    if len(keys) <= 1:
        return 0, _in_a_process_of_its_own("recording a page that killed its process", _record_fatal_pages, after, through)
    middle = keys[len(keys) // 2 - 1]
    first, second = _parse_pages(after, middle), _parse_pages(middle, through)
    return first[0] + second[0], first[1] + second[1]


def _queued_keys(after: PageKey | None, through: PageKey) -> list[PageKey]:
    from warehouse.articles import queued_keys

    with open_warehouse(views=False) as connection:
        return queued_keys(connection, after, through)


def _record_fatal_pages(after: PageKey | None, through: PageKey) -> int:
    from warehouse.articles import record_fatal_pages

    with open_warehouse(views=False) as connection:
        return record_fatal_pages(connection, after, through)


def _end_with_the_stage(stage_pid: int) -> None:
    """In a stage's child process: die with the stage's process, so a killed stage leaves no writer behind."""
    # Airflow and operators stop a stage by signalling its process alone; without this its
    # child would go on writing, and hold the warehouse, after the stage had ended.
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != stage_pid:
        os._exit(1)


def _queue_pending_pages(scope: PageScope) -> list[PageKey]:
    from warehouse.articles import queue_pending_pages

    with open_warehouse(views=False) as connection:
        return queue_pending_pages(connection, scope, settings.PARSE_CHUNK_PAGES)


def _parse_chunk(after: PageKey | None, through: PageKey) -> tuple[int, int]:
    """Parse and store the queued pages after `after` through `through`; (articles, failures)."""
    from provnews.parsing import parse_batch
    from warehouse.articles import dequeue_pages, pages_to_parse, store_articles

    site_files = load_sites()
    parsed_count = failed_count = 0
    with open_warehouse(views=False) as connection:
        for batch in pages_to_parse(connection, after, through):
            parsed, failures = parse_batch(batch, site_files)
            store_articles(connection, parsed, failures)
            parsed_count += len(parsed)
            failed_count += len(failures)
        dequeue_pages(connection, after, through)
    return parsed_count, failed_count


def dedup(redo_runs: Sequence[str] | None = None) -> dict:
    """Link articles not yet indexed to earlier copies of the same story.

    redo_runs: also index again the articles of these crawl runs (a cleared task redoing its run).
    """
    from warehouse.articles import article_ids_of_runs
    from warehouse.dedup import dedup_articles

    started = time.monotonic()
    with open_warehouse(views=False) as connection:
        if redo_runs:
            dedup_articles(connection, article_ids_of_runs(connection, redo_runs))
        result = asdict(dedup_articles(connection))
    result["seconds_signing"] = round(result["seconds_signing"], 2)
    return {**result, "seconds": _timed(started)}


def facts(reextract: bool = False, redo_runs: Sequence[str] | None = None) -> dict:
    """Extract facts from every article whose facts are stale (all of them with reextract, and
    those of the crawl runs redo_runs: a cleared task redoing its run)."""
    from provnews.parsing import facts_for_batch
    from transforms.facts import EXTRACTOR_VERSION
    from warehouse.articles import article_ids_of_runs
    from warehouse.facts import articles_needing_facts, mark_facts_stale, store_facts
    from warehouse.failures import ArticleFailure, record_article_failures

    started = time.monotonic()
    articles = stored = failed = 0
    with open_warehouse(views=False) as connection:
        if reextract:
            mark_facts_stale(connection)
        elif redo_runs:
            mark_facts_stale(connection, article_ids_of_runs(connection, redo_runs))
        for batch in articles_needing_facts(connection):
            failures: list[ArticleFailure] = []
            stored += store_facts(connection, facts_for_batch(batch, failures), EXTRACTOR_VERSION)
            # An article that failed is stored with no facts; its failure row says why.
            record_article_failures(connection, "facts", [text.article_id for text in batch], failures)
            articles += len(batch)
            failed += len(failures)
    return {"articles": articles, "facts": stored, "failures": failed, "seconds": _timed(started)}


def check() -> dict:
    """Run the data-quality checks and hold back the rows they find (warehouse.checks_holding).

    Raises ChecksFailed, so that publish does not happen, only when a check shows the
    warehouse itself broken; bad rows are held back and the rest is published. The checks read
    the rows stored since the last night that was not stopped, and the rows held back until now
    (warehouse.checks), so a night's cost follows its own rows.
    """
    from warehouse.checks import run_checks
    from warehouse.checks_holding import hold_back_rows
    from warehouse.connection import transaction
    from warehouse.watermarks import advance_watermark, watermark

    with open_warehouse(views=False) as connection:
        since = watermark(connection, "check")
        (started,) = connection.execute("SELECT now()").fetchone()
        report = run_checks(connection, since)
        outcome = hold_back_rows(connection, report, since)
        if not outcome.stopping:
            with transaction(connection):
                advance_watermark(connection, "check", started)
    summary = {
        "passed": report.passed,
        "held_back": outcome.held,
        "checks": [
            {"name": result.name, "passed": result.passed, "offending_rows": result.offending_rows}
            for result in report.results
        ],
    }
    if outcome.stopping:
        failed = {result.name: result.offending_rows for result in report.failures}
        names = ", ".join(f"{name} ({failed[name]} rows)" for name in outcome.stopping)
        raise ChecksFailed(f"data-quality checks failed: {names}; publish stopped")
    return summary


def publish() -> dict:
    """Bring the published file analysts read up to the warehouse, atomically.

    skipped when nothing changed since the last publish; refreshed when the spare copy was brought
    up by the changed rows and swapped in; published when the warehouse was copied whole (first
    publish, or a migration changed its tables).
    The result also says whether the published tables changed and, if so, what they now hold:
    articles new since the last publish, facts, sites (what the provnews.* asset events carry).
    """
    from warehouse.publish import publish as publish_warehouse

    started = time.monotonic()
    articles_before = _published_counts()["articles"]
    publication = publish_warehouse(settings.WAREHOUSE, settings.PUBLISHED_WAREHOUSE)
    action = getattr(publication, "action", "published")
    tables_changed = tuple(getattr(publication, "tables_changed", ()))
    changed = bool(getattr(publication, "changed", action != "skipped"))
    counts = _published_counts() if changed else {}
    return {
        action: str(publication.path),
        "changed": changed,
        "tables_changed": len(tables_changed),
        "tables": list(tables_changed),
        "rows_written": getattr(publication, "rows_written", None),
        "search_indexed": getattr(publication, "search_indexed", None),
        **(
            {
                "articles_new": getattr(publication, "articles_new", None)
                if getattr(publication, "articles_new", None) is not None
                else counts["articles"] - articles_before,
                "facts": counts["facts"],
                "sites": counts["sites"],
            }
            if changed
            else {"articles_new": 0}
        ),
        "seconds": _timed(started),
    }


def _published_counts() -> dict[str, int]:
    """Articles, facts and sites with articles in the published warehouse (zeros before the first)."""
    from warehouse.connection import connect

    if not settings.PUBLISHED_WAREHOUSE.exists():
        return {"articles": 0, "facts": 0, "sites": 0}
    connection = connect(settings.PUBLISHED_WAREHOUSE, read_only=True)
    try:
        articles, sites = connection.execute("SELECT count(*), count(DISTINCT site) FROM articles").fetchone()
        (facts,) = connection.execute("SELECT count(*) FROM facts").fetchone()
    finally:
        connection.close()
    return {"articles": articles, "facts": facts, "sites": sites}


def report(dag_run: str | None = None) -> str:
    """Write the static HTML report of the published warehouse; returns its path.

    dag_run ("<dag id>/<run id>"): also keep a copy as that Airflow run's report, which the
    provnews Airflow plugin serves from the run's page.
    """
    import shutil

    from provnews.report import write_report

    written = write_report(settings.PUBLISHED_WAREHOUSE, settings.REPORT_DIR)
    if dag_run is not None:
        run_copy = run_report_path(dag_run)
        run_copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, run_copy)
    return str(written)


def run_report_path(dag_run: str) -> Path:
    """Where the report of an Airflow run ("<dag id>/<run id>") is kept: a file name safe for any run id."""
    dag_id, _, run_id = dag_run.partition("/")
    safe = "".join(character if character.isalnum() or character in "-_." else "_" for character in run_id)
    digest = hashlib.sha256(run_id.encode("utf-8")).hexdigest()[:8]
    return settings.REPORT_DIR / "runs" / dag_id / f"{safe}-{digest}.html"


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
