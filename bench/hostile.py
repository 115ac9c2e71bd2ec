"""Hostile-page benchmark: peak memory of parse, dedup and facts over six 9.5 MB article pages.

Each page is under the crawler's 10 MB cap, so all six land; without a bound per page they
took parse to 4.3 GB, dedup to 4.6 GB and facts to 5.2 GB (2,068,080 facts). Each stage runs
as its own process over a warehouse holding only these pages, and reports its high-water mark.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGES = 6
PAGE_BYTES = 9_500_000
TARGET_MB = 1024.0
SITE = "mirror-baoquangninh"

# Every stage, as `provnews <stage>` would run it, reporting its own peak and its children's.
STAGE_WITH_PEAK = """
import resource, sys
from provnews.cli import main
code = main([sys.argv[1]])
with open("/proc/self/status") as status:
    own = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
print(max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def hostile_page(number: int, size: int = PAGE_BYTES) -> bytes:
    """An article page of `size` bytes: paragraphs full of figures, each a little different."""
    head = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo kinh tế - xã hội</title>'
        "</head><body><h1 class=\"title-detail\">Báo cáo kinh tế - xã hội năm 2025 số "
        f'{number}</h1><div class="article-content">'
    ).encode()
    tail = b"</div></body></html>"
    paragraphs = []
    length = len(head) + len(tail)
    index = 0
    while length < size:
        paragraph = (
            f"<p>Năm 2025, xã thứ {index} của đơn vị {number} được đầu tư {index % 997 + 3}.{index % 1000:03d} tỷ đồng, "
            f"tăng {index % 89 + 1},{index % 10}% so với năm trước; còn {index % 4000 + 17} hộ nghèo, "
            f"tỷ lệ {index % 7 + 1}/{index % 5 + 8} theo Nghị quyết số {index % 300 + 1}/NQ-HĐND.</p>"
        ).encode()
        paragraphs.append(paragraph)
        length += len(paragraph)
        index += 1
    return head + b"".join(paragraphs) + tail


def _land(data: Path) -> None:
    from scrapers.landing import LANDING_SCHEMA, RunManifest, run_paths, write_manifest, write_pages

    started = datetime.now(timezone.utc) - timedelta(hours=1)
    run_id = f"{SITE}-{started:%Y%m%dT%H%M%SZ}"
    rows = []
    for number in range(PAGES):
        body = hostile_page(number)
        url = f"http://127.0.0.1:8765/{SITE}/bao-cao-kinh-te-{9_100_000 + number}.html"
        rows.append({
            "run_id": run_id, "site": SITE, "url": url, "final_url": url, "page_kind": "article",
            "http_status": 200, "fetched_at": started, "content_type": "text/html; charset=utf-8",
            "body": body, "content_sha256": hashlib.sha256(body).hexdigest(), "content_length": len(body),
            "etag": None, "last_modified": None, "error": None,
        })
    parquet, manifest = run_paths(data / "landing", SITE, run_id, started.date().isoformat())
    write_pages(parquet, pa.Table.from_pylist(rows, schema=LANDING_SCHEMA))
    write_manifest(manifest, RunManifest(
        run_id=run_id, site=SITE, started_at=started, finished_at=started + timedelta(minutes=1),
        finish_reason="finished", status="success", stats={"downloader/request_count": PAGES},
    ))


def _stage(data: Path, stage: str) -> tuple[float, float, str]:
    """(peak MB, seconds, stdout) of one stage run as its own process."""
    environment = {"PROVNEWS_DATA": str(data), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", STAGE_WITH_PEAK, stage], env=environment, cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=3600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{stage} failed: {completed.stderr.strip().splitlines()[-1:]}")
    lines = completed.stdout.strip().splitlines()
    return int(lines[-1]) / 1024, time.perf_counter() - started, "\n".join(lines[:-1])


def deep_page_seconds() -> float:
    """CPU seconds to parse (here: refuse) the page of 100,000 nested <div>s, median of three."""
    import statistics

    from mirror.hostile import elements_nested_deep
    from transforms.page_cost import PageTooDeep
    from transforms.parse import parse_page

    page = elements_nested_deep().encode("utf-8")
    spent = []
    for _ in range(3):
        started = time.process_time()
        try:
            parse_page(page, "http://127.0.0.1:8765/mirror-faulty/long-sau-100000-tang-9000020.html")
        except PageTooDeep:
            pass
        spent.append(time.process_time() - started)
    return statistics.median(spent)


def run() -> dict:
    """Peak MB and seconds of load, parse, dedup and facts over six 9.5 MB pages; the deep page's parse time."""
    import json

    with tempfile.TemporaryDirectory(prefix="provnews-bench-hostile-") as folder:
        data = Path(folder)
        _land(data)
        peaks: dict[str, float] = {}
        seconds: dict[str, float] = {}
        outputs: dict[str, dict] = {}
        for stage in ("load", "parse", "dedup", "facts"):
            peaks[stage], seconds[stage], output = _stage(data, stage)
            outputs[stage] = json.loads(output) if output.startswith("{") else {}
    return {
        "pages": PAGES,
        "page_mb": PAGE_BYTES / 1_000_000,
        "peak_mb": peaks,
        "seconds": seconds,
        "articles": outputs["parse"].get("articles"),
        "facts": outputs["facts"].get("facts"),
        "target_mb": TARGET_MB,
        "deep_page_seconds": deep_page_seconds(),
    }


if __name__ == "__main__":
    print(run())
