"""Extraction accuracy on the fixture pages that reproduce real Vietnamese markup (tests/fixtures/extraction).

Each page `<name>.html` has `<name>.expected.json`: url, title, lead, body (paragraphs), published_at
(ISO 8601, compared to the minute), published_precision, authors, bylines, syndicated_from, page_type,
captions ({text, credit}), and optionally `dates` (a family file's `dates:` list: select, attribute,
order) and `day_first`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.extraction import document_scores, macro_scores
from transforms.parse import NotAnArticle, parse_page
from transforms.records import Article, DateSource, Selectors
from transforms.text import comparison_key, normalise_text

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extraction"


@dataclass(frozen=True)
class PageResult:
    name: str
    expected: dict
    article: Article | None  # None: the page was refused as no article


def fixture_pages(directory: Path = FIXTURE_DIR) -> list[Path]:
    return sorted(directory.glob("*.html"))


def extract_fixture(page: Path) -> PageResult:
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    try:
        article = parse_page(
            page.read_bytes(),
            expected["url"],
            Selectors(dates=tuple(_date_source(entry) for entry in expected.get("dates", []))),
            day_first=expected.get("day_first", True),
        )
    except NotAnArticle:
        article = None
    return PageResult(page.stem, expected, article)


def _date_source(entry: dict) -> DateSource:
    """A family file's date entry ({select, attribute, order}) as the parser takes it."""
    return DateSource(entry["select"], entry.get("attribute"), entry.get("order", "day-first") == "day-first")


def same_minute(found: datetime | None, wanted: str | None) -> bool:
    if found is None or wanted is None:
        return found is None and wanted is None
    return found.replace(second=0, microsecond=0) == datetime.fromisoformat(wanted).replace(second=0, microsecond=0)


def caption_found(wanted: dict, article: Article) -> bool:
    key = comparison_key(wanted["text"])
    return any(comparison_key(caption.text) == key for caption in article.captions)


def caption_leaks(wanted: dict, article: Article) -> bool:
    text = comparison_key(" ".join(article.body))
    return len(wanted["text"]) >= 15 and comparison_key(wanted["text"]) in text


def checks(result: PageResult) -> dict[str, bool]:
    """Which fields of one page came out as expected."""
    article, expected = result.article, result.expected
    if article is None:
        return dict.fromkeys(("title", "published_at", "precision", "authors", "lead", "page_type", "syndicated_from"), False)
    return {
        "title": article.title == normalise_text(expected["title"]),
        "published_at": same_minute(article.published_at, expected["published_at"]),
        "precision": article.published_precision == expected["published_precision"],
        "authors": list(article.authors) == expected["authors"],
        "lead": comparison_key(article.lead) == comparison_key(expected["lead"]),
        "page_type": article.page_type == expected["page_type"],
        "syndicated_from": article.syndicated_from == expected["syndicated_from"],
    }


def scores(results: list[PageResult]) -> dict[str, float]:
    """Share of pages right per field, body token F1, captions found and caption leaks."""
    per_page = [checks(result) for result in results]
    figures = {field: sum(page[field] for page in per_page) / len(per_page) for field in per_page[0]} if per_page else {}
    body_scores = [
        document_scores(
            "\n".join(result.expected["body"]),
            "\n".join(result.article.body) if result.article else "",
        )
        for result in results
    ]
    figures["body_f1"] = macro_scores(body_scores)[0]
    wanted = [(caption, result.article) for result in results for caption in result.expected["captions"]]
    found = [caption_found(caption, article) for caption, article in wanted if article is not None]
    figures["captions_found"] = sum(found) / len(wanted) if wanted else 1.0
    figures["caption_leaks"] = sum(caption_leaks(caption, article) for caption, article in wanted if article is not None)
    return figures


def run(directory: Path = FIXTURE_DIR) -> dict:
    """Scores on every fixture page, with the pages and the fields each got wrong."""
    results = [extract_fixture(page) for page in fixture_pages(directory)]
    wrong = {
        result.name: fields
        for result in results
        if (fields := [field for field, right in checks(result).items() if not right])
    }
    return {**scores(results), "pages": len(results), "wrong": wrong}


def report_lines(result: dict) -> list[str]:
    lines = [f"{name}: wrong {', '.join(fields)}" for name, fields in result["wrong"].items()]
    lines.append(
        f"{result['pages']} fixture pages: body F1 {result['body_f1']:.3f}, title {result['title']:.3f}, "
        f"published_at {result['published_at']:.3f} (precision {result['precision']:.3f}), "
        f"authors {result['authors']:.3f}, lead {result['lead']:.3f}, captions found {result['captions_found']:.3f}, "
        f"caption leaks {result['caption_leaks']}, page type {result['page_type']:.3f}, "
        f"syndicated_from {result['syndicated_from']:.3f}"
    )
    return lines


def main() -> None:
    for line in report_lines(run()):
        print(line)


if __name__ == "__main__":
    main()
