from typing import Any

from django.core.management.base import BaseCommand

from manabiba.support.services import support_purge


class Command(BaseCommand):
    help = (
        "Anonymise support requests closed longer ago than SUPPORT_RETENTION_DAYS: contact details, "
        "description, thread and answers go; what the figures count stays. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{support_purge()} anonymised")
