"""Field-by-field scoring of the facts extractor against the labelled articles of
tests/fixtures/facts_meaning (see its README for the label format)."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from transforms.records import Article, Caption, Fact

LABELLED = Path(__file__).resolve().parent / "fixtures" / "facts_meaning"
NUMERIC_GROUP = frozenset({"money", "percent", "percentage_point", "ratio", "number", "measure", "duration"})
NUMERIC_FIELDS = (
    "kind", "value", "qualifier", "measure", "status", "period", "compared_to", "place_name", "place_code",
)


@dataclass
class Labelled:
    path: Path
    province_code: str | None
    article: Article
    labels: list[dict[str, Any]]


@dataclass
class Score:
    """Matched, labelled and predicted counts per group, and right/asked counts per field."""

    detection: dict[str, Counter[str]] = field(default_factory=dict)
    fields: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def rate(self, name: str) -> float:
        counts = self.fields.get(name, Counter())
        return counts["right"] / counts["asked"] if counts["asked"] else 1.0

    def recall(self, group: str) -> float:
        counts = self.detection[group]
        return counts["matched"] / counts["labelled"] if counts["labelled"] else 1.0

    def precision(self, group: str) -> float:
        counts = self.detection[group]
        return counts["matched"] / counts["predicted"] if counts["predicted"] else 1.0

    def table(self) -> str:
        lines = [
            f"{group:10} recall {self.recall(group):.3f} precision {self.precision(group):.3f} "
            f"({counts['matched']} matched of {counts['labelled']} labelled, {counts['predicted']} found)"
            for group, counts in self.detection.items()
        ]
        lines += [
            f"{name:18} {self.rate(name):.3f} ({counts['right']}/{counts['asked']})"
            for name, counts in self.fields.items()
        ]
        return "\n".join(lines)


def load_labelled() -> list[Labelled]:
    """Every labelled article, in file order."""
    labelled = []
    for path in sorted(LABELLED.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        article = data["article"]
        captions = tuple(
            Caption(text=text, image_url=None, occurrences=1, position=position)
            for position, text in enumerate(article.get("captions", []))
        )
        labelled.append(
            Labelled(
                path=path,
                province_code=data.get("province_code"),
                article=Article(
                    url=f"https://fixtures.invalid/{path.stem}", canonical_url=None, title=article["title"],
                    lead=article["lead"], body=tuple(article["body"]), published_at=None, authors=(),
                    section=None, captions=captions,
                ),
                labels=data["facts"],
            )
        )
    return labelled


def period_bounds(label: object) -> tuple[date | None, date | None]:
    """The dates a label's period or compared_to shorthand names (README)."""
    if label is None:
        return None, None
    text = str(label)
    if ".." in text:
        start, end = text.split("..")
        return date.fromisoformat(start), date.fromisoformat(end)
    if "-Q" in text:
        year, quarter = int(text[:4]), int(text[-1])
        last_month = quarter * 3
        return date(year, last_month - 2, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])
    if len(text) == 7:
        year, month = int(text[:4]), int(text[5:])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(int(text), 1, 1), date(int(text), 12, 31)


def _location(article: Article, at: str) -> tuple[str, int | None, str]:
    """Source, paragraph and text of a label's `at`."""
    if at == "title":
        return "title", None, article.title
    if at == "lead":
        return "lead", None, article.lead
    index = int(at[1:])
    if at[0] == "b":
        return "body", index, article.body[index]
    return "caption", index, article.captions[index].text


def _label_span(text: str, needle: str, nth: int) -> tuple[int, int]:
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _group(kind: str) -> str:
    return "numeric" if kind in NUMERIC_GROUP else kind


def _same_number(expected: object, found: object) -> bool:
    if expected is None or found is None:
        return expected is None and found is None
    return abs(float(expected) - float(found)) <= 1e-9 * max(1.0, abs(float(expected)))  # type: ignore[arg-type]


