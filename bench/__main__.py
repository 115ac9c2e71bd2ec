"""`python -m bench` (`make bench`): every benchmark, each figure beside its target, and docs/benchmarks.md.

A benchmark that is missing or fails is reported as MISSING with its error and the others
still run. `python -m bench transform load` runs only the named benchmarks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
TIME_BUDGET_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure; passed is None for figures reported without a target."""

    name: str
    value: float
    unit: str
    target: str
    passed: bool | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Benchmark:
    name: str
    module: str
    function: str
    figures: Callable[[dict], list[Figure]]


@dataclass(slots=True)
class Outcome:
    benchmark: Benchmark
    seconds: float
    figures: list[Figure] = field(default_factory=list)
    error: str | None = None  # why the benchmark is MISSING


def at_least(name: str, value: float, unit: str, target: float, note: str = "") -> Figure:
    """A figure that passes when value ≥ target."""
    return Figure(name, value, unit, f"≥ {_number(target)} {unit}".strip(), value >= target, note)


def at_most(name: str, value: float, unit: str, target: float, note: str = "") -> Figure:
    """A figure that passes when value ≤ target."""
    return Figure(name, value, unit, f"≤ {_number(target)} {unit}".strip(), value <= target, note)


def reported(name: str, value: float, unit: str, reference: str = "—", note: str = "") -> Figure:
    """A figure shown beside a reference, with no pass or miss."""
    return Figure(name, value, unit, reference, None, note)


def extraction_figures(result: dict) -> list[Figure]:
    """Figures of bench.extraction.run()."""
    pages = f"{result.get('pages', '?')} benchmark pages"
    return [
        at_least("generic extraction F1", result["f1"], "", 0.96, pages),
        reported("generic extraction precision", result["precision"], ""),
        reported("generic extraction recall", result["recall"], ""),
    ]


def fixture_page_figures(result: dict) -> list[Figure]:
    """Figures of bench.fixture_pages.run(): the targets real pages are held to."""
    pages = f"{result.get('pages', '?')} fixture pages"
    return [
        at_least("fixture pages body F1", result["body_f1"], "", 0.97, pages),
        at_least("fixture pages title exact", result["title"], "", 0.97),
        at_least("fixture pages published_at to the minute", result["published_at"], "", 0.95),
        at_least("fixture pages authors exact", result["authors"], "", 0.90),
        at_least("fixture pages lead", result["lead"], "", 0.90),
        at_least("fixture pages captions found", result["captions_found"], "", 0.95),
        at_most("fixture pages caption leaks", result["caption_leaks"], "", 0),
    ]


def facts_figures(result: dict) -> list[Figure]:
    """Figures of bench.facts.run()."""
    return [at_most("facts cost", result["ms_per_1000_chars"], "ms/1000 chars", result.get("target", 0.5))]


def dedup_figures(result: dict) -> list[Figure]:
    """Figures of bench.dedup.run()."""
    articles = f"{result.get('articles', '?')} articles"
    # Per CPU second when the benchmark measures it: other jobs on the machine do not count.
    signing = result.get("signatures_per_cpu_second", result.get("signatures_per_second"))
    if signing is None:
        raise KeyError("signatures_per_cpu_second")
    return [
        at_least("dedup recall at similarity ≥ 0.85", result["recall_at_085"], "", 0.98, articles),
        at_least("dedup precision", result["precision"], "", 0.99),
        at_least("dedup signatures (one core)", signing, "articles/s", 2000),
        at_most("dedup second night / first night", result["second_night_ratio"], "", 0.05),
    ]


