"""Opening the warehouse and loading DuckDB's full-text search from its pinned wheel."""

from __future__ import annotations

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


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; writers create its folder, readers need it to exist."""
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `provnews run` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path), read_only=read_only)
    connection.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    return connection


def load_full_text_search(connection: duckdb.DuckDBPyConnection) -> None:
    # No network here: the extension comes from the pinned wheel, never from DuckDB's repository.
    connection.execute(f"INSTALL '{FTS_EXTENSION}'")
    connection.execute("LOAD fts")


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
