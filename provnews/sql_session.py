"""`provnews sql` without a query: an interactive SQL session on the published warehouse that cannot write.

The DuckDB shell is not used: its dot commands (.shell, .output, .once, .log) run programs and
write files outside SQL, whatever the database settings, and its safe mode does not start in
this DuckDB version. Here every statement goes through a connection with external access off
and its configuration locked (warehouse.connection.lock_down).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TextIO

import duckdb

PROMPT, CONTINUATION = "provnews> ", "      ...> "


def statements(lines: TextIO, interactive: bool) -> Iterator[str]:
    """Yield each statement typed, up to its closing semicolon; a dot command is refused."""
    pending: list[str] = []
    while True:
        if interactive:
            try:
                line = input(CONTINUATION if pending else PROMPT)
            except EOFError:
                break
        else:
            line = lines.readline()
            if not line:
                break
        if not pending and line.lstrip().startswith("."):
            print("provnews: dot commands are not available here; write SQL ending with ;", file=sys.stderr)
            continue
        pending.append(line)
        text = "\n".join(pending).strip()
        if text.endswith(";"):
            yield text
            pending = []
    rest = "\n".join(pending).strip()
    if rest:
        yield rest


def run_session(connection: duckdb.DuckDBPyConnection, lines: TextIO = sys.stdin) -> int:
    """Run every statement read from lines; an error is one line and the session goes on."""
    interactive = lines.isatty()
    if interactive:
        print("provnews sql: the published warehouse, read-only. End statements with ; and quit with Ctrl-D.")
    for statement in statements(lines, interactive):
        try:
            relation = connection.sql(statement)
            if relation is not None:
                relation.show(max_width=200, max_rows=200)
        except duckdb.Error as error:
            first_line = next((line for line in str(error).splitlines() if line.strip()), "")
            print(f"provnews: error: {first_line}", file=sys.stderr)
    return 0
