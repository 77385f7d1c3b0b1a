"""An attacker's (or a failing disk's) regression suite for backups (issue 17, item 10): a backup
that cannot be restored, or a restore that mixes a backup into live data, loses the city's records.

The database is whichever the suite runs on: SQLite normally, PostgreSQL when DATABASE_URL points
there (pg_dump/pg_restore, into a second database this test creates and drops).
"""

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts import services as accounts
from manabiba.accounts.factories import UserFactory
from manabiba.accounts.roles import Role
from manabiba.core.backup import POSTGRESQL, BackupError, backup_restore, database_kind
from manabiba.core.mail import outbox_enqueue
from manabiba.programs.factories import ProgramFactory

# Committed rows: pg_dump reads through its own connection.
pytestmark = pytest.mark.django_db(transaction=True)

SAMPLES = {
    "accounts_user": "SELECT id, email, full_name, password FROM accounts_user ORDER BY id",
    "programs_program": "SELECT id, title, status FROM programs_program ORDER BY id",
    "core_auditentry": "SELECT id, action, target_id FROM core_auditentry ORDER BY id",
    "core_outboxmessage": 'SELECT id, "to", subject, body FROM core_outboxmessage ORDER BY id',
}


@pytest.fixture
def media_root(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def seeded(media_root: Path) -> None:
    """A little of everything: people with roles and tokens, programmes, mail, audit, uploads."""
    coordinator = UserFactory(roles=[Role.COORDINATOR], full_name="推進 担当")
    for number in range(5):
        resident = UserFactory(full_name=f"市民 {number}号")
        accounts.api_token_create(user=resident, name="表計算", expires_in_days=30)
        outbox_enqueue(to=resident.email, subject="申込を受け付けました", body=f"受付番号 {number}")
    for title in ("はじめてのスマホ教室", "公民館まつり", "=cmd|' /C calc'!A0"):
        ProgramFactory(title=title, published=True, created_by=coordinator)
    (media_root / "programs" / "2026").mkdir(parents=True)
    (media_root / "programs" / "2026" / "flyer.pdf").write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    (media_root / "groups").mkdir()
    (media_root / "groups" / "写真.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")


def _source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = [info.name for info in connection.introspection.get_table_list(cursor) if info.type == "t"]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _source_rows(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def _target_rows(target: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    if database_kind(target) == POSTGRESQL:
        with psycopg.connect(dbname=target["NAME"], **_pg_options(target)) as db, db.cursor() as cursor:
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]
    with closing(sqlite3.connect(target["NAME"])) as lite:
        return [tuple(row) for row in lite.execute(sql).fetchall()]


def _pg_options(settings_dict: dict[str, Any]) -> dict[str, Any]:
    keys = {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD"}
    return {option: settings_dict[key] for option, key in keys.items() if settings_dict.get(key)}


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Settings for a second, empty database of the same kind as the one the suite runs on."""
    source = connection.settings_dict
    if database_kind(source) != POSTGRESQL:
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_restored"
    with psycopg.connect(dbname="postgres", autocommit=True, **_pg_options(source)) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**source, "NAME": name}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **_pg_options(source)) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backup(destination: Path) -> Path:
    out = StringIO()
    call_command("backup", str(destination), stdout=out)
    return Path(out.getvalue().splitlines()[0])


def test_backup_restores_every_row_and_file_into_an_empty_database(
    seeded: None, media_root: Path, tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    source_counts = _source_counts()
    samples = {table: _source_rows(sql) for table, sql in SAMPLES.items()}
    backup = _backup(tmp_path / "backups")
    restored_media = tmp_path / "restored-media"

    counts = backup_restore(source=backup, settings_dict=empty_database, media_root=restored_media)

    assert counts == source_counts
    assert counts["accounts_user"] == 6
    assert counts["accounts_apitoken"] == 5
    assert counts["programs_program"] == 3
    for table, sql in SAMPLES.items():
        assert _target_rows(empty_database, sql) == samples[table], table
    for original in (path for path in media_root.rglob("*") if path.is_file()):
        assert (restored_media / original.relative_to(media_root)).read_bytes() == original.read_bytes()
    assert (backup.stat().st_mode & 0o077) == 0  # personal data: the owner's only


def test_backup_check_detects_a_damaged_database_file(seeded: None, tmp_path: Path) -> None:
    backup = _backup(tmp_path / "backups")
    out = StringIO()
    call_command("restore", str(backup), "--check", stdout=out)
    assert "checksum and files as in the manifest" in out.getvalue()
    dump = next(path for path in backup.iterdir() if path.name.startswith("database."))
    with dump.open("r+b") as handle:
        handle.seek(dump.stat().st_size // 2)
        handle.write(b"\x00garbage\x00")

    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("restore", str(backup), "--check")


def test_restore_refuses_a_database_that_is_not_empty(seeded: None, tmp_path: Path) -> None:
    backup = _backup(tmp_path / "backups")
    before = _source_counts()

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(backup))

    assert _source_counts() == before


def test_restore_refuses_media_that_is_not_empty(
    seeded: None, media_root: Path, tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    backup = _backup(tmp_path / "backups")

    with pytest.raises(BackupError, match="already holds uploaded files"):
        backup_restore(source=backup, settings_dict=empty_database, media_root=media_root)

    assert _target_rows(
        empty_database,
        "SELECT COUNT(*) FROM sqlite_master"
        if database_kind(empty_database) != POSTGRESQL
        else "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'",
    ) == [(0,)]
