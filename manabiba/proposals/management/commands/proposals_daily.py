"""Daily: send the participant survey of every citizen-proposal lecture whose last session is over."""

from typing import Any

from django.core.management.base import BaseCommand

from manabiba.proposals.services import surveys_send_due


class Command(BaseCommand):
    help = (
        "Mail the participant survey to the people who came to each citizen-proposal lecture held since the "
        "last run, and ask its proposer for the post-course report. Each lecture's survey goes once, so the "
        "command can run again safely."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        invited = surveys_send_due()
        self.stdout.write(f"survey invitations sent: {invited}")
