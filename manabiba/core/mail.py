"""The mail outbox: mail is written with the change it reports and sent afterwards.

Writing the message in the same transaction means a rolled-back change sends nothing,
and a mail server that is down loses nothing: delivery is retried with backoff.

Delivery is **at least once**, never knowingly twice:

- A sender *claims* a message with one conditional UPDATE (``pending`` → ``sending``, with
  its own claim token and a lease), commits, and only then talks to the mail server. No row
  lock or open transaction is held during SMTP, and two senders can never both claim it.
- After the server accepted the mail, the sender marks it ``sent`` — again only if its
  claim still stands. If the server refuses or is down, the claim is released with the next
  attempt time (2, 4, 8 … minutes); after ``MAX_ATTEMPTS`` the message is ``failed`` and
  ``last_error`` says why.
- A sender that dies mid-way leaves ``sending`` behind; when the lease expires the message
  is claimed again. If it died *after* the server accepted the mail and *before* marking it
  sent, the mail goes out a second time: SMTP has no way to make the two steps one. Every
  attempt carries the same ``Message-ID`` header, so a duplicate can be recognised (and is
  dropped by many mail stores). The lease is far longer than any SMTP conversation can take
  (each socket operation times out after ``SEND_TIMEOUT``), so a slow sender is never
  overtaken by a second one while it is still alive.
"""

import base64
import enum
import logging
import re
import secrets
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, F, Q
from django.template import Context, Engine
from django.utils import timezone, translation
from django_tasks import task

from manabiba.core.audit import audit_log
from manabiba.core.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# The task queue normally sends a mail at once; the timer (send_outbox) picks up whatever
# the queue did not deliver within this time, e.g. because the queue itself was down.
QUEUE_GRACE = timedelta(minutes=5)
# How long a claim holds. Each SMTP socket operation times out after EMAIL_TIMEOUT seconds
# (at most SEND_TIMEOUT), so a live sender finishes long before its lease runs out.
LEASE = timedelta(minutes=10)
SEND_TIMEOUT = 30
OUTCOME_WRITE_TRIES = 5

Attachment = tuple[str, bytes | str, str]
"""(file name, content, MIME type), e.g. ``("course.ics", ics_bytes, "text/calendar")``."""


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 2, 4, 8 … 128 minutes."""
    return timedelta(minutes=2**attempts)


def _one_line(subject: str) -> str:
    """A subject on one line (a header cannot hold a line break); other spacing is kept."""
    return re.sub(r"\s*[\r\n]+\s*", " ", subject).strip()


def _render(name: str, context: dict[str, Any]) -> str:
    # Mail is plain text: nothing is HTML-escaped, so "A & B" stays "A & B" in subject and body.
    return Engine.get_default().get_template(name).render(Context(context, autoescape=False))


def mail_render(*, template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in ``language``.

    The subject is stripped and put on one line (a template may end with a newline);
    the context gets ``site_url`` and ``city_name`` (in the mail's language) unless it brings its own.
    Bodies greet a named person with ``{% include "core/mail/_salutation.txt" %}`` (``name`` in the context).
    """
    with translation.override(language):
        city_name = settings.CITY_NAME_EN if language.startswith("en") else settings.CITY_NAME
        full_context = {"site_url": settings.SITE_URL, "city_name": city_name, **context}
        subject = _one_line(_render(f"{template}_subject.txt", full_context))
        body = _render(f"{template}_body.txt", full_context)
    return subject, body


