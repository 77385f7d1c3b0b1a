"""Writes for learning consultations: ask, confirm, route, answer, reply, close, purge."""

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from manabiba.accounts.models import Department, User
from manabiba.accounts.permissions import has_permission
from manabiba.accounts.selectors import department_addresses
from manabiba.consultations.models import (
    OPEN_STATUSES,
    CannedReply,
    Channel,
    Consultation,
    Message,
    ReferenceCounter,
    ReplyChannel,
)
from manabiba.consultations.permissions import (
    can_answer_consultation,
    can_route_consultation,
    can_view_consultation,
)
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.dates import response_target as shared_response_target
from manabiba.core.mail import mail_send
from manabiba.programs.models import Program

Actor = AbstractBaseUser | AnonymousUser | None
CONFIRM_SALT = "manabiba.consultations.confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7
Status = Consultation.Status


# --- helpers ---------------------------------------------------------------------------------------


def _next_reference(now: datetime) -> str:
    """2026-000123: a per-year counter, incremented under the row's lock so no two askers share one."""
    year = timezone.localtime(now).year
    if not ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last=1)
        except IntegrityError:  # someone created the year's row at the same moment
            ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.get(year=year).last
    return f"{year}-{number:06d}"


def response_target(topic: str) -> timedelta:
    """How long the city takes at most to answer a consultation on ``topic`` (clock paused while waiting)."""
    return shared_response_target(settings.CONSULTATIONS_RESPONSE_TARGET_DAYS, topic)


def thread_url(consultation: Consultation) -> str:
    """The resident's own link to the thread: it opens this consultation and no other."""
    return settings.SITE_URL + reverse("consultations:thread", args=[consultation.access_token])


def _mail_resident(consultation: Consultation, template: str, context: dict[str, Any] | None = None) -> None:
    """A mail to the resident in their language, answerable: replies land in the thread."""
    if not consultation.email:
        return
    reply_to = consultation.reply_address
    full = {"consultation": consultation, "thread_url": thread_url(consultation), "reply_address": reply_to}
    mail_send(
        to=consultation.email,
        template=f"consultations/mail/{template}",
        language=consultation.language,
        context={**full, **(context or {})},
        reply_to=reply_to,
    )


def _mail_staff(user: User | None, template: str, consultation: Consultation) -> None:
    if user is None or not user.email or not user.is_active:
        return
    staff_url = settings.SITE_URL + reverse("staff_consultations:detail", args=[consultation.pk])
    mail_send(
        to=user.email,
        template=f"consultations/mail/{template}",
        language=user.language,
        context={"consultation": consultation, "staff_url": staff_url, "user": user},
    )


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update(of=("self",)).get(pk=consultation.pk)


def _event(consultation: Consultation, actor: Actor, text: str) -> Message:
    author = actor if isinstance(actor, User) else None
    return Message.objects.create(consultation=consultation, kind=Message.Kind.EVENT, author=author, body=text)


def confirmation_token(consultation: Consultation) -> str:
    return signing.dumps({"c": consultation.pk, "t": consultation.access_token[:8]}, salt=CONFIRM_SALT)


# --- asking ----------------------------------------------------------------------------------------


@transaction.atomic
def consultation_ask(
    data: Mapping[str, Any], *, resident: User | None, language: str, submission_key: str = ""
) -> Consultation:
    """``consultation_submit`` with what the ask form cleaned: the ask page and the API send the same."""
    return consultation_submit(
        topic=data["topic"],
        body=data["body"],
        reply_channel=data["reply_channel"],
        preferred_times=data["preferred_times"],
        name=data.get("name", ""),
        email=data.get("email", ""),
        phone=data["phone"],
        language=language,
        resident=resident,
        submission_key=submission_key,
    )


