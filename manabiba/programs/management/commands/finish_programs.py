from typing import Any

from django.core.management.base import BaseCommand

from manabiba.programs.services import programs_finish_past


class Command(BaseCommand):
    help = "Mark published programmes whose last session has ended as finished (run from a daily timer)."

    def handle(self, *args: Any, **options: Any) -> None:
        finished = programs_finish_past()
        self.stdout.write(f"{finished} finished")
