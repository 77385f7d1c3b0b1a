from typing import Any

from django.core.management.base import BaseCommand

from manabiba.registrations.services import registrations_run_due


class Command(BaseCommand):
    help = (
        "Do what is due for registrations (run from a timer, e.g. every 5 minutes; safe to run again): "
        "draws after their deadline, expired offers and unconfirmed wins, reminders two days before the "
        "first session, minimum-enrolment flags, and removing personal data after the retention period."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = registrations_run_due()
        self.stdout.write(
            f"draws run: {len(report.drawn)}" + (f" ({', '.join(map(str, report.drawn))})" if report.drawn else "")
        )
        for program_id, error in report.draw_errors.items():
            self.stderr.write(f"draw for programme {program_id} not run: {error}")
        self.stdout.write(f"offers expired: {report.offers_expired}")
        self.stdout.write(f"free seats given to the waiting list: {report.seats_filled}")
        self.stdout.write(f"reminders sent: {report.reminders_sent}")
        self.stdout.write(f"below minimum enrolment: {len(report.below_minimum)}")
        self.stdout.write(f"registrations purged: {report.purged}")
        self.stdout.write(f"person tokens filled: {report.person_tokens_filled}")
        self.stdout.write(f"fiscal year salts destroyed: {', '.join(map(str, report.salts_destroyed)) or '-'}")