def transform_figures(result: dict) -> list[Figure]:
    """Figures of bench.pipeline.transform_throughput()."""
    stages = ", ".join(f"{stage} {spent:.1f} ms" for stage, spent in result["ms_per_article"].items())
    return [
        at_least(
            "transform throughput (one core)",
            result["articles_per_second"],
            "articles/s",
            result["target"],
            f"per CPU second ({result['articles_per_wall_second']:.0f}/s wall clock); {result['pages']} pages "
            f"of {result['mean_page_kb']:.0f} KB; CPU per article: {stages}; "
            f"{result['facts_per_article']:.0f} facts per article",
        ),
        reported(
            "trafilatura.extract on the same pages",
            result["trafilatura_articles_per_second"],
            "articles/s",
            "≈100 (reference)",
            f"per CPU second ({result['trafilatura_articles_per_wall_second']:.0f}/s wall clock), "
            f"first {result['trafilatura_pages']} of the same pages, default options",
        ),
        reported("transform / trafilatura", result["ratio_to_trafilatura"], "×", "measured in the same run"),
        reported(
            "decoding and building the HTML tree alone",
            result["tree_ms_per_article"],
            "ms/article",
            f"budget {result['budget_ms_per_article']:.2f} ms/article at {result['target']:.0f}/s",
            f"CPU per page, first {result['trafilatura_pages']} of the same pages: what every article costs "
            "before any selector, caption or fact",
        ),
    ]


def load_figures(result: dict) -> list[Figure]:
    """Figures of bench.pipeline.load_throughput()."""
    slowest, fastest = result["articles_per_second_range"]
    return [
        reported(
            "landing runs into pages", result["pages_per_second"], "pages/s",
            note=f"{result['pages']} pages in {result['runs']} runs",
        ),
        at_least(
            "store_articles into DuckDB", result["articles_per_second"], "articles/s", result["target"],
            f"{result['articles']} articles with their captions in one call, staged via Arrow; median of "
            f"{result['store_calls']} calls, each into a new warehouse ({slowest:,.0f}–{fastest:,.0f})",
        ),
        reported(
            "store_articles in parse-stage batches", result["batched_articles_per_second"], "articles/s",
            note=f"{result['batched_articles']} articles, {result['batch']} per call as the parse stage stores them",
        ),
    ]


def memory_figures(result: dict) -> list[Figure]:
    """Figures of bench.pipeline.memory_growth()."""
    sizes = list(result["peak_mb"])
    peaks = " vs ".join(f"{int(size):,} pages {result['peak_mb'][size]:.0f} MB" for size in sizes)
    small, large = sizes[0], sizes[-1]
    per_thousand = (result["peak_mb"][large] - result["peak_mb"][small]) / (int(large) - int(small)) * 1000
    return [
        at_most(
            "parse stage peak memory growth",
            abs(result["growth"]) * 100,
            "%",
            result["tolerance"] * 100,
            f"{peaks} (100 KB pages), {per_thousand:+.1f} MB per 1,000 more pages; "
            "PROVNEWS_BENCH_MEMORY_PAGES=20000,100000 for the issue's sizes",
        )
    ]


def crawl_figures(result: dict) -> list[Figure]:
    """Figures of bench.pipeline.crawl_throughput()."""
    return [
        reported(
            "crawl of the mirror on loopback",
            result["pages_per_second"],
            "pages/s",
            result["reference"],
            f"{result['pages']} pages ({result['articles_landed']} articles) in {result['crawl_seconds']:.1f} s "
            f"of crawl, {result['wall_seconds']:.1f} s with process start",
        )
    ]


def second_night_figures(result: dict) -> list[Figure]:
    """Figures of bench.pipeline.second_night()."""
    first, second = result["first_crawl"], result["second_crawl"]
    return [
        at_most(
            "second night / first night (end to end)",
            result["ratio"],
            "",
            result["target"],
            f"provnews run on the mirror with {first['articles_in_warehouse']:,} articles: "
            f"{result['first_seconds']:.1f} s ({1000 * result['first_seconds'] / first['articles_in_warehouse']:.1f} ms "
            f"per article) then {result['second_seconds']:.1f} s, a fixed cost whatever the corpus; the second night requested "
            f"{second['pages_requested']} pages ({second['articles_requested']} articles, {second['not_modified']} "
            f"answered 304) and left {second['articles_not_revisited']:,} known articles alone (revisit policy); "
            f"second night by stage: {_stages(result['second_stages'])} (the rest is process start and imports)",
        )
    ]


