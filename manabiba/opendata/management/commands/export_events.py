import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from manabiba.opendata.exporter import events_export
from manabiba.opendata.layouts import LAYOUTS
from manabiba.opendata.selectors import programs_for_export


class Command(BaseCommand):
    help = "Write the published programmes as an event list (one row per session) in a municipal open-data layout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--layout", choices=sorted(LAYOUTS), default="suisho_v1")
        parser.add_argument("--output", "-o", type=Path, help="File to write (UTF-8 with BOM); default: stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = events_export(programs_for_export(), layout=options["layout"])
        if options["output"] is None:
            self.stdout.write(text, ending="")
            return
        options["output"].write_text(text, encoding="utf-8-sig", newline="")
        rows = sum(1 for _row in csv.reader(io.StringIO(text))) - 1
        self.stdout.write(f"{options['output']}: {rows} rows")
