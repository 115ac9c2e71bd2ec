"""An article with its facts marked where they stand: what the browse view's article page shows.

Works on whatever columns the browse edition has: a fact is placed by its source (title, lead,
body, caption), paragraph and character offsets, and described by every field it carries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Fields of a fact that say where it is or who found it, not what it means.
PLACEMENT_FIELDS = frozenset(
    {"fact_id", "article_id", "story_id", "article_title", "article_url", "site", "province",
     "published_day", "year", "text", "sentence", "source", "paragraph", "start_offset",
     "end_offset", "extractor_version"}
)
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(slots=True)
class MarkedFact:
    number: int
    fact: dict
    placed: bool = False
    start: int = 0
    end: int = 0

    @property
    def anchor(self) -> str:
        return f"fact-{self.number}"

    @property
    def fields(self) -> list[tuple[str, str]]:
        """What the fact means: every non-empty field but its placement."""
        return [
            (name, _number(value))
            for name, value in self.fact.items()
            if name not in PLACEMENT_FIELDS and value not in (None, "", "[]")
        ]

    @property
    def summary(self) -> str:
        """kind · value unit · period · place, for the mark's hover text."""
        fact = self.fact
        value = fact.get("value")
        # A range has low and high and no value; a single figure has all three equal.
        if value is None and fact.get("low") is not None and fact.get("high") is not None:
            value = f"{_number(fact['low'])}–{_number(fact['high'])}"
        elif value is not None:
            value = _number(value)
        period = fact.get("period") or " – ".join(
            str(fact[name]) for name in ("period_start", "period_end") if fact.get(name)
        )
        place = fact.get("place_name") or fact.get("place")
        parts = [
            fact.get("kind"),
            " ".join(str(part) for part in (value, fact.get("unit")) if part not in (None, "")),
            period,
            place,
            fact.get("doc_number"),
            " ".join(str(part) for part in (fact.get("name"), fact.get("role")) if part),
        ]
        return " · ".join(str(part) for part in parts if part)


@dataclass(slots=True)
class Segment:
    """One text of the article (title, lead, a paragraph, a caption) with its facts marked."""
    source: str
    index: int | None
    text: str
    marked: list[MarkedFact] = field(default_factory=list)

    def html(self) -> Markup:
        placed = sorted((mark for mark in self.marked if mark.placed), key=lambda mark: mark.start)
        pieces: list[str] = []
        cursor = 0
        for mark in placed:
            start, end = mark.start, mark.end
            pieces.append(escape(self.text[cursor:start]))
            pieces.append(
                Markup('<mark class="fact fact-{kind}" id="{anchor}" title="{summary}" data-kind="{kind}">{text}</mark>').format(
                    kind=mark.fact.get("kind") or "fact", anchor=mark.anchor, summary=mark.summary,
                    text=self.text[start:end],
                )
            )
            cursor = end
        pieces.append(escape(self.text[cursor:]))
        return Markup("").join(pieces)


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", " ") if isinstance(value, (int, float)) else str(value)


def _place(segment: Segment, mark: MarkedFact) -> None:
    """Mark the fact at its offsets, or at its first free occurrence when the offsets don't fit."""
    fact, text = mark.fact, segment.text
    start, end = fact.get("start_offset"), fact.get("end_offset")
    surface = fact.get("text") or ""
    if not (isinstance(start, int) and isinstance(end, int) and text[start:end] == surface and surface):
        start = text.find(surface) if surface else -1
        end = start + len(surface)
    if start < 0:
        return
    if any(start < other.end and other.start < end for other in segment.marked if other.placed):
        return  # overlapping facts: the side list still shows it
    mark.start, mark.end, mark.placed = start, end, True


def mark_article(article: dict, captions: list[dict], facts: list[dict]) -> tuple[list[Segment], list[MarkedFact]]:
    """The article's texts with every fact marked where it stands, and every fact in reading order."""
    segments = [Segment("title", None, article.get("title") or ""), Segment("lead", None, article.get("lead") or "")]
    segments += [
        Segment("body", index, paragraph)
        for index, paragraph in enumerate((article.get("body") or "").split(PARAGRAPH_SEPARATOR))
    ]
    segments += [Segment("caption", caption.get("position"), caption.get("text") or "") for caption in captions]
    by_place = {(segment.source, segment.index): segment for segment in segments}
    order = {(segment.source, segment.index): position for position, segment in enumerate(segments)}
    facts = sorted(
        facts,
        key=lambda fact: (
            order.get((fact.get("source"), _segment_index(fact)), len(segments)),
            fact.get("start_offset") or 0,
        ),
    )
    marked = []
    for number, fact in enumerate(facts, start=1):
        mark = MarkedFact(number, dict(fact))
        segment = by_place.get((fact.get("source"), _segment_index(fact)))
        if segment is not None:
            segment.marked.append(mark)
            _place(segment, mark)
        marked.append(mark)
    return segments, marked


def _segment_index(fact: dict) -> int | None:
    return fact.get("paragraph") if fact.get("source") in ("body", "caption") else None


def web_address(value: object) -> str | None:
    """The value if it is an http(s) address, else None: a page's javascript: link never becomes ours."""
    if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
        return value
    return None


def bylines(article: dict) -> list[str]:
    """The article's bylines (or authors), whichever the edition has, as a list of names."""
    for name in ("bylines", "authors"):
        value = article.get(name)
        if not value:
            continue
        try:
            parsed = json.loads(value)
        except (TypeError, ValueError):
            return [str(value)]
        if isinstance(parsed, list):
            return [str(item.get("name", item)) if isinstance(item, dict) else str(item) for item in parsed if item]
        return [str(parsed)]
    return []
