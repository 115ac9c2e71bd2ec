"""Entry point of the spider process: reads a crawl job (JSON) on stdin, crawls, writes landing files.

Run by scrapers.crawl.run_crawl as `python -m scrapers.spider_process`; one process per run
because Twisted's reactor cannot be restarted.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from scrapers.crawl import crawl_status, decode_site, read_known_pages
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


def main() -> None:
    manifest = crawl_job(json.load(sys.stdin))
    print(_summary(manifest))


if __name__ == "__main__":
    main()
