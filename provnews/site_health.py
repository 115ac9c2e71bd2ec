"""For whoever keeps sites working: `provnews sites` (every site and how it fares) and `provnews check-site`.

check-site tells, on one saved page, which selector of the site file or of its family matched each field,
what each field came out as, and which drop rules fired: the tool for repairing a site after a redesign.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from scrapers.family import family_versions, layered_selector_sets
from scrapers.site import Site, load_sites
from transforms.dates import parse_date
from transforms.page_quirks import scripted_body
from transforms.parse import parse_page
from transforms.records import Selectors
from transforms.text import normalise_text, read_page

# A site is flagged when its share of pages read by the body selector on its latest day falls this far
# (absolute) below the median of its daily shares over the 30 days before.
SELECTOR_SHARE_DROP = 0.2
_TEXT_FIELDS = ("title", "lead", "body", "date", "author", "section", "captions", "canonical")


@dataclass(frozen=True)
class SiteRow:
    province_code: str
    province: str
    site: str
    kind: str
    family: str
    discovery: str
    verified: str
    last_crawl: str
    articles_7_days: int | None
    body_selector_share: float | None
    share_median_30_days: float | None

    @property
    def flag(self) -> str:
        """"selectors?" when the body selector matched markedly fewer pages than usual."""
        if self.body_selector_share is None or self.share_median_30_days is None:
            return ""
        return "selectors?" if self.body_selector_share < self.share_median_30_days - SELECTOR_SHARE_DROP else ""


def site_rows(sites: dict[str, Site], published: Path | None) -> list[SiteRow]:
    """One row per site, with the published warehouse's figures when there is one."""
    crawls, recent, shares = _warehouse_figures(published) if published and published.exists() else ({}, {}, {})
    rows = []
    for name, site in sorted(sites.items(), key=lambda item: (item[1].province_code or "99", item[0])):
        latest, median = _latest_and_median(shares.get(name, []))
        rows.append(
            SiteRow(
                province_code=site.province_code or "",
                province=site.province,
                site=name,
                kind=site.kind,
                family=site.family or "-",
                discovery=", ".join(site.discovery.methods),
                verified=site.verified,
                last_crawl=crawls.get(name, "never"),
                articles_7_days=recent.get(name, 0) if published and published.exists() else None,
                body_selector_share=latest,
                share_median_30_days=median,
            )
        )
    return rows


def _warehouse_figures(path: Path) -> tuple[dict[str, str], dict[str, int], dict[str, list[tuple[date, float]]]]:
    from warehouse.connection import connect

    connection = connect(path, read_only=True)
    try:
        crawls = {
            site: f"{status} {finished:%Y-%m-%d %H:%M}" if finished else status
            for site, status, finished in connection.execute(
                """
                SELECT site, arg_max(status, started_at), arg_max(finished_at, started_at)
                FROM crawl_runs GROUP BY site
                """
            ).fetchall()
        }
        recent = dict(
            connection.execute(
                """
                SELECT site, count(*) FROM articles
                WHERE coalesce(published_at, first_seen_at) >= now() - INTERVAL 7 DAY
                  AND coalesce(published_at, first_seen_at) <= now() + INTERVAL 1 DAY
                GROUP BY site
                """
            ).fetchall()
        )
        shares: dict[str, list[tuple[date, float]]] = {}
        for site, day, share in connection.execute(
            """
            SELECT site, CAST(parsed_at AS DATE) AS day, avg(CAST(extractor = 'selectors' AS DOUBLE))
            FROM articles
            WHERE parsed_at >= now() - INTERVAL 31 DAY
            GROUP BY site, day ORDER BY site, day
            """
        ).fetchall():
            shares.setdefault(site, []).append((day, share))
    finally:
        connection.close()
    return crawls, recent, shares


def _latest_and_median(days: list[tuple[date, float]]) -> tuple[float | None, float | None]:
    """The latest day's share and the median of the days before it (None without history)."""
    if not days:
        return None, None
    latest = days[-1][1]
    before = [share for _, share in days[:-1]]
    return latest, (statistics.median(before) if before else None)


def format_rows(rows: list[SiteRow]) -> str:
    """A plain table: one line per site, the verified note last."""
    header = ("code", "province", "site", "kind", "family", "discovery", "last crawl", "7 days", "body sel.", "flag", "verified")
    lines = [
        (
            row.province_code, row.province, row.site, row.kind, row.family, row.discovery, row.last_crawl,
            "-" if row.articles_7_days is None else str(row.articles_7_days),
            "-" if row.body_selector_share is None else f"{row.body_selector_share:.0%}",
            row.flag, row.verified,
        )
        for row in rows
    ]
    widths = [max(len(str(value)) for value in column) for column in zip(header, *lines, strict=True)][:-1]
    return "\n".join(
        "  ".join([*(str(value).ljust(width) for value, width in zip(line[:-1], widths, strict=True)), line[-1]])
        for line in [header, *lines]
    )


# ---- check-site


