"""Crawl budgets are enforced: an overrunning crawl dies with everything it forked, and never hangs its caller."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from scrapers import crawl as crawl_module
from scrapers.crawl import run_crawl
from scrapers.landing import RunManifest
from tests.test_crawl_loopback import LoopbackSite, Route, article, html, site_file

# A spider process gone wrong: it and the child it forks ignore SIGTERM, spin on the CPU and
# hold the pipes to their caller open; each writes its pid to the folder given.
STUBBORN_SPIDER = """
import os, signal, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)
folder = sys.argv[1]
child = os.fork()
if child == 0:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
open(os.path.join(folder, f"{os.getpid()}.pid"), "w").close()
while True:
    pass
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_crawl_past_its_budget_is_killed_with_every_process_it_forked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setattr(crawl_module, "SPIDER_COMMAND", [sys.executable, "-c", STUBBORN_SPIDER, str(pids)])
    site = site_file("http://127.0.0.1:9")
    started = time.monotonic()
    outcome = crawl_module.run_crawls(
        [crawl_module.PlannedCrawl(site, "loopback-stubborn")], tmp_path / "landing", tmp_path / "logs",
        timeout_seconds=2, shutdown_grace_seconds=1,
    )[0]
    spent = time.monotonic() - started
    assert outcome.status == "failed" and "overran its 2s budget" in (outcome.error or "")
    # The budget, the grace, and five seconds at most of reading what the killed ones left.
    assert spent < 2 + 1 + 5 + 2
    started_pids = [int(path.stem) for path in pids.glob("*.pid")]
    assert len(started_pids) == 2
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in started_pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in started_pids)


def test_a_catastrophic_pattern_and_a_hostile_link_end_within_the_budget(tmp_path: Path) -> None:
    hostile_link = "/site/" + "a" * 30_000 + "!"
    routes = {
        "/robots.txt": Route(body=b"User-agent: *\nAllow: /\n"),
        "/site/kinh-te": html(f'<a href="{hostile_link}">x</a><a href="/site/aaaa">y</a>'),
        "/site/aaaa": article("aaaa"),
    }
    with LoopbackSite(routes) as server:
        site = site_file(server.base_url, article_url="(a+)+$", discover={"categories": ["/kinh-te"]})
        started = time.monotonic()
        outcome = run_crawl(site, "loopback-redos", tmp_path / "landing", tmp_path / "logs", timeout_seconds=20)
    assert time.monotonic() - started < 20
    assert outcome.status in ("success", "partial")


class EndlessSitemaps:
    """A site whose sitemap index links a new index on every fetch (next.xml?n=N+1), and 1,100 sitemaps."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from threading import Thread
        from urllib.parse import parse_qs, urlsplit

        self.requested: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                owner.requested.append(self.path)
                address = urlsplit(self.path)
                base = f"http://127.0.0.1:{owner.port}/site"
                if address.path == "/site/next.xml":
                    number = int(parse_qs(address.query).get("n", ["0"])[0])
                    links = [f"{base}/next.xml?n={number + 1}"]
                    if number == 2:
                        links += [f"{base}/part-{index}.xml" for index in range(1_100)]
                    entries = "".join(f"<sitemap><loc>{link}</loc></sitemap>" for link in links)
                    body = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()
                    self.send_response(200)
                elif address.path == "/robots.txt":
                    body = b"User-agent: *\nAllow: /\n"
                    self.send_response(200)
                else:
                    body = b"not found"
                    self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "EndlessSitemaps":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow
def test_sitemaps_per_crawl_are_capped_in_count_and_depth(tmp_path: Path) -> None:
    from scrapers.spider import MAX_SITEMAP_DEPTH, MAX_SITEMAPS_LINKED

    with EndlessSitemaps() as server:
        site = site_file(f"http://127.0.0.1:{server.port}/site", discover={"sitemaps": ["/next.xml?n=0"]})
        outcome = run_crawl(site, "loopback-sitemaps", tmp_path / "landing", tmp_path / "logs", timeout_seconds=120)
    chain = [path for path in server.requested if path.startswith("/site/next.xml")]
    assert len(chain) == 1 + MAX_SITEMAP_DEPTH
    assert len([path for path in server.requested if "sitemap" in path or ".xml" in path]) <= 1 + MAX_SITEMAPS_LINKED
    stats = RunManifest.from_json(outcome.manifest_file.read_text(encoding="utf-8")).stats
    assert stats["provnews/sitemaps_linked"] == MAX_SITEMAPS_LINKED
    assert stats["provnews/sitemaps_over_limit"] >= 100
    assert stats["provnews/sitemaps_too_deep"] == 1
