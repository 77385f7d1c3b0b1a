"""Backups of everything the portal keeps, and restoring one into an empty installation.

A backup is one directory, ``manabiba-backup-YYYYmmddTHHMMSSZ``, holding the database (PostgreSQL:
``pg_dump`` custom format, ``database.dump``; SQLite: a copy made with SQLite's online backup API,
``database.sqlite3``), the uploaded files under ``media/``, and ``manifest.json``: when, which
kind of database, the rows of every table, the number and size of the files, and the SHA-256 of
the database file. Row counts are taken from the same snapshot the dump is made of, so a restore
can be checked against them exactly. Nothing here touches Redis: it holds nothing to keep.

Restoring refuses a database that has any table, and a media directory that has any file:
a backup is never merged into live data. See docs/operations.md ("Backups").
"""

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection, transaction

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = 1
POSTGRESQL = "postgresql"
SQLITE = "sqlite"
DUMP_FILES = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def database_kind(settings_dict: dict[str, Any]) -> str:
    engine = str(settings_dict["ENGINE"])
    if "postgresql" in engine:
        return POSTGRESQL
    if "sqlite3" in engine:
        return SQLITE
    raise BackupError(f"Backups know PostgreSQL and SQLite, not {engine}.")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH; install the PostgreSQL client tools (postgresql-client).")
    return found