def search_figures(result: dict) -> list[Figure]:
    """Figures of bench.search.run()."""
    corpus = (
        f"{result['articles']:,} synthetic articles ({result['postings']:,} postings, file {result['corpus_mb']:,.0f} MB); "
        f"{result['queries']} queries × 5, median; CPU median {result['median_cpu_ms']:.0f} ms, p90 {result['p90_ms']:.0f} ms, "
        f"slowest {result['slowest_query']!r} {result['slowest_ms']:.0f} ms; load average {result['load_average']:.1f}"
    )
    return [
        at_most("search median query latency", result["median_ms"], "ms", result["target_ms"], corpus),
        reported(
            "search index, a night's new articles", result["night_seconds_per_1000"], "s per 1,000 articles",
            note=f"{result['night_articles']:,} articles indexed on a corpus of {result['articles'] - result['night_articles']:,}",
        ),
        reported(
            "search index from scratch", result["scratch_seconds_per_1000"], "s per 1,000 articles",
            note="5,000 articles into an empty index",
        ),
    ]


def hostile_figures(result: dict) -> list[Figure]:
    """Figures of bench.hostile.run(): one peak-memory figure per transform stage."""
    pages = f"{result['pages']} pages of {result['page_mb']:.1f} MB"
    notes = {
        "parse": f"{pages}: {result['articles']} articles, text cut at 300,000 characters each",
        "dedup": pages,
        "facts": f"{pages}: {result['facts']:,} facts (at most 5,000 per article)",
    }
    return [
        at_most(
            f"hostile pages: {stage} peak memory", result["peak_mb"][stage], "MB", result["target_mb"],
            f"{notes[stage]}; {result['seconds'][stage]:.1f} s",
        )
        for stage in ("parse", "dedup", "facts")
    ] + [
        at_most(
            "hostile pages: 100,000 nested elements", result["deep_page_seconds"], "s", 1.0,
            "CPU to parse the 1.1 MB page (refused as PageTooDeep from a count of its tags)",
        )
    ]


def browse_figures(result: dict) -> list[Figure]:
    """Figures of bench.browse.run()."""
    return [
        reported(
            "browse edition (SQLite + FTS5), per 10,000 articles",
            result["seconds_per_10000"],
            "s",
            f"publish, edition included: {result['publish_seconds_per_10000']:.1f} s",
            f"{result['articles']:,} synthetic articles with a caption and three facts each; "
            f"CPU {result['cpu_seconds_per_10000']:.1f} s; {result['edition_mb']:.0f} MB beside a "
            f"{result['published_mb']:.0f} MB published file; a night of crawl tables only refreshes "
            f"them in {result['refresh_seconds']:.2f} s",
        )
    ]


def _stages(seconds: dict[str, float]) -> str:
    return ", ".join(f"{stage} {spent:.1f} s" for stage, spent in seconds.items()) or "not reported"


BENCHMARKS = (
    Benchmark("facts", "bench.facts", "run", facts_figures),
    Benchmark("dedup", "bench.dedup", "run", dedup_figures),
    Benchmark("extraction", "bench.extraction", "run", extraction_figures),
    Benchmark("extraction-fixtures", "bench.fixture_pages", "run", fixture_page_figures),
    Benchmark("transform", "bench.pipeline", "transform_throughput", transform_figures),
    Benchmark("load", "bench.pipeline", "load_throughput", load_figures),
    Benchmark("memory", "bench.pipeline", "memory_growth", memory_figures),
    Benchmark("crawl", "bench.pipeline", "crawl_throughput", crawl_figures),
    Benchmark("second-night", "bench.pipeline", "second_night", second_night_figures),
    Benchmark("search", "bench.search", "run", search_figures),
    Benchmark("hostile", "bench.hostile", "run", hostile_figures),
    Benchmark("browse", "bench.browse", "run", browse_figures),
)


def run_benchmark(benchmark: Benchmark) -> Outcome:
    """Run one benchmark; a missing module or any error makes it MISSING, never stops the others."""
    started = time.perf_counter()
    try:
        function = getattr(importlib.import_module(benchmark.module), benchmark.function)
        figures = benchmark.figures(function())
    except Exception as error:  # a broken benchmark is reported, the rest still run
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        return Outcome(benchmark, time.perf_counter() - started, error=detail)
    return Outcome(benchmark, time.perf_counter() - started, figures=figures)


