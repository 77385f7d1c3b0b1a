from typing import Any

from django.core.management.base import BaseCommand

from manabiba.venues.services import venues_run_due


class Command(BaseCommand):
    help = (
        "Room booking's work by time: open the monthly lottery rounds (regular weekly slots first), draw "
        "rounds at their deadline and mail the results, lapse unconfirmed wins, release cancelled frames "
        "after the hold-off and tell the groups following the room. Idempotent; run every 5 minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = venues_run_due()
        self.stdout.write(
            f"rounds opened: {report.opened}, drawn: {len(report.drawn)}, wins lapsed: {report.lapsed}, "
            f"release notices: {report.released_mails}"
        )
