"""Site files: one YAML file per news site, validated against site.schema.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import re2

from provnews import settings
from scrapers.family import (
    FamilyError, SelectorSet, current_family, family_versions, layered_selector_sets, load_family, selector_problem,
)
from transforms.records import Selectors

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).with_name("site.schema.json")


class SiteError(ValueError):
    """A site file is missing, unreadable or does not follow the schema."""


@dataclass(frozen=True, slots=True)
class Discovery:
    sitemaps: tuple[str, ...] = ()
    rss: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    pagination: str | None = None
    max_category_pages: int = 5
    home_page: bool = False  # category pages are rendered by a script: read links from the home page

    @property
    def methods(self) -> tuple[str, ...]:
        """How the site's articles are found: sitemap, rss, categories, home page."""
        found = [("sitemap", self.sitemaps), ("rss", self.rss), ("categories", self.categories), ("home page", self.home_page)]
        return tuple(name for name, present in found if present)


@dataclass(frozen=True, slots=True)
class RevisitPolicy:
    """Which already-landed articles a crawl asks for again; see README, "Revisits"."""

    # A known article published longer ago than this is not requested again, unless a sitemap
    # <lastmod> newer than the landed copy says it changed.
    max_age_days: int = settings.REVISIT_MAX_AGE_DAYS
    # Category pagination stops at the first listing page whose article links are all known.
    stop_pagination_at_known: bool = True


@dataclass(frozen=True)
class Site:
    name: str
    province: str
    base_url: str  # without trailing slash, {mirror} already resolved
    discovery: Discovery
    article_url: str
    selector_sets: tuple[SelectorSet, ...] = ()
    title: str = ""
    mirror: bool = False
    nightly: bool = True
    day_first: bool = True
    timezone: str = settings.TIMEZONE
    download_delay: float = 1.0
    autothrottle: bool = True
    concurrent_requests_per_domain: int = 2
    obey_robots: bool = True
    max_pages: int | None = None
    revisit: RevisitPolicy = RevisitPolicy()
    path: Path | None = field(default=None, compare=False)
    province_code: str | None = None  # two digits, the 2025 units
    kind: str = "other"  # newspaper | portal | other
    family: str | None = None  # the CMS family of the current layout
    verified: str = ""  # what the site file rests on
    legacy_of: str | None = None  # the absorbed paper whose archive this host keeps
    image_referer: bool = False  # photo requests need the site as Referer

    def image_headers(self) -> dict[str, str]:
        """Headers a request for one of the site's photos needs."""
        return {"Referer": self.base_url + "/"} if self.image_referer else {}

    @cached_property
    def article_pattern(self) -> re2._Regexp:
        return compile_pattern(self.article_url)

    def is_article(self, url: str) -> bool:
        return self.article_pattern.search(url) is not None

    def absolute(self, path_or_url: str) -> str:
        return urljoin(self.base_url + "/", path_or_url.lstrip("/")) if not path_or_url.startswith(
            ("http://", "https://")
        ) else path_or_url

    def selectors_for(self, fetched_at: datetime | None) -> Selectors | None:
        """The selector set in force when the page was fetched; None means generic extraction."""
        if not self.selector_sets:
            return None
        day = fetched_at.date() if fetched_at else None
        for selector_set in self.selector_sets:
            if selector_set.valid_until is None or (day is not None and day <= selector_set.valid_until):
                return selector_set.selectors
        return self.selector_sets[-1].selectors


def compile_pattern(pattern: str) -> re2._Regexp:
    """A site file's pattern in RE2, whose matching time is linear in the text.

    Python's engine backtracks: '(a+)+$' against a long run of a's took a crawl hours of CPU.
    RE2 has no backreferences or look-arounds, so a pattern using them is refused (re2.error).
    """
    options = re2.Options()
    options.log_errors = False  # the refusal is reported as a SiteError, not on stderr
    return re2.compile(pattern, options)


