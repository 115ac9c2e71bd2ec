"""Cost of fact extraction per 1,000 characters, over the labelled articles repeated past 1 MB."""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from transforms.facts import extract_facts
from transforms.records import Article, Caption

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "facts"
TARGET_MS_PER_1000_CHARS = 0.5
MINIMUM_CHARACTERS = 1_000_000
ROUNDS = 3


def load_labelled_article(path: Path) -> tuple[Article, list[dict[str, object]]]:
    """The article and its hand-listed facts from one fixture file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    article = data["article"]
    captions = tuple(
        Caption(text=text, image_url=None, occurrences=1, position=position)
        for position, text in enumerate(article.get("captions", []))
    )
    return (
        Article(
            url=f"https://fixtures.invalid/{path.stem}",
            canonical_url=None,
            title=article.get("title", ""),
            lead=article.get("lead", ""),
            body=tuple(article["body"]),
            published_at=None,
            authors=(),
            section=None,
            captions=captions,
        ),
        data["facts"],
    )


def labelled_articles() -> list[Article]:
    """Every article of the labelled set, in file order."""
    return [load_labelled_article(path)[0] for path in sorted(FIXTURES.glob("*.yaml"))]


def article_characters(article: Article) -> int:
    """Characters the extractor reads in one article."""
    return (
        len(article.title)
        + len(article.lead)
        + sum(map(len, article.body))
        + sum(len(caption.text) for caption in article.captions)
    )


def run() -> dict[str, float]:
    """Best-of-rounds CPU milliseconds per 1,000 characters (and wall-clock), with the target."""
    articles = labelled_articles()
    per_pass = sum(map(article_characters, articles))
    repeats = -(-MINIMUM_CHARACTERS // per_pass)
    workload = articles * repeats
    # The machine is shared: process CPU time is the extractor's own cost, while wall-clock
    # also counts the time other jobs hold the cores. Both only ever grow with noise, so the
    # best round is the closest to the real figure.
    best_cpu = best_wall = float("inf")
    for _ in range(ROUNDS):
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        for article in workload:
            extract_facts(article)
        best_cpu = min(best_cpu, time.process_time() - cpu_started)
        best_wall = min(best_wall, time.perf_counter() - wall_started)
    thousands = per_pass * repeats / 1000
    return {
        "ms_per_1000_chars": best_cpu * 1000 / thousands,
        "wall_ms_per_1000_chars": best_wall * 1000 / thousands,
        "target": TARGET_MS_PER_1000_CHARS,
        "characters": per_pass * repeats,
    }


if __name__ == "__main__":
    result = run()
    print(f"facts: {result['ms_per_1000_chars']:.3f} ms per 1000 chars (target ≤ {result['target']})")
