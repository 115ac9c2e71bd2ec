"""Load: complete landing runs into crawl_runs and pages, and site files into sources.

A run is loaded once: a manifest whose run already has a loaded crawl_runs row is skipped
(landing files are never edited, so there is nothing new to read). `reload=True` replaces
the run's rows instead (delete, then insert by run_id, in the same transaction).
Bodies never pass through Python: DuckDB reads the Parquet and the raw HTML stays there;
pages.landing_file holds the absolute path parse reads it back from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from scrapers.landing import RunManifest, complete_runs
from scrapers.site import Site
from warehouse.connection import transaction


@dataclass(frozen=True, slots=True)
class LoadResult:
    runs_loaded: int
    pages_loaded: int
    runs_skipped: int


def sync_sources(connection: duckdb.DuckDBPyConnection, sites: Iterable[Site]) -> int:
    """Insert or update one sources row per site; sites no longer configured keep their row."""
    now = datetime.now(timezone.utc)
    rows = [
        (site.name, site.title or site.name, site.province, site.base_url, site.mirror,
         str(site.path) if site.path else None, now, site.province_code, site.kind, site.family, site.verified or None)
        for site in sites
    ]
    with transaction(connection):
        connection.executemany(
            "INSERT OR REPLACE INTO sources (site, name, province, base_url, mirror, site_file, updated_at,"
            " province_code, kind, family, verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def unloaded_manifests(connection: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[Path]:
    """Manifests of complete landing runs that have no loaded crawl_runs row, oldest day first."""
    loaded = {
        run_id
        for (run_id,) in connection.execute(
            "SELECT run_id FROM crawl_runs WHERE loaded_at IS NOT NULL"
        ).fetchall()
    }
    return [path for path in complete_runs(landing_dir) if path.stem not in loaded]


def load_runs(
    connection: duckdb.DuckDBPyConnection, manifests: Sequence[Path], reload: bool = False
) -> LoadResult:
    """Load the runs of these manifests in one transaction; already loaded runs are skipped unless reload."""
    # A run listed twice is loaded once.
    runs: dict[str, tuple[Path, RunManifest]] = {}
    for path in manifests:
        run = RunManifest.from_json(path.read_text(encoding="utf-8"))
        runs[run.run_id] = (path, run)
    loaded_before = {
        run_id
        for (run_id,) in connection.execute(
            "SELECT run_id FROM crawl_runs WHERE loaded_at IS NOT NULL"
        ).fetchall()
    }
    runs_loaded = pages_loaded = runs_skipped = 0
    with transaction(connection):
        loaded_run_ids: list[str] = []
        for run_id, (path, run) in runs.items():
            if run_id in loaded_before and not reload:
                runs_skipped += 1
                continue
            pages_loaded += _load_run(connection, path, run)
            runs_loaded += 1
            loaded_run_ids.append(run_id)
        if loaded_run_ids:
            _count_new_articles(connection, loaded_run_ids)
            _confirm_unchanged_articles(connection, loaded_run_ids)
    return LoadResult(runs_loaded, pages_loaded, runs_skipped)


def _load_run(connection: duckdb.DuckDBPyConnection, manifest_path: Path, run: RunManifest) -> int:
    """Replace one run's crawl_runs row and pages; returns the number of pages inserted."""
    parquet = manifest_path.with_suffix(".parquet").resolve()
    connection.execute("DELETE FROM pages WHERE run_id = ?", [run.run_id])
    connection.execute("DELETE FROM crawl_runs WHERE run_id = ?", [run.run_id])
    pages = 0
    if parquet.exists():
        # A page retried within a run keeps its last answer: page_id is unique per (run, url).
        pages = connection.execute(
            """
            INSERT INTO pages
            SELECT substr(sha256($run_id || chr(10) || url), 1, 16), $run_id, site, url, final_url,
                   page_kind, http_status, fetched_at, content_sha256, content_type,
                   content_length, etag, last_modified, error, $landing_file
            FROM read_parquet($landing_file)
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
            """,
            {"run_id": run.run_id, "landing_file": str(parquet)},
        ).fetchone()[0]
    connection.execute(
        """
        INSERT INTO crawl_runs (run_id, site, started_at, finished_at, status, pages_fetched,
            pages_failed, pages_not_modified, articles_new, finish_reason, error, landing_file,
            log_file, stats, loaded_at)
        SELECT $run_id, $site, $started_at, $finished_at, $status,
               count(*) FILTER (WHERE http_status BETWEEN 200 AND 299 AND error IS NULL),
               -- A site without robots.txt (4xx) allows everything: that is no failure. A
               -- robots.txt with no answer at all (NULL status) is one, so NULL must not pass.
               count(*) FILTER (WHERE (http_status IS NULL OR error IS NOT NULL
                                       OR NOT (http_status BETWEEN 200 AND 299 OR http_status = 304))
                                  AND NOT (page_kind = 'robots'
                                           AND coalesce(http_status BETWEEN 400 AND 499, false))),
               count(*) FILTER (WHERE http_status = 304 AND error IS NULL),
               0, $finish_reason, $error, $landing_file, $log_file, $stats, now()
        FROM pages WHERE run_id = $run_id
        """,
        {
            "run_id": run.run_id,
            "site": run.site,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "status": run.status,
            "finish_reason": run.finish_reason,
            "error": run.error,
            "landing_file": str(parquet) if parquet.exists() else None,
            "log_file": run.log_file,
            "stats": json.dumps(run.stats, ensure_ascii=False, default=str),
        },
    )
    return pages


def _count_new_articles(connection: duckdb.DuckDBPyConnection, run_ids: Sequence[str]) -> None:
    # Runs may be loaded out of order, so every run of the touched sites is recounted:
    # a URL is new in the earliest-started run that fetched it successfully.
    connection.execute(
        """
        WITH touched AS (
            SELECT DISTINCT site FROM crawl_runs WHERE list_contains($run_ids, run_id)
        ),
        first_fetch AS (
            SELECT arg_min(r.run_id, r.started_at) AS run_id
            FROM pages p JOIN crawl_runs r USING (run_id)
            WHERE p.site IN (SELECT site FROM touched)
              AND p.page_kind = 'article' AND p.http_status BETWEEN 200 AND 299
            GROUP BY p.url
        ),
        counted AS (
            SELECT r.run_id, count(f.run_id) AS articles_new
            FROM crawl_runs r LEFT JOIN first_fetch f USING (run_id)
            WHERE r.site IN (SELECT site FROM touched)
            GROUP BY r.run_id
        )
        UPDATE crawl_runs SET articles_new = counted.articles_new
        FROM counted
        WHERE crawl_runs.run_id = counted.run_id AND crawl_runs.articles_new <> counted.articles_new
        """,
        {"run_ids": list(run_ids)},
    )


def _confirm_unchanged_articles(connection: duckdb.DuckDBPyConnection, run_ids: Sequence[str]) -> None:
    # A 304 answer is not parsed again, but it proves the article is still online.
    connection.execute(
        """
        UPDATE articles SET last_seen_at = seen.last_seen_at
        FROM (
            SELECT a.article_id, max(p.fetched_at) AS last_seen_at
            FROM pages p
            JOIN pages parsed ON parsed.url = p.url
            JOIN articles a ON a.page_id = parsed.page_id
            WHERE list_contains($run_ids, p.run_id) AND p.http_status = 304
            GROUP BY a.article_id
        ) seen
        WHERE articles.article_id = seen.article_id AND seen.last_seen_at > articles.last_seen_at
        """,
        {"run_ids": list(run_ids)},
    )
