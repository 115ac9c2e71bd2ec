"""Landing files: the raw pages of one run, as fetched, in one Parquet file plus a JSON manifest.

data/landing/<site>/<YYYY-MM-DD>/<run_id>.parquet   raw pages (never edited)
data/landing/<site>/<YYYY-MM-DD>/<run_id>.json      the run: times, finish reason, Scrapy stats

Both are written to a temporary name and renamed when complete, so a reader never sees
half a file; the manifest is renamed last and marks the run as complete.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

LANDING_SCHEMA = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("final_url", pa.string()),
        pa.field("page_kind", pa.string(), nullable=False),  # article|listing|feed|sitemap|robots
        pa.field("http_status", pa.int32()),
        pa.field("fetched_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("content_type", pa.string()),
        pa.field("body", pa.binary()),  # raw bytes as received, never decoded or edited
        pa.field("content_sha256", pa.string()),
        pa.field("content_length", pa.int64()),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
        pa.field("error", pa.string()),
    ]
)


@dataclass(slots=True)
class RunManifest:
    run_id: str
    site: str
    started_at: datetime
    finished_at: datetime | None
    finish_reason: str | None
    status: str  # success | partial | failed
    error: str | None = None
    log_file: str | None = None
    stats: dict = field(default_factory=dict)

    def to_json(self) -> str:
        document = asdict(self)
        for key in ("started_at", "finished_at"):
            if document[key] is not None:
                document[key] = document[key].isoformat()
        return json.dumps(document, ensure_ascii=False, indent=2, default=str)

    @classmethod
    def from_json(cls, text: str) -> "RunManifest":
        document = json.loads(text)
        for key in ("started_at", "finished_at"):
            if document.get(key):
                document[key] = datetime.fromisoformat(document[key])
        return cls(**document)


# A run id names files: letters, digits, dot, dash and underscore, never a path.
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class RunIdError(ValueError):
    """A run id that is not a plain name, or that names a run already landed."""


def check_run_id(landing_dir: Path, site: str, run_id: str) -> None:
    """Refuse a run id that is a path or that an earlier run of the site already landed under."""
    if not RUN_ID.fullmatch(run_id) or ".." in run_id:
        shown = run_id if len(run_id) <= 80 else run_id[:79] + "…"
        raise RunIdError(
            f"run id '{shown}' is not a name: use letters, digits, '.', '-' and '_' (at most 128, no '..')"
        )
    for existing in (landing_dir / site).glob(f"*/{glob_escape(run_id)}.*"):
        if existing.suffix in (".parquet", ".json"):
            raise RunIdError(f"run id '{run_id}' is taken: {existing} exists, and landed pages are never replaced")


def glob_escape(name: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)


def run_paths(landing_dir: Path, site: str, run_id: str, day: str) -> tuple[Path, Path]:
    """(parquet, manifest) paths of a run; day is YYYY-MM-DD of the run's start in Vietnam."""
    folder = landing_dir / site / day
    return folder / f"{run_id}.parquet", folder / f"{run_id}.json"


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_pages(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table.cast(LANDING_SCHEMA), temporary, compression="zstd")
    os.replace(temporary, path)


class PageWriter:
    """Writes landing rows to a temporary Parquet file in row groups; close() renames it into place."""

    def __init__(self, path: Path, batch_rows: int = 200, batch_bytes: int = 32 * 1024 * 1024) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        self.rows_written = 0
        # Bodies are flushed in bounded batches so a long crawl never holds its pages in memory.
        self._batch_rows = batch_rows
        self._batch_bytes = batch_bytes
        self._pending: list[dict] = []
        self._pending_bytes = 0
        self._writer = pq.ParquetWriter(self.temporary, LANDING_SCHEMA, compression="zstd")

    def write(self, row: dict) -> None:
        self._pending.append(row)
        self._pending_bytes += len(row.get("body") or b"")
        if len(self._pending) >= self._batch_rows or self._pending_bytes >= self._batch_bytes:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._writer.write_table(pa.Table.from_pylist(self._pending, schema=LANDING_SCHEMA))
            self.rows_written += len(self._pending)
            self._pending = []
            self._pending_bytes = 0

    def close(self) -> Path:
        """Flush, finish the file and move it to its final name, which must be free; returns that name."""
        self.flush()
        self._writer.close()
        # A link fails when the name is taken: pages already landed are never replaced.
        try:
            os.link(self.temporary, self.path)
        finally:
            os.unlink(self.temporary)
        return self.path


def write_manifest(path: Path, manifest: RunManifest) -> None:
    write_atomically(path, manifest.to_json().encode("utf-8"))


def complete_runs(landing_dir: Path) -> list[Path]:
    """Manifests of every complete run under the landing folder, oldest day first."""
    return sorted(
        (path for path in landing_dir.glob("*/*/*.json") if not path.name.startswith(".")),
        key=lambda path: (path.parent.name, path.name),
    )
