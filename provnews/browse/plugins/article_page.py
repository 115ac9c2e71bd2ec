"""Datasette plugin of the browse view: the article page, and links to it from every table."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from provnews.browse.article import bylines, mark_article, web_address

DATABASE = "browse"
ARTICLE_COLUMNS = ("article_id", "story_id")
TITLE_TABLES = {"v_articles": "article_id", "articles": "article_id", "v_stories": "story_id"}


async def _rows(database, sql: str, parameters: dict) -> list[dict]:
    return [dict(row) for row in (await database.execute(sql, parameters)).rows]


async def _has_table(database, name: str) -> bool:
    return name in await database.table_names()


async def article_page(datasette, request) -> Response:
    article_id = request.url_vars["article_id"]
    database = datasette.get_database(DATABASE)
    found = await _rows(database, "SELECT * FROM articles WHERE article_id = :id", {"id": article_id})
    if not found:
        raise NotFound(f"no article {article_id}")
    article = found[0]
    source = {}
    if await _has_table(database, "sources"):
        sources = await _rows(database, "SELECT * FROM sources WHERE site = :site", {"site": article.get("site")})
        source = sources[0] if sources else {}
    captions = (
        await _rows(database, "SELECT * FROM captions WHERE article_id = :id ORDER BY position", {"id": article_id})
        if await _has_table(database, "captions")
        else []
    )
    facts = (
        await _rows(database, "SELECT * FROM facts WHERE article_id = :id", {"id": article_id})
        if await _has_table(database, "facts")
        else []
    )
    story_id = article.get("duplicate_of") or article_id
    copies = await _rows(
        database,
        """
        SELECT article_id, site, url, title, published_at FROM articles
        WHERE (article_id = :story OR duplicate_of = :story) AND article_id <> :id
        ORDER BY published_at, article_id
        """,
        {"story": story_id, "id": article_id},
    )
    segments, marked = mark_article(article, captions, facts)
    for row in (article, *captions, *copies):
        for name in ("url", "image_url"):
            if name in row:
                row[f"{name}_link"] = web_address(row[name])
    by_kind: dict[str, int] = {}
    for mark in marked:
        by_kind[mark.fact.get("kind") or "fact"] = by_kind.get(mark.fact.get("kind") or "fact", 0) + 1
    context = {
        "article": article,
        "source": source,
        "bylines": bylines(article),
        "title_segment": segments[0],
        "lead_segment": segments[1],
        "paragraphs": [segment for segment in segments if segment.source == "body"],
        "captions": list(zip(captions, [segment for segment in segments if segment.source == "caption"])),
        "facts": marked,
        "facts_by_kind": sorted(by_kind.items()),
        "copies": copies,
        "is_copy": story_id != article_id,
        "story_id": story_id,
    }
    return Response.html(await datasette.render_template("article.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/article/(?P<article_id>[^/]+)$", article_page)]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Article keys, story titles and facts' or captions' article titles link to the article page."""
    if database != DATABASE or value in (None, ""):
        return None
    if column in ARTICLE_COLUMNS:
        return Markup('<a class="article-link" href="{}">{}</a>').format(
            datasette.urls.path(f"/article/{value}"), value
        )
    key_column = TITLE_TABLES.get(table) if column == "title" else "article_id" if column == "article_title" else None
    if key_column:
        key = row[key_column] if key_column in row.keys() else None
        if key:
            return Markup('<a class="article-link" href="{}">{}</a>').format(
                datasette.urls.path(f"/article/{key}"), escape(value)
            )
    return None