def verdict(figure: Figure) -> str:
    """PASS, MISS, or — for a figure without a target."""
    if figure.passed is None:
        return "—"
    return "PASS" if figure.passed else "MISS"


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def measured(figure: Figure) -> str:
    """The value with its unit, as printed and tabled."""
    # Scores and ratios without a unit are compared to targets like 0.98: three decimals always.
    value = f"{figure.value:.3f}" if not figure.unit and abs(figure.value) <= 1 else _number(figure.value)
    return f"{value} {figure.unit}".strip()


def console_line(figure: Figure) -> str:
    """One printed line: figure, measured value, target, verdict."""
    return f"  {figure.name:<42} {measured(figure):>22}   target {figure.target:<26} {verdict(figure)}"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    import duckdb

    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "memory": memory,
        "Python": platform.python_version(),
        "DuckDB": duckdb.__version__,
        "OS": platform.platform(),
    }


def report_markdown(outcomes: Sequence[Outcome], host: dict[str, str], when: datetime, total_seconds: float) -> str:
    """docs/benchmarks.md: the machine, the date and one table row per figure."""
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`python -m bench`) on {when:%Y-%m-%d %H:%M} UTC in {total_seconds:.0f} s "
        f"(budget {TIME_BUDGET_SECONDS:.0f} s). Figures are measured here, never asserted in tests; "
        "other jobs sharing the machine only ever make them slower.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in host.items()),
        "",
        "## Figures",
        "",
        "| benchmark | figure | measured | target | result | notes |",
        "|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        if outcome.error is not None:
            lines.append(f"| {outcome.benchmark.name} | — | — | — | MISSING | {_cell(outcome.error)} |")
            continue
        for figure in outcome.figures:
            lines.append(
                f"| {outcome.benchmark.name} | {_cell(figure.name)} | {measured(figure)} | {_cell(figure.target)} "
                f"| {verdict(figure)} | {_cell(figure.note)} |"
            )
    lines += [
        "",
        "Benchmark durations: "
        + ", ".join(f"{outcome.benchmark.name} {outcome.seconds:.0f} s" for outcome in outcomes)
        + ".",
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _scale_section(report: Path) -> str:
    """The section `make bench-scale` wrote into the report, kept when `make bench` rewrites it."""
    from bench.scale import BEGIN_MARKER, END_MARKER

    text = report.read_text(encoding="utf-8") if report.exists() else ""
    if BEGIN_MARKER not in text or END_MARKER not in text:
        return ""
    section = text[text.index(BEGIN_MARKER) : text.index(END_MARKER) + len(END_MARKER)]
    return f"\n{section}\n"


def main(argv: Sequence[str] | None = None) -> int:
    names = [benchmark.name for benchmark in BENCHMARKS]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("benchmarks", nargs="*", metavar="BENCHMARK", help=f"run only these: {', '.join(names)}")
    parser.add_argument(
        "--output", type=Path, help=f"Markdown report (default {REPORT.relative_to(PROJECT_ROOT)} when all run)"
    )
    arguments = parser.parse_args(argv)
    unknown = sorted(set(arguments.benchmarks) - set(names))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; choose from {', '.join(names)}")
    # A partial run never overwrites the full report unless asked to.
    output = arguments.output or (None if arguments.benchmarks else REPORT)
    chosen = [benchmark for benchmark in BENCHMARKS if not arguments.benchmarks or benchmark.name in arguments.benchmarks]
    when = datetime.now(timezone.utc)
    started = time.perf_counter()
    outcomes = []
    for benchmark in chosen:
        print(f"{benchmark.name} …", flush=True)
        outcome = run_benchmark(benchmark)
        outcomes.append(outcome)
        if outcome.error is not None:
            print(f"  MISSING: {outcome.error}", flush=True)
        for figure in outcome.figures:
            print(console_line(figure), flush=True)
            if figure.note:
                print(f"    {figure.note}", flush=True)
        print(f"  ({outcome.seconds:.0f} s)", flush=True)
    total = time.perf_counter() - started
    within = "PASS" if total <= TIME_BUDGET_SECONDS else "MISS"
    print(f"all benchmarks: {total:.0f} s   target ≤ {TIME_BUDGET_SECONDS:.0f} s   {within}")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report_markdown(outcomes, machine(), when, total) + _scale_section(output), encoding="utf-8")
        print(f"written {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