def mail_send(
    *,
    to: str,
    template: str,
    language: str,
    context: dict[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: str = "",
    unsubscribe: str = "",
) -> OutboxMessage:
    """The one way the apps write mail: rendered from ``template`` in the recipient's ``language``
    (empty: the site's) and queued in the outbox labelled with that language (``Content-Language``).

    ``unsubscribe`` is a list mail's one-click link (``core.unsubscribe.unsubscribe_link``): it goes
    out as the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058).
    """
    language = language or settings.LANGUAGE_CODE
    subject, body = mail_render(template=template, context=context or {}, language=language)
    return outbox_enqueue(
        to=to,
        subject=subject,
        body=body,
        attachments=attachments,
        language=language,
        reply_to=reply_to,
        list_unsubscribe=unsubscribe,
    )


# A blank left in a prepared mail: letters and digits only, so it passes unchanged through templates,
# calendar files and headers; the salt keeps text people wrote from ever looking like one.
_BLANK_SALT = secrets.token_hex(6)


def mail_blank(name: str) -> str:
    """A placeholder for a value known only later (a waiting-list position, a row's id), filled by
    ``PreparedMail.send``."""
    return f"MBLANK{_BLANK_SALT}{name}MBLANK"


@dataclass(frozen=True)
class PreparedMail:
    """A mail rendered ahead of the change it reports, queued by ``send`` inside that change's transaction.

    Lets a service render outside a lock it takes later (rendering is the slow part of writing mail),
    and still write the message in the same transaction as the change: the blanks it left
    (``mail_blank``) are filled with values known only under the lock.
    """

    to: str
    subject: str
    body: str
    language: str
    attachments: tuple[Attachment, ...] = ()
    reply_to: str = ""

    def send(self, **blanks: object) -> OutboxMessage:
        def fill(text: str) -> str:
            for name, value in blanks.items():
                text = text.replace(mail_blank(name), str(value))
            if f"MBLANK{_BLANK_SALT}" in text:
                raise ValueError("a prepared mail was sent with a blank left unfilled")
            return text

        def fill_bytes(data: bytes) -> bytes:  # a binary attachment (a PDF) is never decoded
            for name, value in blanks.items():
                data = data.replace(mail_blank(name).encode("ascii"), str(value).encode())
            if f"MBLANK{_BLANK_SALT}".encode("ascii") in data:
                raise ValueError("a prepared mail was sent with a blank left unfilled")
            return data

        attachments = [
            (name, fill_bytes(content) if isinstance(content, bytes) else fill(content), mimetype)
            for name, content, mimetype in self.attachments
        ]
        return outbox_enqueue(
            to=self.to,
            subject=fill(self.subject),
            body=fill(self.body),
            attachments=attachments,
            language=self.language,
            reply_to=self.reply_to,
        )


def mail_prepare(
    *,
    to: str,
    template: str,
    language: str,
    context: dict[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: str = "",
) -> PreparedMail:
    """Render a mail as ``mail_send`` does, without queueing it yet (``PreparedMail.send`` queues it)."""
    language = language or settings.LANGUAGE_CODE
    subject, body = mail_render(template=template, context=context or {}, language=language)
    return PreparedMail(
        to=to, subject=subject, body=body, language=language, attachments=tuple(attachments), reply_to=reply_to
    )


def _stored_attachment(attachment: Attachment) -> dict[str, str]:
    filename, content, mimetype = attachment
    if not filename or "/" not in mimetype:
        raise ValueError(f"an attachment needs a file name and a MIME type, not {filename!r}, {mimetype!r}")
    data = content.encode() if isinstance(content, str) else bytes(content)
    return {"filename": filename, "mimetype": mimetype, "content": base64.b64encode(data).decode("ascii")}


def outbox_enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
    language: str | None = None,
    reply_to: str = "",
    list_unsubscribe: str = "",
) -> OutboxMessage:
    """Queue one mail; it is handed to the task queue once the transaction commits.

    ``language`` is the language the mail is written in (the recipient's); it is stored and
    sent as ``Content-Language``. Without it, the site's default language is assumed.
    ``reply_to`` sets the Reply-To header (a consultation's inbound address, say).
    ``list_unsubscribe`` is a one-click unsubscribe link, sent as List-Unsubscribe (RFC 8058).
    """
    message = OutboxMessage.objects.create(
        to=to,
        subject=_one_line(subject)[:255],
        body=body,
        attachments=[_stored_attachment(a) for a in attachments],
        language=language or settings.LANGUAGE_CODE,
        reply_to=reply_to,
        list_unsubscribe=list_unsubscribe,
        next_attempt_at=timezone.now() + QUEUE_GRACE,
    )
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    try:
        deliver_outbox_message.enqueue(message_id)
    except Exception:
        # The change is committed already, so the mail must not be lost: the timer sends it later.
        logger.exception("mail %s not handed to the task queue; send_outbox will retry it", message_id)


def _claimable(now: datetime, *, due_only: bool) -> Q:
    pending = Q(status=OutboxMessage.Status.PENDING)
    if due_only:
        pending &= Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    abandoned = Q(status=OutboxMessage.Status.SENDING, lease_expires_at__lte=now)
    return (pending | abandoned) & Q(attempts__lt=MAX_ATTEMPTS)


def _claim(message_id: int, *, due_only: bool) -> tuple[OutboxMessage, str] | None:
    """Take the message for this sender, or None when it is not to be sent or another took it.

    The row is read, then claimed by one conditional UPDATE (committed at once) that succeeds
    only if nobody changed its status, attempts or claim in between.
    """
    now = timezone.now()
    claimable = _claimable(now, due_only=due_only)
    message = OutboxMessage.objects.filter(claimable, pk=message_id).first()
    if message is None:
        return None
    token = secrets.token_hex(16)
    claimed = OutboxMessage.objects.filter(
        claimable,
        pk=message_id,
        status=message.status,
        attempts=message.attempts,
        claim_token=message.claim_token,
    ).update(
        status=OutboxMessage.Status.SENDING,
        claim_token=token,
        lease_expires_at=now + LEASE,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if claimed != 1:
        return None
    message.status, message.claim_token, message.lease_expires_at = OutboxMessage.Status.SENDING, token, now + LEASE
    message.attempts += 1
    return message, token


def _email(message: OutboxMessage) -> EmailMessage:
    headers = {"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"}
    if message.language:
        headers["Content-Language"] = message.language
    if message.list_unsubscribe:
        # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click" to the link, no page in between.
        headers["List-Unsubscribe"] = f"<{message.list_unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
        connection=get_connection(timeout=min(settings.EMAIL_TIMEOUT or SEND_TIMEOUT, SEND_TIMEOUT)),
    )
    for attachment in message.attachments:
        email.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return email


def _release(message: OutboxMessage, token: str, **fields: Any) -> bool:
    """Write the outcome if this sender's claim still stands; False when the lease was lost.

    A database error here is retried a few times: losing the outcome of a mail that went out
    means it goes out again once the lease expires.
    """
    for attempt in range(1, OUTCOME_WRITE_TRIES + 1):
        try:
            updated = OutboxMessage.objects.filter(
                pk=message.pk, status=OutboxMessage.Status.SENDING, claim_token=token
            ).update(claim_token="", lease_expires_at=None, updated_at=timezone.now(), **fields)
        except (OperationalError, InterfaceError):
            if attempt == OUTCOME_WRITE_TRIES:
                raise
            logger.warning("outcome of mail %s not recorded (try %s); trying again", message.pk, attempt, exc_info=True)
            if not connection.in_atomic_block:
                connection.close()  # the next query opens a fresh connection
            time.sleep(0.05 * 2**attempt)
        else:
            return updated == 1
    raise AssertionError("unreachable")


def _mark_sent(message: OutboxMessage, token: str) -> None:
    if not _release(message, token, status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error=""):
        # Only possible when this sender outlived its lease; another one may have sent it too.
        logger.warning("mail %s sent, but its claim had expired; it may go out twice", message.pk)


def _mark_failed_attempt(message: OutboxMessage, token: str, error: BaseException) -> bool:
    """Record a failed attempt; True when it was the last one and the mail is given up."""
    reason = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        fields: dict[str, Any] = {"status": OutboxMessage.Status.FAILED, "next_attempt_at": None}
        logger.error("mail %s given up after %s attempts: %s", message.pk, message.attempts, reason)
    else:
        fields = {"status": OutboxMessage.Status.PENDING, "next_attempt_at": timezone.now() + backoff(message.attempts)}
        logger.warning("mail %s not sent (attempt %s): %s", message.pk, message.attempts, reason)
    return _release(message, token, last_error=reason, **fields) and message.attempts >= MAX_ATTEMPTS


class Outcome(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # this attempt failed; the next one comes after the backoff
    GIVEN_UP = "given up"  # the last attempt failed
    NOT_CLAIMED = "not claimed"  # sent, failed, not due, or another sender has it


def _deliver(message_id: int, *, due_only: bool) -> Outcome:
    """Claim the message, send it, record what happened."""
    claim = _claim(message_id, due_only=due_only)
    if claim is None:
        return Outcome.NOT_CLAIMED
    message, token = claim
    try:
        _email(message).send()
    except Exception as error:  # noqa: BLE001 - any transport failure is retried later
        return Outcome.GIVEN_UP if _mark_failed_attempt(message, token, error) else Outcome.RETRY
    _mark_sent(message, token)
    return Outcome.SENT


def outbox_deliver(*, message_id: int) -> bool:
    """Send one queued mail unless it was sent already. Returns whether it has been sent (now or before)."""
    outcome = _deliver(message_id, due_only=False)
    if outcome is Outcome.NOT_CLAIMED:
        return OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.SENT).exists()
    return outcome is Outcome.SENT


@task()
def deliver_outbox_message(message_id: int) -> bool:
    """The task the queue runs for each mail once its transaction has committed."""
    return outbox_deliver(message_id=message_id)


@dataclass(frozen=True)
class OutboxSweep:
    """What one run of the timer did."""

    sent: int = 0
    retrying: int = 0  # attempted and failed; tried again after the backoff
    given_up: int = 0  # now failed for good (including senders that died during the last attempt)


def _give_up_abandoned_last_attempts(now: datetime) -> int:
    """A sender died during the last allowed attempt: whether it went out is unknown."""
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, lease_expires_at__lte=now, attempts__gte=MAX_ATTEMPTS
    ).update(
        status=OutboxMessage.Status.FAILED,
        claim_token="",
        lease_expires_at=None,
        next_attempt_at=None,
        last_error="The sender stopped during the last attempt; the mail may or may not have been delivered.",
        updated_at=now,
    )


