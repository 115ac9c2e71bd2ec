"""The mirror's article records: one YAML file per article under mirror/articles/, loaded and validated.

A record is mirror/articles/<site>--<id>.yaml with the keys site, id, slug, section, title,
lead, body (paragraphs; "## " starts a sub-heading), captions ({text, credit, image, after}
where after is the body index the photo follows, -1 for before the first paragraph),
published_at (ISO 8601 with offset), authors, byline_roles (optional), tags, json_ld and
syndicated_from ("<site>--<id>" of the original, or null). Caption text never goes in the
body: the renderers repeat it in alt, figcaption and <p><em> themselves.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"

# site → section slug → section name, as the imitated outlets label them (mirror/sites.yaml).
SECTIONS: dict[str, dict[str, str]] = {
    site: {str(slug): name for slug, name in config["sections"].items()}
    for site, config in yaml.safe_load((Path(__file__).resolve().parent / "sites.yaml").read_text(encoding="utf-8")).items()
}

_REQUIRED = {
    "site", "id", "slug", "section", "title", "lead", "body", "captions",
    "published_at", "authors", "tags", "json_ld", "syndicated_from",
}
_OPTIONAL = {"byline_roles"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ARTICLE_KEY = re.compile(r"^(?P<site>[a-z0-9-]+?)--(?P<id>\d+)$")


class MirrorContentError(ValueError):
    """An article file breaks the record contract; the message names the file and the key."""


@dataclass(frozen=True)
class MirrorCaption:
    text: str
    credit: str | None
    image: str  # path on the mirror server, e.g. /images/3391234-1.jpg
    after: int  # body index the photo follows; -1 puts it before the first paragraph


@dataclass(frozen=True)
class MirrorArticle:
    site: str
    id: int
    slug: str
    section: str
    title: str
    lead: str
    body: tuple[str, ...]  # paragraphs in order; "## " starts a sub-heading
    captions: tuple[MirrorCaption, ...]
    published_at: datetime  # always timezone-aware
    authors: tuple[str, ...]
    byline_roles: dict[str, str]
    tags: tuple[str, ...]
    json_ld: bool
    syndicated_from: str | None  # "<site>--<id>" of the original when this is a republished copy

    @property
    def key(self) -> str:
        """The "<site>--<id>" name other records and the file name use."""
        return f"{self.site}--{self.id}"


def load_articles(directory: Path = ARTICLES_DIR) -> list[MirrorArticle]:
    """Every *.yaml article under directory, validated, sorted by (site, published_at)."""
    articles = [load_article(path) for path in sorted(Path(directory).glob("*.yaml"))]
    keys = {a.key for a in articles}
    for article in articles:
        source = article.syndicated_from
        # A copy must point at a real article on another page, or dedup tests prove nothing.
        if source is not None and (source not in keys or source == article.key):
            raise MirrorContentError(
                f"{article.key}.yaml: syndicated_from {source!r} names no other article"
            )
    return sorted(articles, key=lambda a: (a.site, a.published_at, a.id))


def load_article(path: Path) -> MirrorArticle:
    """One article file, validated field by field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MirrorContentError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise MirrorContentError(f"{path.name}: expected a mapping at the top level")
    check = _Checker(path.name)
    missing = _REQUIRED - raw.keys()
    unknown = raw.keys() - _REQUIRED - _OPTIONAL
    if missing:
        check.fail("(file)", f"missing keys {sorted(missing)}")
    if unknown:
        check.fail("(file)", f"unknown keys {sorted(unknown)}")

    site = check.text(raw, "site")
    if site not in SECTIONS:
        check.fail("site", f"{site!r} is not one of {sorted(SECTIONS)}")
    article_id = raw["id"]
    if not isinstance(article_id, int) or isinstance(article_id, bool) or article_id <= 0:
        check.fail("id", f"expected a positive integer, got {article_id!r}")
    if path.name != f"{site}--{article_id}.yaml":
        check.fail("id", f"file name must be {site}--{article_id}.yaml")
    slug = check.text(raw, "slug")
    if not _SLUG.match(slug):
        check.fail("slug", f"{slug!r} is not lowercase ASCII words joined by hyphens")
    # The portal's section ids are numbers; YAML reads an unquoted 1 as int.
    section = str(raw["section"])
    if section not in SECTIONS[site]:
        check.fail("section", f"{section!r} is not a section of {site}: {sorted(SECTIONS[site])}")

    body = tuple(check.texts(raw, "body"))
    if not body:
        check.fail("body", "an article needs at least one paragraph")
    captions = tuple(check.caption(raw, i, len(body)) for i in range(len(check.items(raw, "captions"))))

    published_at = raw["published_at"]
    if isinstance(published_at, str):
        try:
            published_at = datetime.fromisoformat(published_at)
        except ValueError:
            check.fail("published_at", f"{published_at!r} is not ISO 8601")
    if not isinstance(published_at, datetime) or published_at.utcoffset() is None:
        check.fail("published_at", "needs a date, a time and a UTC offset such as +07:00")

    roles = raw.get("byline_roles") or {}
    if not isinstance(roles, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in roles.items()
    ):
        check.fail("byline_roles", "expected a mapping of role to name")
    for key, value in roles.items():
        check.nfc(f"byline_roles.{key}", key + value)

    json_ld = raw["json_ld"]
    if not isinstance(json_ld, bool):
        check.fail("json_ld", f"expected true or false, got {json_ld!r}")
    source = raw["syndicated_from"]
    if source is not None and not (isinstance(source, str) and _ARTICLE_KEY.match(source)):
        check.fail("syndicated_from", f"expected null or '<site>--<id>', got {source!r}")

    return MirrorArticle(
        site=site,
        id=article_id,
        slug=slug,
        section=section,
        title=check.text(raw, "title"),
        lead=check.text(raw, "lead"),
        body=body,
        captions=captions,
        published_at=published_at,
        authors=tuple(check.texts(raw, "authors")),
        byline_roles=dict(roles),
        tags=tuple(check.texts(raw, "tags")),
        json_ld=json_ld,
        syndicated_from=source,
    )


