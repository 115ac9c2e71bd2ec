"""Numbered migrations: an old warehouse file upgrades in place, a newer one is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class SchemaError(RuntimeError):
    """The warehouse's schema can't be used by this version of provnews."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise SchemaError(f"migration file {path.name} is not named NNN_words.sql")
        found.append(Migration(int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise SchemaError(f"two migrations share a number: {versions}")
    return found


def latest_version() -> int:
    return max(migration.version for migration in migrations())


def current_version(connection: duckdb.DuckDBPyConnection) -> int:
    exists = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return connection.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def check_version(connection: duckdb.DuckDBPyConnection) -> int:
    """The warehouse's schema version; refuses one written by a newer provnews."""
    version = current_version(connection)
    if version > latest_version():
        raise SchemaError(
            f"warehouse schema version {version} is newer than this provnews knows "
            f"({latest_version()}); upgrade provnews"
        )
    return version


def migrate(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations the warehouse lacks, each in its own transaction; returns their names."""
    connection.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name VARCHAR NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )
        """
    )
    for target, comment in [
        ("TABLE schema_migrations", "One row per schema migration applied to this file."),
        ("COLUMN schema_migrations.version", "Number of the migration, the prefix of its file name."),
        ("COLUMN schema_migrations.name", "File name of the migration without .sql."),
        ("COLUMN schema_migrations.applied_at", "When the migration was applied to this file."),
    ]:
        connection.execute(f"COMMENT ON {target} IS '{comment}'")
    check_version(connection)
    # Every missing number is applied, not only those above the highest: migrations written
    # on parallel branches may land in any order.
    applied = {
        version for (version,) in connection.execute("SELECT version FROM schema_migrations").fetchall()
    }
    names = []
    for migration in migrations():
        if migration.version in applied:
            continue
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(migration.sql)
            connection.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        names.append(migration.name)
    return names
