from typing import Any

from django.core.management.base import BaseCommand

from manabiba.core.mail import outbox_retry_due


class Command(BaseCommand):
    help = "Retry queued mail whose backoff has passed (run from a timer every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = outbox_retry_due()
        self.stdout.write(f"{sent} sent")
