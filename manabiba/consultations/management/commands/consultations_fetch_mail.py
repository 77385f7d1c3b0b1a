from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabiba.consultations.inbound import MAILBOX_ERRORS, inbound_mail_receive, mailbox_display, read_mailbox


class Command(BaseCommand):
    help = (
        "Read residents' e-mail replies from the inbound mailbox (CONSULTATIONS_INBOUND_MAILBOX, or --source: "
        "a Maildir, mbox or .eml folder path, or an imap(s):// or pop3(s):// URL) into their consultations, "
        "and groups' replies into their support requests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", default="", help="Overrides CONSULTATIONS_INBOUND_MAILBOX.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"] or settings.CONSULTATIONS_INBOUND_MAILBOX
        if not source:
            raise CommandError("No mailbox: set CONSULTATIONS_INBOUND_MAILBOX or pass --source.")
        added = seen = ignored = 0
        try:
            for raw in read_mailbox(source):
                result = inbound_mail_receive(raw)
                if result.message is not None:
                    added += 1
                    self.stdout.write(f"{result.reference}: reply added")
                elif result.target is not None:
                    seen += 1
                else:
                    ignored += 1
        except MAILBOX_ERRORS as error:
            raise CommandError(f"Cannot read {mailbox_display(source)}: {error}") from error
        self.stdout.write(
            f"{added} added, {seen} seen before or empty, {ignored} not for a consultation or a support request"
        )
