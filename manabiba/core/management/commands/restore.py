from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from manabiba.core.backup import BackupError, backup_read, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manabiba backup` into the EMPTY database DATABASE_URL points at "
        "(no tables: do not run migrate first), then its uploaded files into an empty MEDIA_ROOT, "
        "and check every table's rows against the manifest. Refuses anything that is not empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", metavar="SRC", type=Path, help="A backup directory (manabiba-backup-…).")
        parser.add_argument(
            "--check", action="store_true", help="Only check the backup (manifest, checksum, files); restore nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        try:
            if options["check"]:
                manifest = backup_read(source)
                self.stdout.write(
                    f"{source}: {manifest['database']} backup of {manifest['created_at']}, "
                    f"{len(manifest['tables'])} tables, {manifest['rows']} rows, "
                    f"{manifest['media_files']} uploaded files; checksum and files as in the manifest"
                )
                return
            # The restore writes through its own connection (or pg_restore); Django's must not hold the file.
            connection.close()
            counts = backup_restore(
                source=source, settings_dict=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {len(counts)} tables, {sum(counts.values())} rows, as in the manifest. "
            "Now run `manabiba migrate` (for a backup of an older release) and start the site."
        )
