"""The places table: the administrative units in force since 1 July 2025, from the gazetteer package."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from transforms.places import place_rows

_SCHEMA = pa.schema(
    [
        ("place_code", pa.string()), ("name", pa.string()), ("short_name", pa.string()), ("level", pa.string()),
        ("province_code", pa.string()), ("former_names", pa.list_(pa.string())),
    ]
)


def fill_places(connection: duckdb.DuckDBPyConnection) -> int:
    """Fill the places table when it is empty, inside the caller's transaction (facts are stored
    with the places they point to); returns the rows written (0 when already filled)."""
    if connection.execute("SELECT count(*) FROM places").fetchone()[0]:
        return 0
    rows = place_rows()
    table = pa.table([list(column) for column in zip(*rows)], schema=_SCHEMA)
    connection.register("incoming_places", table)
    try:
        connection.execute("INSERT INTO places SELECT * FROM incoming_places")
    finally:
        connection.unregister("incoming_places")
    return len(rows)
