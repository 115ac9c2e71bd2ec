"""Crawl budgets are enforced: an overrunning crawl dies with everything it forked, and never hangs its caller."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from scrapers import crawl as crawl_module
from scrapers.crawl import run_crawl
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
