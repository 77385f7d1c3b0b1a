from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from manabiba.opendata.importer import events_import, report_lines


class Command(BaseCommand):
    help = (
        "Import event lists (CSV in the 推奨データセット, 自治体標準 or ベース・レジストリ layout) as published "
        "programmes. A file with any bad row is not imported at all. Safe to rerun."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="CSV files to import.")
        parser.add_argument("--source", help="Record the programmes under this source instead of opendata:<code>.")
        parser.add_argument(
            "--shift-to-upcoming",
            action="store_true",
            help="Demo data: move each file's dates by whole weeks so its latest date is about three months ahead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [str(path) for path in options["paths"] if not path.is_file()]
        if missing:
            raise CommandError(_("No such file: %(paths)s") % {"paths": ", ".join(missing)})
        report = events_import(
            paths=options["paths"], source_label=options["source"], shift_to_upcoming=options["shift_to_upcoming"]
        )
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.ok:
            rejected = [file.path.name for file in report.files if file.rejected]
            raise CommandError(_("Rejected: %(files)s") % {"files": ", ".join(rejected)})
