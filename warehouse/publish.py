"""Publish: a checkpointed copy of the warehouse, with views and search, swapped in atomically.

Analysts open the published file read-only while the nightly job works on its own file. The
copy is finished (views, full-text index, checkpoint, closed) under a temporary name in the
published folder and renamed over the old one, so a reader sees the old file or the new one,
never a half state; a reader holding the old file open keeps reading it until it closes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from warehouse.connection import connect
from warehouse.search import build_search_index
from warehouse.views import create_views


def _write_ahead_log(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(warehouse: Path, published: Path) -> Path:
    """Copy the warehouse to published atomically; the caller must have closed its write connection."""
    # DuckDB lets one process write a file: this connection fails if the caller still holds one.
    connection = connect(warehouse)
    try:
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    published.parent.mkdir(parents=True, exist_ok=True)
    temporary = published.with_name(f".{published.name}.tmp-{os.getpid()}")
    for leftover in (temporary, _write_ahead_log(temporary)):
        leftover.unlink(missing_ok=True)
    try:
        shutil.copyfile(warehouse, temporary)
        copy = connect(temporary)
        try:
            create_views(copy)
            build_search_index(copy)
            copy.execute("CHECKPOINT")
        finally:
            copy.close()
        _fsync(temporary)
        # A log left beside the published file would be replayed into the new copy.
        _write_ahead_log(published).unlink(missing_ok=True)
        os.replace(temporary, published)
        _fsync(published.parent)
    except BaseException:
        for leftover in (temporary, _write_ahead_log(temporary)):
            leftover.unlink(missing_ok=True)
        raise
    return published
