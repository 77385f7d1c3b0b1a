"""Daily: ask groups once a year whether they are still active; mark, then hide, those that do not answer."""

from typing import Any

from django.core.management.base import BaseCommand

from manabiba.communities.services import groups_confirm_active_run


class Command(BaseCommand):
    help = "Ask listed groups yearly to confirm they are active; mark and later hide those that do not answer."

    def handle(self, *args: Any, **options: Any) -> None:
        run = groups_confirm_active_run()
        self.stdout.write(f"asked {run.asked}, marked unconfirmed {run.marked}, hidden {run.hidden}")