@contextmanager
def _pg_conninfo(settings_dict: dict[str, Any]) -> Iterator[str]:
    """A libpq connection string for pg_dump and pg_restore. The password goes in a passfile of
    this process's own (mode 0600, removed afterwards), never on a command line."""

    def quoted(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    parts = {
        "dbname": settings_dict["NAME"],
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        "user": settings_dict.get("USER"),
    }
    with tempfile.TemporaryDirectory(prefix="manabiba-pg-") as directory:
        password = str(settings_dict.get("PASSWORD") or "")
        if password:
            passfile = Path(directory) / "pgpass"
            passfile.touch(mode=0o600)
            escaped = password.replace("\\", "\\\\").replace(":", "\\:")
            passfile.write_text(f"*:*:*:*:{escaped}\n", encoding="utf-8")
            parts["passfile"] = str(passfile)
        yield " ".join(f"{key}={quoted(str(value))}" for key, value in parts.items() if value)


def _pg_connect(settings_dict: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [name for (name,) in rows]


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [name for (name,) in cursor.fetchall()]


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quoted(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def table_row_counts(settings_dict: dict[str, Any]) -> dict[str, int]:
    """Rows per table of the database these settings point at; empty if it has no tables."""
    if database_kind(settings_dict) == SQLITE:
        with closing(sqlite3.connect(settings_dict["NAME"])) as lite:
            return _count_rows(lite.cursor(), _sqlite_tables(lite))
    with _pg_connect(settings_dict) as pg, pg.cursor() as cursor:
        return _count_rows(cursor, _pg_tables(cursor))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (path for path in sorted(root.rglob("*")) if path.is_file())


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump of Django's database, and its row counts, both from one exported snapshot."""
    settings_dict = connection.settings_dict
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(cursor, _pg_tables(cursor))
        with _pg_conninfo(settings_dict) as conninfo:
            command = [
                _tool("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={conninfo}",
            ]
            finished = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise BackupError(f"pg_dump failed: {finished.stderr.strip()}")
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    """A consistent copy of Django's SQLite database, made while the site keeps running."""
    connection.ensure_connection()
    source = connection.connection
    assert isinstance(source, sqlite3.Connection)
    with closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        return _count_rows(copy.cursor(), _sqlite_tables(copy))


def backup_create(*, destination: Path, media_root: Path, now: datetime | None = None) -> BackupResult:
    """Write a new backup directory under ``destination`` and return it with its manifest."""
    taken_at = (now or datetime.now(UTC)).astimezone(UTC)
    kind = database_kind(connection.settings_dict)
    destination.mkdir(parents=True, exist_ok=True)
    path = destination / f"manabiba-backup-{taken_at:%Y%m%dT%H%M%SZ}"
    try:
        # Personal data: only the owner may read it.
        path.mkdir(mode=0o700)
    except FileExistsError as error:
        raise BackupError(f"{path} exists already; wait a second or choose another place.") from error
    dump = path / DUMP_FILES[kind]
    counts = _dump_postgresql(dump) if kind == POSTGRESQL else _dump_sqlite(dump)
    files = list(_files(media_root))
    for file in files:
        copy = path / MEDIA / file.relative_to(media_root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, copy)
    manifest = {
        "format": FORMAT,
        "created_at": taken_at.isoformat(),
        "database": kind,
        "database_file": dump.name,
        "database_sha256": _sha256(dump),
        "tables": counts,
        "rows": sum(counts.values()),
        "media_files": len(files),
        "media_bytes": sum(file.stat().st_size for file in files),
    }
    (path / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return BackupResult(path=path, manifest=manifest)


def backup_read(source: Path) -> dict[str, Any]:
    """The manifest of a backup, after checking that its database file is the one it describes."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{source} is not a Manabiba backup: it has no {MANIFEST}.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} was written in backup format {manifest.get('format')}, not {FORMAT}.")
    dump = source / str(manifest["database_file"])
    if not dump.is_file() or _sha256(dump) != manifest["database_sha256"]:
        raise BackupError(f"{dump} is missing or damaged: its SHA-256 is not the one in the manifest.")
    media = list(_files(source / MEDIA))
    if len(media) != manifest["media_files"]:
        raise BackupError(f"The backup should hold {manifest['media_files']} uploaded files but holds {len(media)}.")
    return manifest


@contextmanager
def _refusing_partial(target: Path) -> Iterator[None]:
    """Remove a half-restored SQLite file, so that a failed restore can simply be run again."""
    try:
        yield
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def backup_restore(*, source: Path, settings_dict: dict[str, Any], media_root: Path) -> dict[str, int]:
    """Restore a backup into the EMPTY database ``settings_dict`` points at, then its files.

    Refuses (BackupError, nothing written) a database with any table, uploaded files already in
    ``media_root``, a database of the other kind, or a damaged backup. Returns the rows per table
    after the restore, which must be those of the manifest.
    """
    manifest = backup_read(source)
    kind = database_kind(settings_dict)
    if manifest["database"] != kind:
        raise BackupError(f"This backup is of a {manifest['database']} database; the settings point at {kind}.")
    present = table_row_counts(settings_dict)
    if present:
        raise BackupError(
            f"The database {settings_dict['NAME']} is not empty: it has {len(present)} tables. "
            "Restore only into a new, empty database (create one, point DATABASE_URL at it, do not "
            "run migrate), so that a backup is never mixed with other data."
        )
    existing = next(_files(media_root), None)
    if existing is not None:
        raise BackupError(f"{media_root} already holds uploaded files ({existing}); restore into an empty one.")
    dump = source / str(manifest["database_file"])
    if kind == SQLITE:
        target = Path(settings_dict["NAME"])
        with (
            _refusing_partial(target),
            closing(sqlite3.connect(dump)) as backup,
            closing(sqlite3.connect(target)) as db,
        ):
            backup.backup(db)
    else:
        with _pg_conninfo(settings_dict) as conninfo:
            command = [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={conninfo}",
                str(dump),
            ]
            finished = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if finished.returncode != 0:
            raise BackupError(f"pg_restore failed, nothing was restored: {finished.stderr.strip()}")
    for file in _files(source / MEDIA):
        copy = media_root / file.relative_to(source / MEDIA)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, copy)
    counts = table_row_counts(settings_dict)
    if counts != manifest["tables"]:
        differing = sorted(
            t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"The restored database differs from the manifest in: {', '.join(differing)}.")
    return counts