def _origin(site: Site, field: str, value: object) -> str:
    """Whether a selector value comes from the family file or from the site file."""
    if not site.family:
        return "site"
    family_set = layered_selector_sets(None, family_versions(site.family))
    family_value = getattr(family_set[-1].selectors, field) if family_set else None
    return f"family {site.family}" if family_value == value else "site"


def check_page(site: Site, raw: bytes, url: str, content_type: str | None = None) -> dict:
    """Which selectors matched on the page, what each field came out as, which drop rules fired."""
    selectors = site.selectors_for(None) or Selectors()
    html, _ = read_page(raw, content_type)
    tree = LexborHTMLParser(html)
    report: dict = {"site": site.name, "family": site.family, "url": url, "selectors": {}, "dates": [], "drop": [],
                    "photo_request_headers": site.image_headers()}
    for field in _TEXT_FIELDS:
        value = getattr(selectors, field)
        if not value:
            continue
        alternatives = []
        for alternative in (part.strip() for part in value.split(",")):
            nodes = tree.css(alternative)
            first = normalise_text(nodes[0].text() if nodes else "")
            alternatives.append({"selector": alternative, "matches": len(nodes), "first": first[:120]})
        report["selectors"][field] = {
            "from": _origin(site, field, value),
            "alternatives": alternatives,
            "matched": next((item["selector"] for item in alternatives if item["matches"]), None),
        }
    for source in selectors.dates:
        node = tree.css_first(source.selector)
        text = (node.attributes.get(source.attribute) if source.attribute else node.text()) if node else None
        moment = parse_date(normalise_text(text or ""), day_first=source.day_first, timezone=site.timezone)
        report["dates"].append({
            "selector": source.selector, "attribute": source.attribute,
            "order": "day-first" if source.day_first else "month-first",
            "value": normalise_text(text or "") or None, "read_as": moment.isoformat() if moment else None,
        })
    root = tree.css_first(selectors.body) if selectors.body else None
    if root is None and selectors.body_scripts:
        root = scripted_body(tree, selectors.body_scripts)
        report["body_from_script"] = root is not None
    for rule in selectors.drop:
        fired = len(root.css(rule)) if root is not None else 0
        report["drop"].append({"rule": rule, "from": _drop_origin(site, rule), "removed": fired})
    article = parse_page(raw, url, site.selectors_for(None), content_type=content_type,
                         day_first=site.day_first, timezone=site.timezone)
    report["article"] = {
        "extractor": article.extractor,
        "title": article.title,
        "lead": article.lead,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "authors": list(article.authors),
        "section": article.section,
        "canonical_url": article.canonical_url,
        "paragraphs": len(article.body),
        "first_paragraph": article.body[0][:200] if article.body else "",
        "captions": [caption.text for caption in article.captions],
    }
    return report


def _drop_origin(site: Site, rule: str) -> str:
    if not site.family:
        return "site"
    family_set = layered_selector_sets(None, family_versions(site.family))
    return f"family {site.family}" if family_set and rule in family_set[-1].selectors.drop else "site"


def format_check(report: dict) -> str:
    """The check-site report for a person: one block per field."""
    lines = [f"site {report['site']} (family {report['family'] or '-'}) on {report['url']}"]
    for field, entry in report["selectors"].items():
        lines.append(f"{field:<9} [{entry['from']}] matched: {entry['matched'] or 'NOTHING'}")
        for item in entry["alternatives"]:
            lines.append(f"    {item['matches']:>3} × {item['selector']}" + (f"  → {item['first']}" if item["first"] else ""))
    for source in report["dates"]:
        lines.append(
            f"date      {source['selector']}{'@' + source['attribute'] if source['attribute'] else ''} ({source['order']}): "
            f"{source['value']!r} → {source['read_as']}"
        )
    if report["photo_request_headers"]:
        lines.append(f"photos    need the headers {report['photo_request_headers']}")
    if "body_from_script" in report:
        lines.append(f"body      read from a script: {'yes' if report['body_from_script'] else 'no'}")
    for rule in report["drop"]:
        lines.append(f"drop      [{rule['from']}] {rule['rule']}: removed {rule['removed']}")
    lines.append("article   " + json.dumps(report["article"], ensure_ascii=False, indent=2).replace("\n", "\n          "))
    return "\n".join(lines)


def check_site(site_name: str, file_or_url: str, as_json: bool = False) -> str:
    from provnews.extracting import read_page as read_input
    from scrapers.site import get_site

    site = get_site(site_name)
    raw, content_type, fetched_url = read_input(file_or_url)
    url = fetched_url or (file_or_url if "://" in file_or_url else site.base_url + "/" + Path(file_or_url).name)
    report = check_page(site, raw, url, content_type)
    return json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_check(report)


def sites_table(published: Path, as_json: bool = False) -> str:
    rows = site_rows(load_sites(), published)
    if as_json:
        return json.dumps([{**row.__dict__, "flag": row.flag} for row in rows], ensure_ascii=False, indent=2)
    return format_rows(rows)
