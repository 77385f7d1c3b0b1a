from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from manabiba.core.mail import outbox_counts, outbox_requeue_failed, outbox_sweep


class Command(BaseCommand):
    help = (
        "Send queued mail that is due: after its backoff, or after its sender stopped "
        "(run from a timer every minute). Prints what it did and how many mails are in each state."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requeue-failed",
            nargs="*",
            type=int,
            metavar="ID",
            help="First give failed mail (all of it, or these ids) a fresh set of attempts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        requeue: list[int] | None = options["requeue_failed"]
        if requeue is not None:
            ids = outbox_requeue_failed(message_ids=requeue or None)
            self.stdout.write(f"{len(ids)} requeued" + (f": {', '.join(map(str, ids))}" if ids else ""))
        sweep = outbox_sweep()
        self.stdout.write(f"{sweep.sent} sent, {sweep.retrying} to retry, {sweep.given_up} given up")
        counts = outbox_counts()
        self.stdout.write("outbox: " + ", ".join(f"{status} {n}" for status, n in counts.items()))
        if counts["failed"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{counts['failed']} failed: see last_error in the admin (outgoing mail), "
                    "then `manabiba send_outbox --requeue-failed [ID ...]`"
                )
            )