def _numeric_checks(label: dict[str, Any], fact: Fact) -> dict[str, tuple[object, object] | None]:
    """Per field: (expected, found), or None when the field is not asked of this label."""
    attribute = lambda name: getattr(fact, name, None)  # noqa: E731 - the old Fact lacks some fields
    value = (label.get("value"), label.get("low", label.get("value")), label.get("high", label.get("value")))
    found_value = (attribute("value"), attribute("low") if hasattr(fact, "low") else attribute("value"),
                   attribute("high") if hasattr(fact, "high") else attribute("value"))
    names_place = label.get("place") is not None
    return {
        "kind": (label["kind"], fact.kind),
        "value": (value, found_value) if not all(map(_same_number, value, found_value)) else (value, value),
        "qualifier": (label.get("qualifier"), attribute("qualifier")),
        "measure": ((label["measure"], label.get("direction")), (attribute("measure"), attribute("direction"))),
        "status": (label["status"], attribute("status")),
        "period": (period_bounds(label.get("period")), (attribute("period_start"), attribute("period_end"))),
        "compared_to": (
            period_bounds(label.get("compared_to")), (attribute("compared_to_start"), attribute("compared_to_end"))
        ),
        "place_name": (label.get("place"), attribute("place_name")) if names_place else None,
        "place_code": (str(label.get("place_code")), attribute("place_code")) if names_place else None,
    }


def _other_checks(label: dict[str, Any], fact: Fact) -> dict[str, tuple[object, object] | None]:
    attribute = lambda name: getattr(fact, name, None)  # noqa: E731
    if label["kind"] == "legal_ref":
        issued = label.get("issued_on")
        return {
            "doc_number": (label["doc_number"], fact.doc_number),
            "doc_type": (label["doc_type"], fact.doc_type),
            "issuer": (label.get("issuer"), attribute("issuer")),
            "issued_on": (date.fromisoformat(str(issued)) if issued else None, fact.issued_on),
            "doc_key": (label["doc_key"], attribute("doc_key")),
        }
    return {
        "name": (label["name"], fact.name),
        "role": (label.get("role"), fact.role),
        "organisation": (label.get("organisation"), attribute("organisation")),
    }


def score(extract: Any) -> Score:
    """Score `extract(labelled)` -> facts over every labelled article."""
    result = Score()
    for labelled in load_labelled():
        facts = list(extract(labelled))
        used: set[int] = set()
        for label in labelled.labels:
            group = _group(label["kind"])
            detection = result.detection.setdefault(group, Counter())
            detection["labelled"] += 1
            source, paragraph, text = _location(labelled.article, label["at"])
            start, end = _label_span(text, str(label["text"]), int(label.get("nth", 1)))
            candidates = [
                (min(end, fact.end) - max(start, fact.start), index)
                for index, fact in enumerate(facts)
                if index not in used and fact.source == source and fact.paragraph == paragraph
                and _group(fact.kind) == group and min(end, fact.end) > max(start, fact.start)
            ]
            if not candidates:
                result.misses.append(f"{labelled.path.stem} {label['at']} missed {label['text']!r}")
                continue
            _, index = max(candidates)
            used.add(index)
            detection["matched"] += 1
            fact = facts[index]
            checks = _numeric_checks(label, fact) if group == "numeric" else _other_checks(label, fact)
            for name, pair in checks.items():
                if pair is None:
                    continue
                counts = result.fields.setdefault(f"{group}.{name}" if group != "numeric" else name, Counter())
                counts["asked"] += 1
                expected, found = pair
                if expected == found:
                    counts["right"] += 1
                else:
                    result.misses.append(
                        f"{labelled.path.stem} {label['at']} {label['text']!r} {name}: {found!r} != {expected!r}"
                    )
        for index, fact in enumerate(facts):
            result.detection.setdefault(_group(fact.kind), Counter())["predicted"] += 1
            if index not in used:
                result.misses.append(
                    f"{labelled.path.stem} {fact.source}{fact.paragraph if fact.paragraph is not None else ''} "
                    f"extra {fact.kind} {fact.text!r}"
                )
    return result