def outbox_sweep() -> OutboxSweep:
    """Try again every mail whose backoff has passed or whose sender's lease has expired.

    Safe to run in several processes at once: each message is claimed by one of them.
    """
    now = timezone.now()
    abandoned = _give_up_abandoned_last_attempts(now)
    due = list(
        OutboxMessage.objects.filter(_claimable(now, due_only=True))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    outcomes = Counter(_deliver(pk, due_only=True) for pk in due)
    return OutboxSweep(
        sent=outcomes[Outcome.SENT],
        retrying=outcomes[Outcome.RETRY],
        given_up=outcomes[Outcome.GIVEN_UP] + abandoned,
    )


def outbox_retry_due() -> int:
    """Try again every mail that is due (see ``outbox_sweep``). Returns how many were sent."""
    return outbox_sweep().sent


def outbox_counts() -> dict[str, int]:
    """How many messages are in each state, every state listed."""
    counts = dict.fromkeys(OutboxMessage.Status.values, 0)
    for row in OutboxMessage.objects.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


@transaction.atomic
def outbox_requeue_failed(*, message_ids: Iterable[int] | None = None) -> list[int]:
    """Give failed mail (all of it, or those of ``message_ids``) a fresh set of attempts, due now.

    Returns the ids requeued. ``last_error`` stays until the mail is sent.
    """
    failed = OutboxMessage.objects.select_for_update(of=("self",)).filter(status=OutboxMessage.Status.FAILED)
    if message_ids is not None:
        failed = failed.filter(pk__in=list(message_ids))
    ids = list(failed.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=now, updated_at=now
    )
    if ids:
        audit_log(action="core.outbox.requeued", actor=None, data={"messages": ids})
    return ids