def consultation_submit(
    *,
    topic: str,
    body: str,
    reply_channel: str,
    preferred_times: str = "",
    name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "",
    resident: User | None = None,
    channel: str = Channel.WEB,
    logged_by: User | None = None,
    submission_key: str = "",
) -> Consultation:
    """A resident asks (online, or through the desk that logs it).

    A guest's consultation waits for the e-mail check; one asked signed in with a verified address,
    or logged by staff, goes straight to the queue with its response target running.
    ``submission_key`` (the confirmation page's random key) makes sending twice ask once: the
    second call returns the consultation the first made, and mails nothing.
    """
    if submission_key:
        existing = Consultation.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if logged_by is not None and not has_permission(logged_by, "consultations.log"):
        raise PermissionDenied(_("Your account does not have permission for this."))
    if channel in {Channel.PHONE, Channel.COUNTER} and logged_by is None:
        raise PermissionDenied(_("Only staff log consultations taken by phone or at the desk."))
    email = normalise_email(email or "")
    if resident is not None:
        email = email or resident.email
        name = name or resident.full_name
        phone = phone or resident.phone
        language = language or resident.language
    if reply_channel == ReplyChannel.EMAIL and not email:
        raise ValidationError({"email": _("Please give an e-mail address so that we can reply by e-mail.")})
    if reply_channel == ReplyChannel.PHONE and not phone:
        raise ValidationError({"phone": _("Please give a phone number so that we can call you back.")})
    # A guest who wants a call or a visit needs no e-mail address: the question reaches the staff at
    # once, and nothing is mailed to an address nobody has confirmed (the form must not mail strangers).
    guest_by_phone = logged_by is None and resident is None and reply_channel != ReplyChannel.EMAIL
    if guest_by_phone and not phone.strip():
        raise ValidationError({"phone": _("Please give a phone number so that we can reach you.")})
    if logged_by is None and not email and not guest_by_phone:
        raise ValidationError({"email": _("Please give an e-mail address.")})
    now = timezone.now()
    confirmed = (
        logged_by is not None
        or guest_by_phone
        or (
            resident is not None and resident.email_verified_at is not None and email == normalise_email(resident.email)
        )
    )
    fields = {
        "reference": _next_reference(now),
        "topic": topic,
        "body": body.strip(),
        "reply_channel": reply_channel,
        "preferred_times": preferred_times.strip(),
        "channel": channel,
        "resident": resident,
        "name": name.strip(),
        "email": email,
        "phone": phone.strip(),
        "language": language or translation.get_language() or settings.LANGUAGE_CODE,
        "access_token": secrets.token_urlsafe(32),
        "reply_token": secrets.token_hex(12),
        "confirmed_at": now if confirmed else None,
        "due_at": now + response_target(topic) if confirmed else None,
        "logged_by": logged_by,
        "last_activity_at": now,
        "submission_key": submission_key,
    }
    try:
        with transaction.atomic():
            consultation = Consultation.objects.create(**fields)
    except IntegrityError:
        # The same page sent at the same moment: the other request asked it.
        existing = Consultation.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing
    audit_log(
        action="consultations.consultation.submitted",
        actor=logged_by or resident,
        target=consultation,
        data={"channel": channel, "topic": topic, "confirmed": confirmed, "reply_channel": reply_channel},
    )
    if guest_by_phone:
        pass  # the reference is shown on screen; staff call back
    elif confirmed:
        _mail_resident(consultation, "received")
    else:
        confirm_url = settings.SITE_URL + reverse("consultations:confirm", args=[confirmation_token(consultation)])
        _mail_resident(consultation, "confirm", {"confirm_url": confirm_url})
    return consultation


