"""Entry point of the spider process: reads crawl jobs (JSON) on stdin, crawls each site, writes landing files.

Run by scrapers.crawl.run_crawls as `python -m scrapers.spider_process`. Twisted's reactor
cannot be restarted, so each site is crawled in its own child, forked from this process once
Scrapy is imported: a night pays Python's start and Scrapy's imports (about a second) once, not
once per site, and each site still has its own process, log and failure.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn

# Scrapy imports its HTTP handler (and OpenSSL with it) when a crawl starts; imported here, the
# children share it instead of each importing it again.
import scrapy.core.downloader.handlers.http11  # noqa: F401
from scrapy.crawler import CrawlerProcess

from scrapers.crawl import crawl_status, decode_site, die_with_parent, log_tail, read_known_pages, write_failed_manifest
from scrapers.landing import PageWriter, RunManifest, write_manifest
from scrapers.scrapy_settings import crawl_settings
from scrapers.spider import SiteSpider


def _summary(manifest: RunManifest) -> str:
    stats = manifest.stats
    counts = ", ".join(
        f"{label} {int(stats.get(key, 0))}"
        for label, key in (
            ("fetched", "provnews/pages_fetched"),
            ("failed", "provnews/pages_failed"),
            ("not modified", "provnews/pages_not_modified"),
            ("not revisited", "provnews/articles_not_revisited"),
            ("articles", "provnews/articles_landed"),
            ("robots-forbidden", "provnews/robots_forbidden"),
            ("refused", "provnews/pages_refused"),
        )
    )
    line = f"crawl {manifest.run_id}: {manifest.status} ({manifest.finish_reason}); {counts}"
    return f"{line}\n  error: {manifest.error}" if manifest.error else line


def crawl_job(job: dict) -> RunManifest:
    """Run one crawl job to its end and write its landing file and manifest; returns the manifest."""
    site = decode_site(job["site"])
    known_pages = read_known_pages(Path(job["known_pages"]) if job.get("known_pages") else None)
    writer = PageWriter(Path(job["landing_file"]))
    log_file = Path(job["log_file"])
    process = CrawlerProcess(
        crawl_settings(
            site,
            log_file,
            download_timeout_seconds=job["download_timeout_seconds"],
            crawl_seconds=job["crawl_seconds"],
            retry_after_max_seconds=job["retry_after_max_seconds"],
        )
    )
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, site=site, run_id=job["run_id"], writer=writer, known_pages=known_pages)
    try:
        process.start()
    finally:
        writer.close()
    stats = crawler.stats.get_stats()
    finish_reason = stats.get("finish_reason")
    answered = (
        int(stats.get("provnews/pages_fetched", 0))
        - int(stats.get("provnews/fetched/robots", 0))
        + int(stats.get("provnews/pages_not_modified", 0))
    )
    spider = crawler.spider
    status, error = crawl_status(
        finish_reason,
        answered,
        int(stats.get("provnews/pages_failed", 0)),
        spider.first_error if spider is not None else None,
    )
    manifest = RunManifest(
        run_id=job["run_id"],
        site=site.name,
        started_at=datetime.fromisoformat(job["started_at"]),
        finished_at=datetime.now(timezone.utc),
        finish_reason=finish_reason,
        status=status,
        error=error,
        log_file=str(log_file),
        stats={**stats, "provnews/rows_landed": writer.rows_written},
    )
    write_manifest(Path(job["manifest_file"]), manifest)
    return manifest


def _crawl_in_child(job: dict) -> NoReturn:
    """Run in a forked child: crawl the job's site with the child's stderr in the run's log, then exit."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A crawl never outlives the spider process, whoever killed it.
    die_with_parent()
    code = 1
    try:
        with open(job["log_file"], "a", encoding="utf-8") as log:
            os.dup2(log.fileno(), sys.stderr.fileno())
        print(_summary(crawl_job(job)), flush=True)
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def crawl_jobs(jobs: list[dict], parallel: int) -> None:
    """Crawl every job in its own forked child, at most `parallel` at once; a child that dies gets a failed manifest."""
    children: dict[int, dict] = {}

    def pass_on(signum: int, frame: object) -> None:
        # Stopped by run_crawls for overrunning: each crawl closes its spider and writes its files.
        for child in children:
            os.kill(child, signum)

    signal.signal(signal.SIGTERM, pass_on)
    pending = list(jobs)
    while pending or children:
        while pending and len(children) < parallel:
            job = pending.pop(0)
            child = os.fork()
            if child == 0:
                _crawl_in_child(job)
            children[child] = job
        child, status = os.wait()
        job = children.pop(child)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and not Path(job["manifest_file"]).exists():
            write_failed_manifest(job, f"spider process exited with {code}: {log_tail(Path(job['log_file']))}")


def main() -> None:
    # Killed with the process that started it (a crawl task stopped by Airflow, a killed
    # `provnews crawl`); it runs in a process group of its own, which their signals miss.
    die_with_parent()
    if os.getppid() == 1:
        sys.exit(1)  # that process was already gone
    request = json.load(sys.stdin)
    crawl_jobs(request["jobs"], max(1, int(request["parallel"])))


if __name__ == "__main__":
    main()
