from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabiba.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL with pg_dump, SQLite with its online backup API) and the "
        "uploaded files into a new dated directory under DEST, with a manifest of row counts "
        "(docs/operations.md, Backups). Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", metavar="DEST", type=Path, help="Directory the backup is written under.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(destination=options["destination"], media_root=Path(settings.MEDIA_ROOT))
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(str(result.path))
        self.stdout.write(
            f"{manifest['database']}: {len(manifest['tables'])} tables, {manifest['rows']} rows; "
            f"{manifest['media_files']} uploaded files ({manifest['media_bytes']} bytes)"
        )
