"""CMS families: what the sites of one CMS share, in scrapers/families/<family>.yaml.

A site file names its family and overrides only what differs. Selectors are versioned at both levels
(`valid_until`), and so is the family itself (a site that changed CMS lists its families with the day each
layout ended); layered_selector_sets() folds the levels into one timeline of complete selector sets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from provnews import settings
from transforms.page_quirks import compile_quirk_pattern
from transforms.records import DateSource, Selectors

# Keys of a selector set whose lists add up across levels; every other key of the site's set replaces the family's.
_ADDITIVE = frozenset({"drop", "strip_text"})
_LIST_KEYS = frozenset({"drop", "dates", "body_scripts", "strip_text"})


class FamilyError(ValueError):
    """A family file is missing, unreadable or does not follow the schema."""


@dataclass(frozen=True, slots=True)
class SelectorSet:
    selectors: Selectors
    valid_until: date | None  # None: current markup


@dataclass(frozen=True, slots=True)
class FamilyVersion:
    """The family a site's pages followed until a day (None: the current one)."""

    name: str
    valid_until: date | None


def families_dir() -> Path:
    return settings.FAMILIES_DIR


@lru_cache(maxsize=64)
def _load_family_document(path: Path, modified: float) -> dict:
    import jsonschema
    import yaml

    from scrapers.site import offending_key, schema

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise FamilyError(f"{path}: not valid YAML ({error.__class__.__name__})") from None
    full = schema()
    family_schema = {"$schema": full["$schema"], **full["$defs"]["family"], "$defs": full["$defs"]}
    validator = jsonschema.Draft202012Validator(family_schema)
    # best_match descends into oneOf alternatives, so the message names the nested key at fault.
    first = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if first is not None:
        raise FamilyError(f"{path}: key {offending_key(first)}: {first.message}")
    assert isinstance(document, dict)
    problem = selector_problem(document.get("select"))
    if problem:
        raise FamilyError(f"{path}: key {problem}")
    if document["name"] != path.stem:
        raise FamilyError(f"{path}: key name: '{document['name']}' must match the file name '{path.stem}'")
    return document


def load_family(name: str, directory: Path | None = None) -> dict:
    """The validated family document; FamilyError names the file and key when it is not."""
    path = (directory or families_dir()) / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.yaml"))) or "none"
        raise FamilyError(f"{path}: no such family file (known families: {known})")
    return _load_family_document(path, path.stat().st_mtime)


def load_families(directory: Path | None = None) -> dict[str, dict]:
    """Every family document by name."""
    folder = directory or families_dir()
    return {path.stem: load_family(path.stem, folder) for path in sorted(folder.glob("*.yaml"))}


def family_versions(raw: object) -> tuple[FamilyVersion, ...]:
    """The site file's `family` key as versions, oldest first; () when the site has no family."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (FamilyVersion(raw, None),)
    assert isinstance(raw, list)
    return tuple(
        FamilyVersion(item["name"], date.fromisoformat(str(item["valid_until"])) if item.get("valid_until") else None)
        for item in raw
    )


def raw_sets(select: object) -> list[dict]:
    """A `select` value (one set or a list) as a list of raw sets."""
    if select is None:
        return []
    return [dict(select)] if isinstance(select, Mapping) else [dict(item) for item in select]  # type: ignore[union-attr]


def _until(raw: Mapping) -> date | None:
    value = raw.get("valid_until")
    return date.fromisoformat(str(value)) if value else None


def _in_force(items: Sequence, until: object, day: date | None, last_by_default: bool = True):  # type: ignore[no-untyped-def]
    """The item whose period holds the day (None: the current one), else the last (or None)."""
    for item in items:
        end = until(item)
        if (end is None and day is None) or (day is not None and (end is None or day <= end)):
            return item
    return items[-1] if items and last_by_default else None


def current_family(versions: tuple[FamilyVersion, ...]) -> str | None:
    """The family of the current layout; None when the site's last family has ended."""
    version = _in_force(versions, lambda item: item.valid_until, None, last_by_default=False)
    return version.name if version else None


def _overlay(family_set: Mapping | None, site_set: Mapping | None) -> dict:
    merged = {key: value for key, value in (family_set or {}).items() if key != "valid_until"}
    for key, value in (site_set or {}).items():
        if key == "valid_until":
            continue
        merged[key] = [*merged.get(key, []), *value] if key in _ADDITIVE else value
    return merged


_CSS_KEYS = ("title", "lead", "body", "date", "author", "section", "captions", "canonical")


def selector_problem(select: object) -> str | None:
    """The first key of a `select` value whose CSS or regular expression cannot be used, with why."""
    import re2

    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    probe = LexborHTMLParser("<p></p>")
    sets = raw_sets(select)
    for number, raw in enumerate(sets):
        where = f"select.{number}." if isinstance(select, list) else "select."
        css = [(key, raw[key]) for key in _CSS_KEYS if raw.get(key)]
        css += [(f"drop.{index}", value) for index, value in enumerate(raw.get("drop", ()))]
        css += [(f"dates.{index}.select", source["select"]) for index, source in enumerate(raw.get("dates", ()))]
        for key, value in css:
            try:
                probe.css(value)
            except SelectolaxError:
                return f"{where}{key}: not a CSS selector: {value!r}"
        patterns = [(f"body_scripts.{i}", v) for i, v in enumerate(raw.get("body_scripts", ()))]
        patterns += [(f"strip_text.{i}", v) for i, v in enumerate(raw.get("strip_text", ()))]
        for key, value in patterns:
            try:
                compiled = compile_quirk_pattern(value)
            except re2.error as error:
                return f"{where}{key}: not a regular expression ({error})"
            if key.startswith("body_scripts") and "html" not in compiled.groupindex:
                return f"{where}{key}: needs a group named html"
    return None


def selectors_from(raw: Mapping) -> Selectors:
    """A Selectors from a merged raw set."""
    values = {key: tuple(value) if key in _LIST_KEYS else value for key, value in raw.items()}
    values["dates"] = tuple(
        DateSource(
            selector=source["select"],
            attribute=source.get("attribute"),
            day_first=source.get("order", "day-first") == "day-first",
        )
        for source in raw.get("dates", ())
    )
    return Selectors(**values)


def layered_selector_sets(
    site_select: object, versions: tuple[FamilyVersion, ...], directory: Path | None = None
) -> tuple[SelectorSet, ...]:
    """One timeline of complete selector sets: family layouts, family sets and site sets folded together."""
    site_sets = raw_sets(site_select)
    family_sets = {version.name: raw_sets(load_family(version.name, directory).get("select")) for version in versions}
    ends = {_until(raw) for raw in site_sets}
    ends |= {version.valid_until for version in versions}
    ends |= {_until(raw) for sets in family_sets.values() for raw in sets}
    ends.discard(None)
    timeline: list[SelectorSet] = []
    for end in [*sorted(ends), None]:
        version = _in_force(versions, lambda item: item.valid_until, end, last_by_default=False)
        family_set = _in_force(family_sets[version.name], _until, end) if version else None
        site_set = _in_force(site_sets, _until, end)
        merged = _overlay(family_set, site_set)
        if not merged:
            continue
        selectors = selectors_from(merged)
        if timeline and timeline[-1].selectors == selectors:
            timeline[-1] = SelectorSet(selectors, end)
        else:
            timeline.append(SelectorSet(selectors, end))
    return tuple(timeline)
