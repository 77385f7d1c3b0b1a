"""Daily: remind talents before their card ends, tell them when it has lapsed, purge old personal data."""

from typing import Any

from django.core.management.base import BaseCommand

from manabiba.talents.services import talents_purge, talents_remind


class Command(BaseCommand):
    help = (
        "Remind talents 60 and 14 days before their card ends (TALENTS_REMINDER_DAYS), tell them when it has "
        "lapsed, and purge declined, removed and long-lapsed cards and closed introductions' contact details "
        "after TALENTS_RETENTION_DAYS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = talents_remind()
        purged = talents_purge()
        self.stdout.write(
            f"reminded {reminded['reminded']}, lapsed {reminded['lapsed']}, "
            f"purged cards {purged['cards']}, purged requests {purged['requests']}"
        )
