"""Small real inputs for the warehouse tests: a migrated warehouse file, landing runs, parsed articles."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from scrapers.landing import LANDING_SCHEMA, RunManifest, run_paths, write_manifest, write_pages
from transforms.records import Article, Caption
from warehouse.articles import ParsedArticle
from warehouse.connection import connect
from warehouse.schema import migrate

SITE = "baoquangninh"
START = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(path)
    migrate(connection)
    return connection


def page(
    url: str,
    body: str | None = "<html><body><p>Nội dung</p></body></html>",
    status: int | None = 200,
    kind: str = "article",
    fetched_at: datetime = START,
    error: str | None = None,
) -> dict:
    """One landing row; the body is stored as UTF-8 bytes."""
    raw = body.encode("utf-8") if body is not None else None
    return {
        "url": url,
        "final_url": url,
        "page_kind": kind,
        "http_status": status,
        "fetched_at": fetched_at,
        "content_type": "text/html; charset=utf-8",
        "body": raw,
        "content_sha256": hashlib.sha256(raw).hexdigest() if raw is not None else None,
        "content_length": len(raw) if raw is not None else None,
        "etag": None,
        "last_modified": None,
        "error": error,
    }


def landing_run(
    landing_dir: Path,
    run_id: str,
    pages: list[dict] | None,
    site: str = SITE,
    started_at: datetime = START,
    status: str = "success",
) -> Path:
    """Write a run's Parquet (unless pages is None: the site was down) and manifest; returns the manifest."""
    parquet, manifest = run_paths(landing_dir, site, run_id, started_at.date().isoformat())
    if pages is not None:
        rows = [{"run_id": run_id, "site": site, **row} for row in pages]
        write_pages(parquet, pa.Table.from_pylist(rows, schema=LANDING_SCHEMA))
    write_manifest(
        manifest,
        RunManifest(
            run_id=run_id,
            site=site,
            started_at=started_at,
            finished_at=started_at + timedelta(minutes=5),
            finish_reason="finished",
            status=status,
            stats={"downloader/request_count": len(pages or [])},
        ),
    )
    return manifest


def parsed_article(
    page_id: str,
    url: str,
    fetched_at: datetime = START,
    title: str = "Giảm nghèo bền vững ở Ba Chẽ",
    body: tuple[str, ...] = ("Huyện Ba Chẽ còn 120 hộ nghèo.", "Năm 2023 giảm 2,5%."),
    captions: tuple[Caption, ...] = (),
    site: str = SITE,
    published_at: datetime | None = START,
) -> ParsedArticle:
    return ParsedArticle(
        page_id=page_id,
        site=site,
        fetched_at=fetched_at,
        article=Article(
            url=url,
            canonical_url=url,
            title=title,
            lead="QN - Tin về giảm nghèo.",
            body=body,
            published_at=published_at,
            authors=("Minh Hà",),
            section="Xã hội",
            captions=captions,
        ),
        content_sha256=hashlib.sha256("\n\n".join(body).encode()).hexdigest(),
        word_count=sum(len(paragraph.split()) for paragraph in body),
    )


def page_id(run_id: str, url: str) -> str:
    return hashlib.sha256(f"{run_id}\n{url}".encode()).hexdigest()[:16]


def article_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]
