"""Weekly (Monday morning): mail each saved search the programmes newly published that match it."""

from typing import Any

from django.core.management.base import BaseCommand

from manabiba.alerts.services import alerts_send


class Command(BaseCommand):
    help = (
        "Mail residents the programmes published this week that match their saved searches "
        "(run from a timer, weekly; running it again in the same week sends nothing)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = alerts_send()
        self.stdout.write(f"new-programme mails queued: {sent}")
