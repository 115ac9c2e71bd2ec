"""Opening the warehouse and loading DuckDB's full-text search from its pinned wheel."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import duckdb_extension_fts

FTS_EXTENSION = (
    Path(duckdb_extension_fts.__file__).parent
    / "extensions"
    / f"v{duckdb.__version__}"
    / "fts.duckdb_extension"
)


# Rows per row group of what writers append. A checkpoint rewrites every column of a row group
# that was appended to: with DuckDB's default of 122,880 rows, storing 500 articles into a table
# of 100,000 re-read and re-compressed all 100,000 bodies, and the parse stage's peak memory grew
# with the corpus (0.6 GB at 20,000 pages, 1.2 GB at 100,000). Row groups of 2,048 rows bound
# what a checkpoint rewrites to a few megabytes, whatever the size of the table.
ROW_GROUP_ROWS = 2048


# How long a writer waits for another process to let go of the warehouse file. DuckDB locks the
# whole file: one process that merely reads it (a notebook left open on the working file) keeps
# every writer out. A stage waits for it, saying who holds the file, rather than failing the night
# at once; a reader that never lets go still fails the stage, with a message naming it.
LOCK_WAIT_SECONDS = float(os.environ.get("PROVNEWS_LOCK_WAIT_SECONDS", "600"))
LOCK_RETRY_SECONDS = 2.0
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file, so this one can't open it."""


def _lock_holder(error: duckdb.Error) -> str | None:
    """'PID 123 (/usr/bin/python3)' when the error is DuckDB's file lock conflict, else None."""
    if "Could not set lock on file" not in str(error):
        return None
    match = _LOCK_HOLDER.search(str(error))
    return f"PID {match['pid']} ({match['program']})" if match else "another process"


def _attach_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    # The row group size is an option of ATTACH only, so writers attach the file to an
    # in-memory database and make it the default one.
    location = str(path).replace("'", "''")
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    waiting_said = False
    while True:
        connection = duckdb.connect()
        try:
            connection.execute(f"ATTACH '{location}' AS warehouse (ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
            return connection
        except duckdb.IOException as error:
            connection.close()
            holder = _lock_holder(error)
            if holder is None:
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{path} is held open by {holder}; waited {LOCK_WAIT_SECONDS:.0f} s for it "
                    "(PROVNEWS_LOCK_WAIT_SECONDS). Only the pipeline opens the working warehouse: "
                    "analysts read the published one (provnews sql)."
                ) from None
            if not waiting_said:
                print(f"provnews: waiting for {holder} to close {path}", file=sys.stderr, flush=True)
                waiting_said = True
            time.sleep(LOCK_RETRY_SECONDS)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; writers create its folder, readers need it to exist.

    A writer waits up to LOCK_WAIT_SECONDS for another process holding the file; a reader is
    refused at once, with a message, while a writer holds it.
    """
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no warehouse at {path}: run `provnews run` first")
        try:
            connection = duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as error:
            holder = _lock_holder(error)
            if holder is None:
                raise
            raise WarehouseBusy(
                f"{path} is being written by {holder}, the pipeline; "
                "analysts read the published warehouse (provnews sql)"
            ) from None
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = _attach_for_writing(path)
        location = str(path).replace("'", "''")
        connection.execute("USE warehouse")
        # An in-memory database would spill to the working directory; spill beside the file.
        connection.execute(f"SET temp_directory = '{location}.tmp'")
        # FSST compression trained its symbol table on every article body and caption written,
        # found it did not pay on Vietnamese text and stored the bodies uncompressed: without
        # that analysis storing articles is a quarter faster (8,700 → 10,900 articles/s, medians
        # of six alternated runs), for a file 4% larger, from titles and leads stored uncompressed.
        connection.execute("SET disabled_compression_methods = 'fsst'")
    connection.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    # Stages write logs, not terminals: on a long query DuckDB's progress bar would fill a task's
    # log, and any output a caller reads, with hundreds of redrawn bars.
    connection.execute("SET enable_progress_bar = false")
    return connection


def load_full_text_search(connection: duckdb.DuckDBPyConnection) -> None:
    # No network here: the extension comes from the pinned wheel, never from DuckDB's repository.
    connection.execute(f"INSTALL '{FTS_EXTENSION}'")
    connection.execute("LOAD fts")


def lock_down(connection: duckdb.DuckDBPyConnection) -> None:
    """Forbid the session every file access beyond the database it has open, for good.

    A read-only database still lets a query write files (COPY … TO, EXPORT DATABASE) or
    attach others; with external access off none of that works, and with the configuration
    locked no query can switch it back on. Extensions are loaded before, as they are files too.
    """
    # Once off, external access can't be switched on again while the database is open.
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: committed at the end, rolled back on any exception."""
    connection.begin()
    try:
        yield connection
    except BaseException:
        connection.rollback()
        raise
    connection.commit()
