"""Weekly (Monday morning): mail each follower the new posts and events of the groups they follow."""

from typing import Any

from django.core.management.base import BaseCommand

from manabiba.communities.services import digest_send


class Command(BaseCommand):
    help = "Mail followers the week's news of the groups they follow."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digest_send()
        self.stdout.write(f"digest mails queued: {sent}")
