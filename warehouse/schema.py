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


SCHEMA_MIGRATIONS = """
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
COMMENT ON TABLE schema_migrations IS 'One row per schema migration applied to this file.';
COMMENT ON COLUMN schema_migrations.version IS 'Number of the migration, the prefix of its file name.';
COMMENT ON COLUMN schema_migrations.name IS 'File name of the migration without .sql.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When the migration was applied to this file.';
"""


def migrate(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations the warehouse lacks, each in its own transaction; returns their names.

    An up-to-date warehouse is only read: every stage opens through here, and catalog
    changes written on each open would sit in the write-ahead log of every crash.
    """
    if current_version(connection) == 0:
        connection.execute(SCHEMA_MIGRATIONS)
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
    if names:
        # Schema changes go into the database file at once, not left in the write-ahead log.
        connection.execute("CHECKPOINT")
    return names
