"""Residents' replies by e-mail: the consultations' handler of the shared inbound mail (core.inbound_mail).

Every mail to the resident carries ``reply+<token>@<domain>`` (Reply-To and in the body). A mail
that reaches that address lands in the consultation's thread; the token is unguessable and names
one consultation. A mail without it is matched only when its subject carries the reference number
in brackets and it comes from the address the consultation was asked from.
"""

import re
from email.message import EmailMessage
from email.utils import parseaddr

from django.core.exceptions import ValidationError

from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.services import consultation_resident_reply
from manabiba.core.addresses import normalise_email
from manabiba.core.inbound_mail import (
    MAILBOX_ERRORS,
    InboundResult,
    inbound_mail_dispatch,
    mail_id_of,
    mailbox_display,
    read_mailbox,
    reply_text,
)

# The command and the tests read these from here as before; they live in core, shared with support.
__all__ = [
    "MAILBOX_ERRORS",
    "InboundResult",
    "consultation_mail_handle",
    "inbound_mail_receive",
    "mailbox_display",
    "read_mailbox",
    "reply_text",
]

_REFERENCE = re.compile(r"\[(\d{4}-\d{6})\]")


def _find(message: EmailMessage, token: str | None) -> Consultation | None:
    if token:
        return Consultation.objects.filter(reply_token=token, anonymised_at__isnull=True).first()
    reference = _REFERENCE.search(str(message.get("Subject", "")))
    sender = normalise_email(parseaddr(str(message.get("From", "")))[1])
    if reference and sender:
        return Consultation.objects.filter(
            reference=reference.group(1), email__iexact=sender, anonymised_at__isnull=True
        ).first()
    return None


def consultation_mail_handle(
    message: EmailMessage, token: str | None, recipients: tuple[str, ...]
) -> InboundResult | None:
    """Put a mail into its consultation's thread; None when it answers no consultation."""
    consultation = _find(message, token)
    if consultation is None:
        return None
    text = reply_text(message)
    if not text:
        return InboundResult(consultation, None, "empty reply ignored", consultation.reference)
    try:
        added = consultation_resident_reply(
            consultation=consultation, body=text, via=Message.Via.EMAIL, mail_id=mail_id_of(message)
        )
    except ValidationError as error:
        return InboundResult(consultation, None, "; ".join(error.messages), consultation.reference)
    return InboundResult(consultation, added, "added" if added else "seen before", consultation.reference)


def inbound_mail_receive(raw: bytes, *, recipients: tuple[str, ...] = ()) -> InboundResult:
    """One received mail, offered to every app's handler (consultations first, then support requests)."""
    return inbound_mail_dispatch(raw, recipients=recipients)
