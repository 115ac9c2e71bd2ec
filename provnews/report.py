"""A static HTML report of the published warehouse: what came in, what was found, what failed."""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path

from warehouse.connection import connect

ARTICLES_PER_SITE_PER_DAY = """
SELECT site, CAST(timezone('Asia/Ho_Chi_Minh', published_at) AS DATE) AS day, count(*) AS articles
FROM articles
WHERE published_at IS NOT NULL
GROUP BY ALL
ORDER BY day DESC, site
LIMIT 60
"""

ARTICLES_PER_SITE = """
SELECT site, count(*) AS articles, count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates
FROM articles GROUP BY site ORDER BY site
"""

FACTS_PER_KIND = "SELECT kind, count(*) AS facts FROM facts GROUP BY kind ORDER BY facts DESC"

LAST_RUNS = """
SELECT run_id, site, status, pages_fetched, pages_failed, pages_not_modified, articles_new,
       coalesce(error, '') AS error
FROM crawl_runs ORDER BY started_at DESC LIMIT 20
"""

FAILED_PAGES = """
SELECT site, url, coalesce(CAST(http_status AS VARCHAR), '-') AS status, coalesce(error, '') AS error
FROM pages
WHERE error IS NOT NULL OR http_status >= 400
ORDER BY fetched_at DESC LIMIT 30
"""

# What the checks kept out of this file, and why; pages that gave no article, by kind of failure.
HELD_BACK = """
SELECT check_name AS "check", row_kind AS "held back", count(*) AS "rows",
       string_agg(DISTINCT site, ', ' ORDER BY site) AS sites
FROM held_back GROUP BY ALL ORDER BY "check"
"""

PARSE_FAILURES_BY_CLASS = """
SELECT coalesce(error_class, 'NotAnArticle') AS "error class", count(*) AS pages,
       min(reason) AS "one reason", min(url) AS "one page"
FROM parse_failures GROUP BY ALL ORDER BY pages DESC
"""

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f3f3f3}.bar{fill:#3b6ea5}.label{font-size:12px}h2{margin-top:2rem}
"""


def table_html(columns: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body or '<tr><td>none</td></tr>'}</table>"


def bar_chart(rows: list[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart as inline SVG: no JavaScript, opens anywhere."""
    if not rows:
        return ""
    largest = max(value for _, value in rows) or 1
    height = 24 * len(rows) + 10
    bars = []
    for index, (label, value) in enumerate(rows):
        width = int(400 * value / largest)
        y = 24 * index + 5
        bars.append(
            f'<text class="label" x="0" y="{y + 14}">{html.escape(str(label))}</text>'
            f'<rect class="bar" x="180" y="{y}" width="{width}" height="18"/>'
            f'<text class="label" x="{185 + width}" y="{y + 14}">{value}</text>'
        )
    return (
        f'<svg role="img" aria-label="{html.escape(title)}" width="640" height="{height}">'
        + "".join(bars)
        + "</svg>"
    )


def write_report(published: Path, report_dir: Path) -> Path:
    """Write report-<UTC stamp>.html and latest.html into report_dir; returns the stamped one."""
    connection = connect(published, read_only=True)
    try:
        sections = []
        for title, query, chart in [
            ("Articles per site", ARTICLES_PER_SITE, True),
            ("Facts per kind", FACTS_PER_KIND, True),
            ("Articles per site per day", ARTICLES_PER_SITE_PER_DAY, False),
            ("Last runs", LAST_RUNS, False),
            ("Failed pages", FAILED_PAGES, False),
            ("Held back by the checks", HELD_BACK, False),
            ("Pages that gave no article", PARSE_FAILURES_BY_CLASS, False),
        ]:
            relation = connection.sql(query)
            rows = relation.fetchall()
            figure = bar_chart([(row[0], row[1]) for row in rows], title) if chart else ""
            sections.append(f"<h2>{title}</h2>{figure}{table_html(relation.columns, rows)}")
    finally:
        connection.close()
    stamp = datetime.now(timezone.utc)
    document = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>provnews report {stamp:%Y-%m-%d %H:%M} UTC</title><style>{STYLE}</style>"
        f"<h1>provnews report</h1><p>Published warehouse {html.escape(str(published))}, "
        f"written {stamp:%Y-%m-%d %H:%M:%S} UTC.</p>" + "".join(sections) + "</html>"
    )
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"report-{stamp:%Y%m%dT%H%M%SZ}.html"
    path.write_text(document, encoding="utf-8")
    (report_dir / "latest.html").write_text(document, encoding="utf-8")
    return path
