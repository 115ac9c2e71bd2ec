"""Cost of the browse edition (warehouse.browse_edition) beside the publish that writes it.

`python -m bench.browse [articles]` stores that many synthetic articles (10,000 by default,
each with a caption and three facts) in a warehouse in a temporary folder, publishes it, then
writes the browse edition again on its own and reports its seconds per 10,000 articles, by wall
clock and CPU time, beside the publish's; then the refresh a night of crawl tables only costs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.warehouse import FACTS, landing_run, parsed
from warehouse.articles import pages_to_parse, queue_pending_pages, store_articles
from warehouse.browse_edition import write_browse_edition
from warehouse.connection import connect
from warehouse.facts import articles_needing_facts, store_facts
from warehouse.load import load_runs
from warehouse.publish import publish
from warehouse.schema import migrate

ARTICLES = 10_000


def _warehouse(folder: Path, articles: int) -> Path:
    path = folder / "warehouse.duckdb"
    manifest = landing_run(folder / "landing", articles)
    connection = connect(path)
    try:
        migrate(connection)
        load_runs(connection, [manifest])
        queue_pending_pages(connection)
        pages = [page for batch in pages_to_parse(connection) for page in batch]
        store_articles(connection, parsed(pages), [])
        texts = [text for batch in articles_needing_facts(connection, 5000) for text in batch]
        store_facts(connection, {text.article_id: FACTS for text in texts}, "1")
    finally:
        connection.close()
    return path


def run(articles: int = ARTICLES) -> dict:
    with tempfile.TemporaryDirectory(prefix="provnews-bench-browse-") as folder:
        warehouse = _warehouse(Path(folder), articles)
        published = Path(folder) / "published" / "warehouse.duckdb"
        started = time.perf_counter()
        publish(warehouse, published)
        publish_seconds = time.perf_counter() - started
        wall, cpu = time.perf_counter(), time.process_time()
        edition = write_browse_edition(published)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        refreshed = write_browse_edition(published, changed_tables=("crawl_runs", "pages"))
        scale = ARTICLES / articles
        return {
            "articles": articles,
            "seconds_per_10000": wall * scale,
            "cpu_seconds_per_10000": cpu * scale,
            "publish_seconds_per_10000": publish_seconds * scale,
            "edition_mb": edition.path.stat().st_size / 1e6,
            "published_mb": published.stat().st_size / 1e6,
            "stories_indexed": edition.stories_indexed,
            "refresh_seconds": refreshed.seconds,
        }


if __name__ == "__main__":
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else ARTICLES)
    print(
        f"browse edition: {result['seconds_per_10000']:.2f} s per 10,000 articles "
        f"(CPU {result['cpu_seconds_per_10000']:.2f} s), {result['edition_mb']:.0f} MB; publish, "
        f"edition included: {result['publish_seconds_per_10000']:.2f} s, {result['published_mb']:.0f} MB"
    )
