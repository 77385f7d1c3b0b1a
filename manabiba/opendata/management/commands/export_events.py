import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from manabiba.core.spreadsheet import BOM
from manabiba.opendata.exporter import events_export, missing_required
from manabiba.opendata.layouts import LAYOUTS
from manabiba.opendata.selectors import programs_for_export


class Command(BaseCommand):
    help = "Write the published programmes as an event list (one row per session) in a municipal open-data layout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--layout", choices=sorted(LAYOUTS), default="suisho_v1")
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help=(
                "File to write; default: stdout. Either way the text is UTF-8 with a byte-order mark, "
                "so spreadsheets open it as Japanese, and cells a spreadsheet would run as a formula "
                "start with an apostrophe."
            ),
        )

        parser.add_argument(
            "--check",
            action="store_true",
            help=(
                "Write nothing; print, for each column the layout requires, how many rows leave it empty "
                "(a value nobody knows, such as the time of an all-day event, stays empty)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = events_export(programs_for_export(), layout=options["layout"], bom=True)
        if options["check"]:
            rows = sum(1 for _row in csv.reader(io.StringIO(text.removeprefix(BOM)))) - 1
            self.stdout.write(f"{rows} rows")
            for column, count in missing_required(text, options["layout"]).items():
                self.stdout.write(f"{column}: {count} rows empty")
            return
        if options["output"] is None:
            self.stdout.write(text, ending="")
            return
        options["output"].write_text(text, encoding="utf-8", newline="")
        rows = sum(1 for _row in csv.reader(io.StringIO(text.removeprefix(BOM)))) - 1
        self.stdout.write(f"{options['output']}: {rows} rows")