class _Checker:
    """Field checks that raise MirrorContentError naming the file and the key."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, key: str, problem: str) -> None:
        raise MirrorContentError(f"{self.filename}: {key}: {problem}")

    def nfc(self, key: str, value: str) -> None:
        # Decomposed diacritics look identical on screen but defeat exact-match dedup and facts.
        if not unicodedata.is_normalized("NFC", value):
            self.fail(key, "text is not in Unicode NFC")

    def text(self, raw: dict[str, Any], key: str, where: str | None = None) -> str:
        value = raw.get(key)
        name = where or key
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"expected non-empty text, got {value!r}")
        self.nfc(name, value)
        return value

    def items(self, raw: dict[str, Any], key: str) -> list[Any]:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {type(value).__name__}")
        return value

    def texts(self, raw: dict[str, Any], key: str) -> list[str]:
        values = self.items(raw, key)
        return [self.text({key: v}, key, f"{key}[{i}]") for i, v in enumerate(values)]

    def caption(self, raw: dict[str, Any], index: int, body_length: int) -> MirrorCaption:
        where = f"captions[{index}]"
        item = raw["captions"][index]
        if not isinstance(item, dict) or set(item) - {"text", "credit", "image", "after"}:
            self.fail(where, "expected {text, credit, image, after}")
        credit = item.get("credit")
        if credit is not None:
            credit = self.text(item, "credit", f"{where}.credit")
        image = self.text(item, "image", f"{where}.image")
        if not image.startswith("/"):
            self.fail(f"{where}.image", f"expected a server path starting with '/', got {image!r}")
        after = item.get("after")
        if not isinstance(after, int) or isinstance(after, bool) or not -1 <= after < body_length:
            self.fail(f"{where}.after", f"expected -1..{body_length - 1}, got {after!r}")
        return MirrorCaption(
            text=self.text(item, "text", f"{where}.text"), credit=credit, image=image, after=after
        )
