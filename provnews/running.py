"""`provnews run`: every stage once, with a progress line per stage and a summary table."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from provnews import settings, stages


@dataclass
class RunSummary:
    failed_sites: list[str] = field(default_factory=list)
    failed_stage: str | None = None

    @property
    def succeeded(self) -> bool:
        return not self.failed_sites and self.failed_stage is None


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def mirror_if(wanted: bool) -> Iterator[None]:
    if not wanted:
        yield
        return
    from mirror.server import MirrorServer

    server = MirrorServer(port=settings.MIRROR_PORT).start()
    say(f"mirror    serving {server.base_url}/")
    try:
        yield
    finally:
        server.stop()


def crawl_all(sites: Sequence[str], summary: RunSummary) -> None:
    # Each crawl prints its own summary line (pages fetched, failed, not modified, not revisited).
    started = time.monotonic()
    for site, outcome in stages.crawl_sites(sites).items():
        if outcome["status"] == "failed":
            summary.failed_sites.append(site)
            say(f"crawl     {site}: FAILED {outcome.get('error') or 'crawl failed'}")
    say(f"crawl     {len(sites)} sites, failed {len(summary.failed_sites)}, seconds {time.monotonic() - started:.2f}")


def describe(result: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in result.items() if key != "checks")


def run_pipeline(sites: Sequence[str] | None = None, with_mirror: bool = False) -> RunSummary:
    """Crawl the sites, then load, parse, dedup, extract facts, check and publish."""
    summary = RunSummary()
    sites = list(sites) if sites else stages.sites_to_crawl()
    say(f"provnews  run of {len(sites)} sites: {', '.join(sites)}")
    with mirror_if(with_mirror):
        crawl_all(sites, summary)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("load", stages.load),
        ("parse", stages.parse),
        ("dedup", stages.dedup),
        ("facts", stages.facts),
        ("check", stages.check),
        ("publish", stages.publish),
        ("report", stages.report),
    ]
    for name, step in steps:
        try:
            result = step()
        except stages.ChecksFailed as error:
            summary.failed_stage = name
            say(f"{name:<9} FAILED {error}")
            break
        say(f"{name:<9} {describe(result) if isinstance(result, dict) else result}")
    print_summary()
    return summary


def print_summary() -> None:
    from provnews.analysis import site_summary_table

    if settings.PUBLISHED_WAREHOUSE.exists():
        print(site_summary_table(settings.PUBLISHED_WAREHOUSE))
