"""Someone opening the working warehouse read-only can't fail the night; the published file's snapshots.

DuckDB locks a file per process, so the other opener here is a real second process.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse import connection as warehouse_connection
from warehouse.connection import WarehouseBusy, connect


def reader_process(path: Path, seconds: float, read_only: bool = True) -> subprocess.Popen[str]:
    """A process holding the file open (read-only unless said) for `seconds`; returns once it holds it."""
    code = (
        "import duckdb, sys, time\n"
        f"connection = duckdb.connect({str(path)!r}, read_only={read_only})\n"
        "print('open', flush=True)\n"
        f"time.sleep({seconds})\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "open"
    return process


@pytest.fixture
def working(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as writer:
        writer.execute("CREATE TABLE articles (title VARCHAR)")
    yield path


def test_a_writer_waits_for_a_reader_of_the_working_warehouse_and_then_writes(working: Path, capfd) -> None:
    reader = reader_process(working, seconds=3)
    try:
        started = time.monotonic()
        writer = connect(working)
        waited = time.monotonic() - started
        writer.execute("INSERT INTO articles VALUES ('Hộ nghèo')")
        writer.close()
    finally:
        reader.kill()
        reader.wait()
    assert waited >= 1
    assert f"waiting for PID {reader.pid}" in capfd.readouterr().err


def test_a_reader_that_never_lets_go_fails_the_writer_with_a_message_naming_it(
    working: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warehouse_connection, "LOCK_WAIT_SECONDS", 1.0)
    monkeypatch.setattr(warehouse_connection, "LOCK_RETRY_SECONDS", 0.2)
    reader = reader_process(working, seconds=60)
    try:
        with pytest.raises(WarehouseBusy, match=rf"held open by PID {reader.pid} .*analysts read the published"):
            connect(working)
    finally:
        reader.kill()
        reader.wait()


def test_a_read_only_opener_is_refused_politely_while_the_pipeline_writes(working: Path) -> None:
    writer = reader_process(working, seconds=60, read_only=False)
    try:
        with pytest.raises(WarehouseBusy, match=rf"being written by PID {writer.pid} .*provnews sql"):
            connect(working, read_only=True)
    finally:
        writer.kill()
        writer.wait()


def test_a_process_keeping_a_connection_stays_on_the_old_published_file(tmp_path: Path) -> None:
    """What README's Analyst section says: reopen after closing every connection to see a new publish."""
    published = tmp_path / "warehouse.duckdb"
    for night, title in enumerate(("night one", "night two")):
        staged = tmp_path / f".warehouse.duckdb.tmp-{night}"
        with duckdb.connect(str(staged)) as writer:
            writer.execute("CREATE TABLE articles AS SELECT ? AS title", [title])
        if night == 0:
            staged.rename(published)
            kept = duckdb.connect(str(published), read_only=True)
        else:
            staged.replace(published)  # what publish does: an atomic rename over the old file
    assert kept.execute("SELECT title FROM articles").fetchone() == ("night one",)
    # A connection opened later in the same process shares the open database: still night one.
    later = duckdb.connect(str(published), read_only=True)
    assert later.execute("SELECT title FROM articles").fetchone() == ("night one",)
    later.close()
    kept.close()
    fresh = duckdb.connect(str(published), read_only=True)
    assert fresh.execute("SELECT title FROM articles").fetchone() == ("night two",)
    fresh.close()
