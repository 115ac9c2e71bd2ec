"""Search at scale: what indexing costs per 1,000 articles, and how fast analysts' queries answer.

The corpus is PROVNEWS_BENCH_SEARCH_ARTICLES synthetic stories (default 100,000; bench.pages,
3–6 KB of Vietnamese text and two to four captions each, 5% planted copies folded into their
stories) stored as articles in a migrated warehouse file, with the search index built for all
but the last 1,000. Building it takes many minutes (26 on a busy 2-core machine), so it is kept
in PROVNEWS_BENCH_CACHE (default data/bench-cache/) and reused while the index code and the
corpus size are unchanged.

Each run copies the cached file, then:
- indexes its last 1,000 articles, as the night's publish does on a corpus of that size;
- indexes 5,000 other stories from scratch in a file of their own;
- runs every query of QUERIES once to warm up, then five times, and takes the median of all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from bench.pages import SITE, PageGenerator, Story
from warehouse.connection import connect
from warehouse.schema import migrate
from warehouse.search import refresh_search_index, search_code_digest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARTICLES = int(os.environ.get("PROVNEWS_BENCH_SEARCH_ARTICLES", "100000"))
NIGHT = 1_000
FROM_SCRATCH = 5_000
STORE_BATCH = 5_000
REPEATS = 5
TARGET_MEDIAN_MS = 150.0
# What analysts type: names, places, programmes, phrases, no accents, OR and minus.
QUERIES = (
    "hộ nghèo", "ho ngheo", "nhà ở xã hội", '"nhà ở xã hội"', "Ba Chẽ", "huyện Ba Chẽ giảm nghèo",
    "Sở Y tế", "Chủ tịch UBND", "đầu tư công", '"dịch vụ công trực tuyến"', "Nghị quyết", "Hạ Long -Cẩm Phả",
    '"du lịch" OR "văn hóa"', "Quảng Ninh", "Cao Tường Huy", "Nguyễn Xuân Ký", "xây dựng nông thôn mới",
    "tỷ lệ hộ nghèo", "sản phẩm OCOP", "giai doan 2021 2025", "cao tốc", "Bình Liêu", "vịnh Hạ Long", "rừng gỗ lớn",
    "nha o xa hoi", "dau tu cong",
)


def cache_folder() -> Path:
    return Path(os.environ.get("PROVNEWS_BENCH_CACHE", PROJECT_ROOT / "data" / "bench-cache"))


def _article_id(story: Story) -> str:
    return hashlib.sha256(story.url.encode()).hexdigest()[:16]


def store_stories(connection, generator: PageGenerator, start: int, count: int) -> None:
    """Stories start … start+count-1 as articles and captions, copies pointing at their originals."""
    now = datetime.now(timezone.utc)
    for first in range(start, start + count, STORE_BATCH):
        stories = list(generator.stories(min(STORE_BATCH, start + count - first), start=first))
        articles = pa.Table.from_pylist(
            [
                {
                    "article_id": _article_id(story), "site": SITE, "url": story.url, "canonical_url": story.url,
                    "page_id": _article_id(story), "title": story.title, "lead": story.lead,
                    "body": "\n\n".join(story.body), "published_at": story.published_at,
                    "authors": list(story.authors), "section": story.section,
                    "word_count": len(story.lead.split()) + sum(len(block.split()) for block in story.body),
                    "content_sha256": hashlib.sha256("\n\n".join(story.body).encode()).hexdigest(),
                    "duplicate_of": (
                        _article_id(generator.story(story.copy_of)) if story.copy_of is not None else None
                    ),
                    "extractor": "selectors", "first_seen_at": now, "last_seen_at": now, "parsed_at": now,
                }
                for story in stories
            ]
        )
        captions = pa.Table.from_pylist(
            [
                {
                    "article_id": _article_id(story), "position": caption.position, "text": caption.text,
                    "credit": caption.credit, "image_url": caption.image_url, "occurrences": caption.occurrences,
                }
                for story in stories
                for caption in story.captions
            ]
        )
        connection.register("bench_articles", articles)
        connection.register("bench_captions", captions)
        connection.execute("INSERT INTO articles BY NAME SELECT * FROM bench_articles")
        connection.execute("INSERT INTO captions BY NAME SELECT * FROM bench_captions")
        connection.unregister("bench_articles")
        connection.unregister("bench_captions")


def _new_corpus(path: Path) -> dict:
    connection = connect(path)
    try:
        migrate(connection)
        connection.execute(
            "INSERT INTO sources (site, name, province, base_url, mirror, site_file, updated_at) VALUES (?, 'Báo Quảng Ninh', 'Quảng Ninh', 'https://baoquangninh.vn', true, NULL, now())",
            [SITE],
        )
        generator = PageGenerator()
        store_stories(connection, generator, 0, ARTICLES - NIGHT)
        started = time.perf_counter()
        refresh_search_index(connection)
        build_seconds = time.perf_counter() - started
        store_stories(connection, generator, ARTICLES - NIGHT, NIGHT)
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    return {"articles": ARTICLES, "indexed": ARTICLES - NIGHT, "build_seconds": build_seconds,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="minutes")}


def cached_corpus() -> tuple[Path, dict]:
    """The corpus file for this corpus size and search code, built when missing."""
    folder = cache_folder()
    name = f"search-{ARTICLES}-{search_code_digest()[:12]}"
    path, record = folder / f"{name}.duckdb", folder / f"{name}.json"
    if not path.exists() or not record.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f"search-{ARTICLES}-*"):
            stale.unlink()
        building = path.with_name(path.name + ".building")
        building.unlink(missing_ok=True)
        print(f"  building the search corpus of {ARTICLES:,} articles into {folder} (once) …", flush=True)
        details = _new_corpus(building)
        os.replace(building, path)
        record.write_text(json.dumps(details), encoding="utf-8")
    return path, json.loads(record.read_text(encoding="utf-8"))


def _from_scratch_seconds(folder: Path) -> float:
    connection = connect(folder / "scratch.duckdb")
    try:
        migrate(connection)
        store_stories(connection, PageGenerator(seed=7), 0, FROM_SCRATCH)
        started = time.perf_counter()
        refresh_search_index(connection)
        return time.perf_counter() - started
    finally:
        connection.close()


def run() -> dict:
    """Index costs and query latency over the cached corpus."""
    corpus, details = cached_corpus()
    with tempfile.TemporaryDirectory(dir=cache_folder()) as folder:
        copy = Path(folder) / "corpus.duckdb"
        shutil.copyfile(corpus, copy)
        connection = connect(copy)
        try:
            started = time.perf_counter()
            night = refresh_search_index(connection)
            night_seconds = time.perf_counter() - started
            connection.execute("CHECKPOINT")
            latencies: dict[str, list[float]] = {}
            cpu: list[float] = []
            hits: dict[str, int] = {}
            for query in QUERIES:
                hits[query] = len(connection.execute("SELECT * FROM search_articles(?)", [query]).fetchall())
                for _ in range(REPEATS):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    connection.execute("SELECT * FROM search_articles(?)", [query]).fetchall()
                    latencies.setdefault(query, []).append(1000 * (time.perf_counter() - started))
                    # CPU of all DuckDB's threads: what the query costs whatever else runs on the machine.
                    cpu.append(1000 * (time.process_time() - cpu_started))
            postings, documents = connection.execute(
                "SELECT (SELECT count(*) FROM search_postings), (SELECT count(*) FROM search_documents)"
            ).fetchone()
        finally:
            connection.close()
        scratch_seconds = _from_scratch_seconds(Path(folder))
        size_mb = corpus.stat().st_size / 1e6
    every = [latency for values in latencies.values() for latency in values]
    per_query = {query: statistics.median(values) for query, values in latencies.items()}
    return {
        "articles": details["articles"],
        "documents": documents,
        "postings": postings,
        "corpus_mb": size_mb,
        "night_articles": night.indexed,
        "night_seconds_per_1000": night_seconds / night.indexed * 1000 if night.indexed else 0.0,
        "scratch_seconds_per_1000": scratch_seconds / FROM_SCRATCH * 1000,
        "cache_build_seconds_per_1000": details["build_seconds"] / details["indexed"] * 1000,
        "median_ms": statistics.median(every),
        "median_cpu_ms": statistics.median(cpu),
        "load_average": os.getloadavg()[0],
        "p90_ms": statistics.quantiles(every, n=10)[-1],
        "slowest_query": max(per_query, key=per_query.get),
        "slowest_ms": max(per_query.values()),
        "queries": len(QUERIES),
        "hits": hits,
        "target_ms": TARGET_MEDIAN_MS,
    }


def main() -> int:
    result = run()
    for key, value in result.items():
        print(f"{key:<32} {value}")
    return 0 if result["median_ms"] <= TARGET_MEDIAN_MS else 1


if __name__ == "__main__":
    sys.exit(main())
