"""Recall and precision of the facts extractor on hand-labelled articles, and the accuracy of every
field of a fact's meaning on the labelled set of tests/fixtures/facts_meaning."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date

import pytest

from bench.facts import FIXTURES, load_labelled_article
from tests.facts_scoring import Score, score
from transforms.facts import NUMERIC_KINDS, extract_facts
from transforms.records import Article, Fact

# Floors of the meaning set: detection per group, and each field over the figures found.
DETECTION_FLOOR = 0.95
FIELD_FLOORS = {
    "value": 0.98, "kind": 0.97, "qualifier": 0.95, "measure": 0.93, "status": 0.93, "period": 0.90,
    "compared_to": 0.90, "place_name": 0.90, "place_code": 0.90,
}
# A count, a measure and a duration were all "number" when these fixtures were labelled.
_COUNTED_KINDS = frozenset({"number", "measure", "duration", "percentage_point"})


def _kind_group(kind: str) -> str:
    return "number" if kind in _COUNTED_KINDS else kind


def _label_key(label: dict[str, object]) -> tuple[object, ...]:
    """What must agree for an extracted fact to match this label."""
    kind = str(label["kind"])
    place = (label["source"], label["paragraph"], _kind_group(kind), label["text"])
    if kind in NUMERIC_KINDS:
        return (*place, round(float(label["value"]), 6))  # type: ignore[arg-type]
    if kind == "legal_ref":
        return (*place, label["doc_number"])
    return (*place, label["name"])


def _fact_key(fact: Fact) -> tuple[object, ...]:
    """The same key computed from an extracted fact."""
    place = (fact.source, fact.paragraph, _kind_group(fact.kind), fact.text)
    if fact.kind in NUMERIC_KINDS:
        return (*place, round(fact.value, 6) if fact.value is not None else None)
    if fact.kind == "legal_ref":
        return (*place, fact.doc_number)
    return (*place, fact.name)


def _evaluate() -> dict[str, Counter[str]]:
    """Matched, labelled and predicted counts per kind group over every fixture article."""
    counts: dict[str, Counter[str]] = {"numeric": Counter(), "legal_ref": Counter(), "person": Counter()}
    for path in sorted(FIXTURES.glob("*.yaml")):
        article, labels = load_labelled_article(path)
        predicted = Counter(_fact_key(fact) for fact in extract_facts(article))
        expected = Counter(_label_key(label) for label in labels)
        for key, count in (predicted | expected).items():
            group = "numeric" if key[2] in NUMERIC_KINDS else str(key[2])
            counts[group]["matched"] += min(predicted[key], expected[key])
            counts[group]["labelled"] += expected[key]
            counts[group]["predicted"] += predicted[key]
    return counts


def _figures(counts: Counter[str]) -> tuple[float, float]:
    """Recall and precision from matched, labelled and predicted counts."""
    recall = counts["matched"] / counts["labelled"] if counts["labelled"] else 1.0
    precision = counts["matched"] / counts["predicted"] if counts["predicted"] else 1.0
    return recall, precision


@pytest.fixture(scope="module")
def evaluation() -> dict[str, Counter[str]]:
    """The labelled-set counts, computed once for the tests of this module."""
    return _evaluate()


def test_labelled_set_has_every_kind_and_three_articles(evaluation: dict[str, Counter[str]]) -> None:
    assert len(list(FIXTURES.glob("*.yaml"))) >= 3
    assert evaluation["numeric"]["labelled"] >= 80
    assert evaluation["legal_ref"]["labelled"] >= 10
    assert evaluation["person"]["labelled"] >= 10


def test_numeric_facts_reach_recall_and_precision_floors(evaluation: dict[str, Counter[str]]) -> None:
    recall, precision = _figures(evaluation["numeric"])
    message = f"numeric recall {recall:.3f} precision {precision:.3f} ({dict(evaluation['numeric'])})"
    assert recall >= 0.95 and precision >= 0.95, message


def test_legal_references_are_all_found(evaluation: dict[str, Counter[str]]) -> None:
    recall, precision = _figures(evaluation["legal_ref"])
    message = f"legal_ref recall {recall:.3f} precision {precision:.3f} ({dict(evaluation['legal_ref'])})"
    assert recall == 1.0, message


def test_people_reach_recall_floor(evaluation: dict[str, Counter[str]]) -> None:
    recall, precision = _figures(evaluation["person"])
    message = f"person recall {recall:.3f} precision {precision:.3f} ({dict(evaluation['person'])})"
    assert recall >= 0.9, message


def test_labelled_units_roles_and_issue_dates_agree() -> None:
    mismatches: list[str] = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        article, labels = load_labelled_article(path)
        facts = {(_fact_key(fact)): fact for fact in extract_facts(article)}
        for label in labels:
            fact = facts.get(_label_key(label))
            if fact is None:
                continue
            for field in ("unit", "denominator", "per_unit", "doc_type", "role", "issued_on"):
                if field not in label:
                    continue
                expected = label[field]
                if field == "issued_on":
                    expected = date.fromisoformat(str(expected))
                if field == "denominator":
                    expected = float(expected)  # type: ignore[arg-type]
                if getattr(fact, field) != expected:
                    mismatches.append(f"{path.stem} {label['text']!r} {field}: {getattr(fact, field)!r} != {expected!r}")
    assert not mismatches, "\n".join(mismatches)


def _source_text(article: Article, fact: Fact) -> str:
    """The single text a fact's offsets point into."""
    if fact.source == "title":
        return article.title
    if fact.source == "lead":
        return article.lead
    if fact.source == "body":
        return article.body[fact.paragraph]  # type: ignore[index]
    return next(caption.text for caption in article.captions if caption.position == fact.paragraph)


def test_every_fact_points_at_its_text_and_sentence_in_nfc_fixtures() -> None:
    for path in sorted(FIXTURES.glob("*.yaml")):
        article, _ = load_labelled_article(path)
        for fact in extract_facts(article):
            source_text = _source_text(article, fact)
            assert unicodedata.is_normalized("NFC", source_text)
            assert source_text[fact.start : fact.end] == fact.text
            assert fact.text in fact.sentence and fact.sentence in source_text


@pytest.fixture(scope="module")
def meaning() -> Score:
    """The meaning set scored once, its table printed for the record."""
    result = score(lambda labelled: extract_facts(labelled.article, labelled.province_code))
    print("\n" + result.table())
    return result


def test_meaning_set_is_large_enough(meaning: Score) -> None:
    assert meaning.detection["numeric"]["labelled"] >= 300
    assert meaning.detection["legal_ref"]["labelled"] >= 40
    assert meaning.detection["person"]["labelled"] >= 40


def test_meaning_set_detection_reaches_its_floors(meaning: Score) -> None:
    for group in ("numeric", "legal_ref", "person"):
        assert meaning.recall(group) >= DETECTION_FLOOR, meaning.table() + "\n" + "\n".join(meaning.misses)
        assert meaning.precision(group) >= DETECTION_FLOOR, meaning.table() + "\n" + "\n".join(meaning.misses)


@pytest.mark.parametrize("field", sorted(FIELD_FLOORS))
def test_meaning_set_field_reaches_its_floor(meaning: Score, field: str) -> None:
    misses = [miss for miss in meaning.misses if f" {field}:" in miss]
    assert meaning.rate(field) >= FIELD_FLOORS[field], meaning.table() + "\n" + "\n".join(misses)
