from typing import Any

from django.core.management.base import BaseCommand

from manabiba.accounts.services import staff_digest_send


class Command(BaseCommand):
    help = "Mail each member of staff the overdue items on their workspace (daily timer; opt-out in the profile)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{staff_digest_send()} digests queued")