# A site file is a page of YAML; anything far larger is a mistake or an attack.
MAX_SITE_FILE_BYTES = 256 * 1024
# What an error message may quote of a bad value.
QUOTE_LIMIT = 200


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The text on one line, cut to `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def mirror_base(port: int | None = None) -> str:
    return f"http://{settings.MIRROR_HOST}:{port or settings.MIRROR_PORT}"


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema() -> dict:
    """The site file schema; its $defs also hold the family file schema."""
    return _schema()


def offending_key(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(part) for part in error.absolute_path)
    return path or "(top level)"


def parse_site(document: object, path: Path | None = None, mirror_port: int | None = None) -> Site:
    """Validate one site document (already read from YAML) and build the Site."""
    # Imported here: the spider process rebuilds sites from JSON and never validates a file.
    import jsonschema

    where = str(path) if path else "site file"
    validator = jsonschema.Draft202012Validator(_schema())
    # best_match descends into oneOf alternatives, so the message names the nested key at fault.
    first = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if first is not None:
        raise SiteError(f"{where}: key {shorten(offending_key(first))}: {shorten(first.message)}")
    assert isinstance(document, dict)
    problem = selector_problem(document.get("select"))
    if problem:
        raise SiteError(f"{where}: key {problem}")
    versions = family_versions(document.get("family"))
    try:
        family_name = current_family(versions)
        family = load_family(family_name) if family_name else {}
        selector_sets = layered_selector_sets(document.get("select"), versions)
    except FamilyError as error:
        raise SiteError(f"{where}: key family: {error}") from None
    for key in ("discover", "article_url"):
        if key not in document and key not in family:
            raise SiteError(f"{where}: key {key}: required (neither the site file nor its family gives it)")
    article_url = document.get("article_url", family.get("article_url"))
    try:
        compile_pattern(article_url)
    except re2.error as error:
        detail = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) else error
        raise SiteError(
            f"{where}: key article_url: not a regular expression RE2 can run in linear time ({shorten(str(detail))})"
        ) from None
    discover = {**family.get("discover", {}), **document.get("discover", {})}
    politeness = {**family.get("politeness", {}), **document.get("politeness", {})}
    is_mirror = bool(document.get("mirror", False))
    base_url = document["base_url"].replace("{mirror}", mirror_base(mirror_port)).rstrip("/")
    return Site(
        name=document["name"],
        title=document.get("title", document["name"]),
        province=document["province"],
        base_url=base_url,
        discovery=Discovery(
            sitemaps=tuple(discover.get("sitemaps", ())),
            rss=tuple(discover.get("rss", ())),
            categories=tuple(discover.get("categories", ())),
            pagination=discover.get("pagination"),
            max_category_pages=discover.get("max_category_pages", 5),
            home_page=bool(discover.get("home_page", False)),
        ),
        article_url=article_url,
        selector_sets=selector_sets,
        mirror=is_mirror,
        nightly=bool(document.get("nightly", True)),
        day_first=document.get("date_format", family.get("date_format", "day-first")) == "day-first",
        timezone=document.get("timezone", settings.TIMEZONE),
        download_delay=politeness.get("download_delay", 0.0 if is_mirror else 1.0),
        autothrottle=politeness.get("autothrottle", not is_mirror),
        concurrent_requests_per_domain=politeness.get(
            "concurrent_requests_per_domain", 8 if is_mirror else 2
        ),
        obey_robots=politeness.get("obey_robots", True),
        max_pages=document.get("max_pages"),
        revisit=RevisitPolicy(**document.get("revisit", {})),
        path=path,
        province_code=document.get("province_code"),
        kind=document.get("kind", family.get("kind", "other")),
        family=family_name,
        verified=document.get("verified", ""),
        legacy_of=document.get("legacy_of"),
        image_referer=bool(document.get("image_referer", family.get("image_referer", False))),
    )


def read_yaml(text: str) -> object:
    """YAML without aliases: a 421-byte alias bomb expanded to 1.5 GB; a site file needs none."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in site files", event.start_mark
                )
            return super().compose_node(parent, index)

    return yaml.load(text, Loader=NoAliasLoader)


def load_site_file(path: Path, mirror_port: int | None = None) -> Site:
    import yaml

    try:
        if path.stat().st_size > MAX_SITE_FILE_BYTES:
            raise SiteError(f"{path}: larger than {MAX_SITE_FILE_BYTES:,} bytes; a site file is a page of YAML")
        document = read_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(f"{path}: no such site file") from None
    except yaml.MarkedYAMLError as error:
        where = f" at line {error.problem_mark.line + 1}" if error.problem_mark else ""
        problem = shorten(str(error.problem or error.__class__.__name__))
        raise SiteError(f"{path}: not valid YAML{where} ({problem})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SiteError(f"{path}: not valid YAML ({error.__class__.__name__})") from None
    site = parse_site(document, path, mirror_port)
    if site.name != path.stem:
        raise SiteError(f"{path}: key name: '{shorten(site.name)}' must match the file name '{path.stem}'")
    return site


def load_sites(directory: Path | None = None, mirror_port: int | None = None) -> dict[str, Site]:
    """Every site file in the directory, by name."""
    directory = directory or settings.SITES_DIR
    return {
        path.stem: load_site_file(path, mirror_port)
        for path in sorted(directory.glob("*.yaml"))
    }


def get_site(name: str, directory: Path | None = None, mirror_port: int | None = None) -> Site:
    sites = load_sites(directory, mirror_port)
    if name not in sites:
        known = ", ".join(sorted(sites)) or "none"
        raise SiteError(f"unknown site '{name}' (known: {known})")
    return sites[name]
