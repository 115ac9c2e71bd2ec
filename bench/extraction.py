"""Article-body extraction benchmark: the generic path scored with the benchmark's own token metric.

`python -m bench.extraction` prints progress, the accuracy of title, date, authors, lead and
captions on the fixture pages of real Vietnamese markup (bench.fixture_pages), then
`F1 <f> P <p> R <r>` of the public benchmark as its last line.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from transforms.parse import NotAnArticle, parse_page

BENCHMARK_DIR = Path(
    os.environ.get(
        "PROVNEWS_EXTRACTION_BENCHMARK",
        Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction",
    )
)
SHINGLE_SIZE = 4
WORD = re.compile(r"\w+")


def shingles(text: str) -> Counter[str]:
    """Word 4-grams of the text as a multiset; a text shorter than 4 words is one shorter shingle."""
    tokens = WORD.findall(text)
    count = max(1, len(tokens) - SHINGLE_SIZE + 1)
    return Counter(
        shingle
        for shingle in (" ".join(tokens[start : start + SHINGLE_SIZE]) for start in range(count))
        if shingle
    )


def document_scores(truth: str, prediction: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one document, divided by their sum so every document weighs the same."""
    expected, found = shingles(truth), shingles(prediction)
    true_positive = false_positive = false_negative = 0
    for shingle in expected.keys() | found.keys():
        wanted, got = expected.get(shingle, 0), found.get(shingle, 0)
        true_positive += min(wanted, got)
        false_positive += max(0, got - wanted)
        false_negative += max(0, wanted - got)
    total = true_positive + false_positive + false_negative
    if total == 0:
        return 0.0, 0.0, 0.0
    return true_positive / total, false_positive / total, false_negative / total


def macro_scores(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(F1, precision, recall): macro precision and recall, F1 from the two means."""
    precisions = [tp / (tp + fp) for tp, fp, _ in scores if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, _, fn in scores if tp + fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def generic_text(html: str, url: str) -> str:
    """The text the generic path extracts from one page: lead then body, one paragraph a line."""
    try:
        article = parse_page(html, url)
    except NotAnArticle:
        return ""
    return "\n".join(([article.lead] if article.lead else []) + list(article.body))


def run(
    benchmark_dir: Path = BENCHMARK_DIR,
    extract: Callable[[str, str], str] = generic_text,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Score `extract` on every benchmark page; returns f1, precision, recall, pages, seconds, worst pages."""
    truth = json.loads((benchmark_dir / "ground-truth.json").read_text(encoding="utf-8"))
    scores: dict[str, tuple[float, float, float]] = {}
    started = time.perf_counter()
    for number, (page_id, expected) in enumerate(sorted(truth.items()), start=1):
        with gzip.open(benchmark_dir / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as handle:
            html = handle.read()
        scores[page_id] = document_scores(expected["articleBody"], extract(html, expected["url"]))
        if progress and number % 20 == 0:
            progress(f"{number}/{len(truth)} pages")
    seconds = time.perf_counter() - started
    f1, precision, recall = macro_scores(list(scores.values()))
    worst = sorted(scores, key=lambda page_id: scores[page_id][0])[:10]
    return {
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "pages": len(scores),
        "seconds": seconds,
        "worst": [(page_id, round(scores[page_id][0], 3)) for page_id in worst],
    }


def main() -> None:
    from bench import fixture_pages

    for line in fixture_pages.report_lines(fixture_pages.run()):
        print(line)
    result = run(progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"{result['pages']} pages in {result['seconds']:.1f} s")
    for page_id, true_share in result["worst"]:
        print(f"weakest page {page_id} tp-share {true_share}")
    print(f"F1 {result['f1']:.3f} P {result['precision']:.3f} R {result['recall']:.3f}")


if __name__ == "__main__":
    main()
