from typing import Any

from django.core.management.base import BaseCommand

from manabiba.desk.services import appointment_reminders_send


class Command(BaseCommand):
    help = (
        "Mail a reminder for each desk appointment tomorrow that has not had one "
        "(run from a timer, e.g. daily at 10:00; running it again sends nothing twice)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = appointment_reminders_send()
        self.stdout.write(f"{sent} reminder(s) queued")
