from typing import Any

from django.core.management.base import BaseCommand

from manabiba.programs.services import programs_finish_past, programs_refresh_next_starts


class Command(BaseCommand):
    help = (
        "Mark published programmes whose last session has ended as finished, and move every "
        "programme's next session on (run from a daily timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        finished = programs_finish_past()
        moved = programs_refresh_next_starts()
        self.stdout.write(f"{finished} finished")
        if options["verbosity"] > 1:
            self.stdout.write(f"{moved} moved on to their next session")
