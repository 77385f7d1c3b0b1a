"""The mail outbox: mail is written with the change it reports and sent afterwards.

Writing the message in the same transaction means a rolled-back change sends nothing,
and a mail server that is down loses nothing: delivery is retried with backoff.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from manabiba.core.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# The task queue normally sends a mail at once; the timer (send_outbox) picks up whatever
# the queue did not deliver within this time, e.g. because the queue itself was down.
QUEUE_GRACE = timedelta(minutes=5)


def outbox_enqueue(*, to: str, subject: str, body: str) -> OutboxMessage:
    """Queue one mail; it is handed to the task queue once the transaction commits."""
    message = OutboxMessage.objects.create(
        to=to, subject=subject[:255], body=body, next_attempt_at=timezone.now() + QUEUE_GRACE
    )
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    try:
        from manabiba.core.tasks import deliver_outbox_message

        deliver_outbox_message.enqueue(message_id)
    except Exception:
        # The change is committed already, so the mail must not be lost: the timer sends it later.
        logger.exception("mail %s not handed to the task queue; send_outbox will retry it", message_id)


def outbox_deliver(*, message_id: int) -> bool:
    """Send one queued mail unless it was sent already. Returns whether it has been sent (now or before)."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxMessage.Status.PENDING:
            return message is not None and message.status == OutboxMessage.Status.SENT
        message.attempts += 1
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
            ).send()
        except Exception as error:  # noqa: BLE001 - any transport failure is retried later
            logger.warning("mail %s not sent (attempt %s): %s", message.pk, message.attempts, error)
            message.last_error = str(error)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            else:
                message.next_attempt_at = timezone.now() + timedelta(minutes=2**message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
        return True


def outbox_retry_due() -> int:
    """Try again every pending mail whose backoff has passed. Returns how many were sent."""
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(outbox_deliver(message_id=pk) for pk in list(due))
