from typing import Any

from django.core.management.base import BaseCommand

from manabiba.venues.services import booking_reminders_send


class Command(BaseCommand):
    help = "Mail each user group a reminder of tomorrow's room bookings (once each). Run daily by a timer."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"reminders sent: {booking_reminders_send()}")
