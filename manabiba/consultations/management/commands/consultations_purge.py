from typing import Any

from django.core.management.base import BaseCommand

from manabiba.consultations.services import consultations_purge


class Command(BaseCommand):
    help = (
        "Anonymise answered or closed consultations idle longer than CONSULTATIONS_RETENTION_DAYS and delete "
        "guests' consultations never confirmed within CONSULTATIONS_UNCONFIRMED_DAYS. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        anonymised, deleted = consultations_purge()
        self.stdout.write(f"{anonymised} anonymised, {deleted} unconfirmed deleted")