@transaction.atomic
def consultation_confirm(*, token: str) -> Consultation:
    """The guest followed the link mailed to them: the consultation enters the staff queue."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired. Please ask again.")) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid.")) from error
    consultation = Consultation.objects.select_for_update(of=("self",)).filter(pk=payload.get("c")).first()
    if consultation is None or not consultation.access_token.startswith(str(payload.get("t"))):
        raise ValidationError(_("This link is not valid."))
    if consultation.confirmed_at is None:
        now = timezone.now()
        consultation.confirmed_at = now
        consultation.due_at = now + response_target(consultation.topic)
        consultation.last_activity_at = now
        consultation.save(update_fields=["confirmed_at", "due_at", "last_activity_at", "updated_at"])
        audit_log(action="consultations.consultation.confirmed", actor=None, target=consultation)
        _mail_resident(consultation, "received")
    return consultation


# --- answering -------------------------------------------------------------------------------------


@transaction.atomic
def consultation_assign(
    *,
    consultation: Consultation,
    actor: User,
    department: Department | None,
    assignee: User | None,
    note: str = "",
) -> Consultation:
    """Route a consultation to a department and/or a person (or hand it back to the coordinator).

    Whoever routes may do so; anyone who answers it may take it on or hand it back.
    """
    taking = assignee is not None and assignee.pk == actor.pk and department == consultation.department
    handing_back = department is None and assignee is None
    if not can_route_consultation(actor, consultation) and not (
        can_answer_consultation(actor, consultation) and (taking or handing_back)
    ):
        raise PermissionDenied(_("You may not route this consultation."))
    if assignee is not None and not has_permission(assignee, "consultations.answer"):
        raise ValidationError({"assignee": _("This person does not answer consultations.")})
    if assignee is not None and department is not None and assignee.department_id != department.pk:
        raise ValidationError({"assignee": _("This person does not work in the chosen department.")})
    consultation = _locked(consultation)
    before = (consultation.department_id, consultation.assignee_id)
    consultation.department = department
    consultation.assignee = assignee
    if assignee is not None and consultation.status == Status.NEW:
        consultation.status = Status.IN_PROGRESS
    consultation.last_activity_at = timezone.now()
    consultation.save(update_fields=["department", "assignee", "status", "last_activity_at", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        if handing_back:
            text = _("Handed back to the coordinator.")
        else:
            text = _("Routed to %(target)s.") % {
                "target": " / ".join(str(x) for x in (department, assignee) if x is not None)
            }
    if note.strip():
        text = f"{text}\n{note.strip()}"
    _event(consultation, actor, text)
    audit_log(
        action="consultations.consultation.routed",
        actor=actor,
        target=consultation,
        data={
            "from": {"department": before[0], "assignee": before[1]},
            "to": {"department": department.pk if department else None, "assignee": assignee.pk if assignee else None},
        },
    )
    if assignee is not None and assignee.pk != actor.pk:
        _mail_staff(assignee, "assigned", consultation)
    elif assignee is None and department is not None and before[0] != department.pk:
        # Nobody named: the department's named contacts hear of it (its staff, when it has named
        # none), so it is not left lying.
        for address in department_addresses(department, exclude=actor):
            mail_send(
                to=address.email,
                template="consultations/mail/routed_department",
                language=address.language,
                context={"consultation": consultation, "department": department, "name": address.name},
            )
    return consultation


@transaction.atomic
def consultation_note_add(*, consultation: Consultation, actor: User, body: str) -> Message:
    """An internal note: staff only, never shown or mailed to the resident."""
    if not can_answer_consultation(actor, consultation):
        raise PermissionDenied(_("You may not handle this consultation."))
    consultation = _locked(consultation)
    message = Message.objects.create(consultation=consultation, kind=Message.Kind.NOTE, author=actor, body=body.strip())
    Consultation.objects.filter(pk=consultation.pk).update(last_activity_at=timezone.now())
    audit_log(action="consultations.note.added", actor=actor, target=consultation, data={"message": message.pk})
    return message


def _recommendable(program_ids: Iterable[int]) -> list[Program]:
    ids = list(dict.fromkeys(program_ids))
    programs = list(Program.objects.filter(pk__in=ids, status=Program.Status.PUBLISHED))
    if len(programs) != len(ids):
        raise ValidationError({"programs": _("Only published programmes can be recommended.")})
    order = {pk: n for n, pk in enumerate(ids)}
    return sorted(programs, key=lambda p: order[p.pk])


@transaction.atomic
def consultation_reply(
    *,
    consultation: Consultation,
    actor: User,
    body: str,
    program_ids: Iterable[int] = (),
    wait_for_resident: bool = False,
    via: str = Message.Via.WEB,
) -> Message:
    """Answer the resident by the channel they asked for, optionally recommending programmes.

    Asked for a reply by e-mail, it is mailed; asked for a call (or a visit to the desk), the reply is
    the note of what staff told them, logged as a call (or desk) note and never mailed.
    ``wait_for_resident`` asks them something back: the response clock stops until they reply.
    """
    if not can_answer_consultation(actor, consultation):
        raise PermissionDenied(_("You may not answer this consultation."))
    if not body.strip():
        raise ValidationError({"body": _("Write the reply.")})
    programs = _recommendable(program_ids)
    consultation = _locked(consultation)
    by_mail = consultation.reply_channel == ReplyChannel.EMAIL
    if consultation.reply_channel == ReplyChannel.PHONE:
        via = Message.Via.PHONE
    elif consultation.reply_channel == ReplyChannel.DESK:
        via = Message.Via.COUNTER
    now = timezone.now()
    message = Message.objects.create(
        consultation=consultation, kind=Message.Kind.REPLY, author=actor, body=body.strip(), via=via
    )
    message.programs.set(programs)
    if consultation.first_response_at is None:
        consultation.first_response_at = now
        consultation.first_response_on_time = consultation.due_at is None or now <= consultation.due_at
    if wait_for_resident:
        if consultation.status != Status.WAITING or consultation.waiting_since is None:
            consultation.waiting_since = now  # asked again while waiting: the pause started with the first question
        consultation.status = Status.WAITING
    else:
        consultation.status = Status.ANSWERED
        consultation.answered_at = now
        consultation.waiting_since = None
    if consultation.assignee_id is None:
        consultation.assignee = actor
    consultation.last_activity_at = now
    consultation.save()
    audit_log(
        action="consultations.reply.sent",
        actor=actor,
        target=consultation,
        data={
            "message": message.pk,
            "programs": [p.pk for p in programs],
            "status": consultation.status,
            "via": via,
            "mailed": by_mail and bool(consultation.email),
        },
    )
    if by_mail:
        _mail_resident(consultation, "reply", {"message": message, "programs": programs})
    return message


@transaction.atomic
def consultation_resident_reply(
    *,
    consultation: Consultation,
    body: str,
    via: str = Message.Via.WEB,
    mail_id: str = "",
    author: User | None = None,
) -> Message | None:
    """The resident writes again (on the page or by e-mail): the consultation reopens.

    While the city was waiting for them, the due date moves on by the time it waited. A mail seen
    before (same Message-ID) adds nothing and returns None.
    """
    if not body.strip():
        raise ValidationError({"body": _("Write your message.")})
    consultation = _locked(consultation)
    if consultation.anonymised_at is not None:
        raise ValidationError(_("This consultation has been closed and its content removed."))
    if mail_id and Message.objects.filter(consultation=consultation, mail_id=mail_id).exists():
        return None
    now = timezone.now()
    message = Message.objects.create(
        consultation=consultation,
        kind=Message.Kind.RESIDENT,
        body=body.strip(),
        via=via,
        mail_id=mail_id,
        author=author,
    )
    previous = consultation.status
    if previous == Status.WAITING:
        if consultation.waiting_since is not None and consultation.due_at is not None:
            consultation.due_at += now - consultation.waiting_since
    elif previous in {Status.ANSWERED, Status.CLOSED}:
        consultation.due_at = now + response_target(consultation.topic)
        consultation.closed_at = None
    if previous not in OPEN_STATUSES:
        consultation.status = Status.IN_PROGRESS if consultation.assignee_id else Status.NEW
    consultation.waiting_since = None
    consultation.last_activity_at = now
    consultation.save()
    audit_log(
        action="consultations.consultation.resident_replied",
        actor=author,
        target=consultation,
        data={"message": message.pk, "via": via, "from_status": previous, "status": consultation.status},
    )
    if consultation.assignee is not None:
        _mail_staff(consultation.assignee, "resident_replied", consultation)
    return message


@transaction.atomic
def consultation_close(*, consultation: Consultation, actor: User) -> Consultation:
    if not can_answer_consultation(actor, consultation):
        raise PermissionDenied(_("You may not handle this consultation."))
    consultation = _locked(consultation)
    now = timezone.now()
    consultation.status = Status.CLOSED
    consultation.closed_at = now
    consultation.waiting_since = None
    consultation.last_activity_at = now
    consultation.save(update_fields=["status", "closed_at", "waiting_since", "last_activity_at", "updated_at"])
    audit_log(action="consultations.consultation.closed", actor=actor, target=consultation)
    return consultation


def consultation_view_record(*, consultation: Consultation, actor: User, view: str) -> None:
    """Staff opened a consultation (personal data): written to the audit log, or refused."""
    if not can_view_consultation(actor, consultation):
        raise PermissionDenied(_("You may not open this consultation."))
    audit_log(
        action="consultations.personal_data.viewed",
        actor=actor,
        target=consultation,
        data={"view": view, "reference": consultation.reference},
    )


# --- canned replies --------------------------------------------------------------------------------


@transaction.atomic
def canned_reply_save(
    *, actor: User, title: str, body: str, topic: str = "", is_active: bool = True, canned: CannedReply | None = None
) -> CannedReply:
    if not has_permission(actor, "consultations.manage_canned"):
        raise PermissionDenied(_("Your account does not have permission for this."))
    canned = canned or CannedReply()
    canned.title, canned.body, canned.topic, canned.is_active = title.strip(), body.strip(), topic, is_active
    canned.save()
    audit_log(action="consultations.canned_reply.saved", actor=actor, target=canned, data={"title": canned.title})
    return canned


@transaction.atomic
def canned_reply_delete(*, actor: User, canned: CannedReply) -> None:
    if not has_permission(actor, "consultations.manage_canned"):
        raise PermissionDenied(_("Your account does not have permission for this."))
    audit_log(action="consultations.canned_reply.deleted", actor=actor, target=canned, data={"title": canned.title})
    canned.delete()


# --- retention -------------------------------------------------------------------------------------


def _anonymise(consultation: Consultation, now: datetime) -> None:
    """Remove who asked and what was said; topic, channel, dates and status stay for the figures."""
    consultation.messages.update(body="", author=None, mail_id="")
    consultation.body = ""
    consultation.preferred_times = ""
    consultation.name = consultation.email = consultation.phone = ""
    consultation.resident = None
    consultation.anonymised_at = now
    consultation.save()


@transaction.atomic
def consultations_erase_for_deleted_account(*, user: User, now: datetime | None = None) -> int:
    """Anonymise a deleted account's consultations as the retention purge does; returns how many.

    Nobody could be answered any more, so open ones are closed as well."""
    now = now or timezone.now()
    anonymised = 0
    for consultation in Consultation.objects.select_for_update(of=("self",)).filter(
        resident=user, anonymised_at__isnull=True
    ):
        if consultation.status != Status.CLOSED:
            consultation.status = Status.CLOSED
            consultation.closed_at = consultation.closed_at or now
        _anonymise(consultation, now)
        anonymised += 1
    if anonymised:
        audit_log(
            action="consultations.consultation.erased",
            actor=None,
            data={"anonymised": anonymised, "reason": "account_deleted"},
        )
    return anonymised


@transaction.atomic
def consultations_purge(*, now: datetime | None = None) -> tuple[int, int]:
    """Anonymise answered or closed consultations idle past the retention period (and those still
    waiting for a resident who never wrote back) and delete unconfirmed guest consultations.
    Returns (anonymised, deleted). Figures keep their counts: topic, channel, dates and status
    stay; who asked and what was said go."""
    now = now or timezone.now()
    stale = Consultation.objects.select_for_update(of=("self",)).filter(
        anonymised_at__isnull=True,
        status__in=[Status.ANSWERED, Status.CLOSED, Status.WAITING],
        last_activity_at__lt=now - timedelta(days=settings.CONSULTATIONS_RETENTION_DAYS),
    )
    anonymised = 0
    for consultation in stale:
        _anonymise(consultation, now)
        anonymised += 1
    unconfirmed = Consultation.objects.filter(
        confirmed_at__isnull=True,
        logged_by__isnull=True,
        created_at__lt=now - timedelta(days=settings.CONSULTATIONS_UNCONFIRMED_DAYS),
    )
    deleted = unconfirmed.count()
    unconfirmed.delete()
    if anonymised or deleted:
        audit_log(
            action="consultations.consultation.purged",
            actor=None,
            data={"anonymised": anonymised, "deleted_unconfirmed": deleted},
        )
    return anonymised, deleted
