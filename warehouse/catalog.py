"""What the published warehouse holds for analysts, and what it says about itself (its comments)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# The tables and views analysts read, in the order the dictionary, the export and the browse
# edition list them. Tables the pipeline keeps for itself (dedup_bands, parse_queue,
# search_documents, schema_migrations, …) are left out: they change shape with the code that
# owns them. A name missing from a warehouse (an older file) is skipped.
ANALYST_OBJECTS = (
    "v_articles",
    "v_stories",
    "v_facts",
    "v_captions",
    "v_caption_reuse",
    "v_run_health",
    "v_coverage",
    "articles",
    "captions",
    "facts",
    "duplicates",
    "places",
    "sources",
    "crawl_runs",
    "pages",
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    data_type: str
    comment: str | None


@dataclass(frozen=True, slots=True)
class CatalogObject:
    schema: str
    name: str
    kind: str  # table or view
    comment: str | None
    columns: tuple[Column, ...]

    @property
    def qualified_name(self) -> str:
        return self.name if self.schema == "main" else f"{self.schema}.{self.name}"


def catalog_objects(connection: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] | None = None) -> list[CatalogObject]:
    """Every table and view of the open file (DuckDB's own catalog left out), schema by schema, by name."""
    objects = connection.execute(
        """
        SELECT schema_name, table_name, 'table', comment FROM duckdb_tables()
        WHERE database_name = current_database() AND NOT internal
        UNION ALL
        SELECT schema_name, view_name, 'view', comment FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal
        ORDER BY 1, 2
        """
    ).fetchall()
    columns: dict[tuple[str, str], list[Column]] = {}
    for schema, table, name, data_type, comment in connection.execute(
        """
        SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns()
        WHERE database_name = current_database() AND NOT internal
        ORDER BY schema_name, table_name, column_index
        """
    ).fetchall():
        columns.setdefault((schema, table), []).append(Column(name, data_type, comment))
    return [
        CatalogObject(schema, name, kind, comment, tuple(columns.get((schema, name), ())))
        for schema, name, kind, comment in objects
        if schemas is None or schema in schemas
    ]


def analyst_objects(connection: duckdb.DuckDBPyConnection) -> list[CatalogObject]:
    """The analyst-facing tables and views the file has, in ANALYST_OBJECTS order."""
    by_name = {item.name: item for item in catalog_objects(connection, schemas=("main",))}
    return [by_name[name] for name in ANALYST_OBJECTS if name in by_name]


def main_objects(connection: duckdb.DuckDBPyConnection) -> list[CatalogObject]:
    """Every table and view of the main schema, internal ones included."""
    return catalog_objects(connection, schemas=("main",))
