"""Writes for support requests: ask, split into departments' tasks, answer a task, talk, close,
publish a case study, erase.

Routing to a department and telling its staff, due dates and the group's replies by e-mail work as
in consultations, through the same pieces: ``accounts.selectors.department_addresses`` (who hears of
work routed to a department), ``core.dates.response_target`` (due dates from a per-kind setting),
the workspace's overdue cards (the morning digest is the reminder) and ``core.inbound_mail``
(one reply address and mailbox for both).
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from manabiba.accounts.models import Department, User
from manabiba.accounts.selectors import department_addresses, people_with_role
from manabiba.accounts.services import mail_to_user
from manabiba.communities.models import CommunityGroup
from manabiba.core.audit import audit_log
from manabiba.core.dates import response_target
from manabiba.core.mail import mail_send
from manabiba.core.search import search_index_remove, search_index_update
from manabiba.support import selectors
from manabiba.support.models import TASK_OPEN_STATUSES, Kind, SupportMessage, SupportRequest, SupportTask
from manabiba.support.permissions import (
    can_answer_task,
    can_ask_for,
    can_handle_request,
    can_manage,
    can_view_summary,
    is_requesting_group_member,
)

Status = SupportRequest.Status
TaskStatus = SupportTask.Status


@dataclass(frozen=True)
class TaskSpec:
    """One part the coordinator splits off: which department, about what, and what to do."""

    department: Department
    kind: str
    instructions: str = ""
    due_at: datetime | None = None


# --- helpers ---------------------------------------------------------------------------------------


def task_due(kind: str, start: datetime) -> datetime:
    return start + response_target(settings.SUPPORT_TASK_TARGET_DAYS, kind)


def group_url(request: SupportRequest) -> str:
    return settings.SITE_URL + reverse("support:detail", args=[request.pk])


def staff_url(request: SupportRequest) -> str:
    return settings.SITE_URL + reverse("staff_support:detail", args=[request.pk])


def _mail_group(request: SupportRequest, template: str, context: dict[str, Any] | None = None) -> None:
    """A mail to whoever asked in the group's name, answerable: replies land in the thread."""
    if not request.contact_email:
        return
    reply_to = request.reply_address
    mail_send(
        to=request.contact_email,
        template=f"support/mail/{template}",
        language=request.language,
        context={
            "request": request,
            "name": request.contact_name,
            "request_url": group_url(request),
            "reply_address": reply_to,
            **(context or {}),
        },
        reply_to=reply_to,
    )


def _mail_staff(users: Sequence[User], template: str, request: SupportRequest, **context: Any) -> set[str]:
    """Mail each person once; returns the addresses written to."""
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active or not user.email:
            continue
        seen.add(user.pk)
        mail_to_user(
            user=user,
            template=f"support/mail/{template}",
            context={"request": request, "staff_url": staff_url(request), "name": user.full_name, **context},
        )
    return {user.email for user in users if user.pk in seen}


def _mail_department(
    department: Department,
    template: str,
    request: SupportRequest,
    *,
    exclude: User | None = None,
    already: set[str] | None = None,
    **context: Any,
) -> None:
    """Tell a department of its part: its named community-policy contacts, else its staff
    (``accounts.selectors.department_addresses``, as consultations routing does)."""
    for address in department_addresses(department, exclude=exclude):
        if already is not None and address.email in already:
            continue
        mail_send(
            to=address.email,
            template=f"support/mail/{template}",
            language=address.language,
            context={"request": request, "staff_url": staff_url(request), "name": address.name, **context},
        )
        if already is not None:
            already.add(address.email)


def _locked(request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)


def _event(request: SupportRequest, actor: AbstractBaseUser | None, text: str, task: SupportTask | None = None) -> None:
    SupportMessage.objects.create(
        request=request,
        task=task,
        kind=SupportMessage.Kind.EVENT,
        author=actor if isinstance(actor, User) else None,
        body=text,
    )


def _settle(request: SupportRequest, now: datetime) -> None:
    """The request's state follows its parts: answered once none is open, back with the departments
    when one opens again. A closed request stays closed."""
    if request.status == Status.CLOSED:
        return
    states = set(request.tasks.values_list("status", flat=True))
    if not states:
        request.status = Status.NEW
    elif states & TASK_OPEN_STATUSES:
        request.status = Status.IN_PROGRESS
    else:
        request.status = Status.ANSWERED
    request.last_activity_at = now
    request.save(update_fields=["status", "last_activity_at", "updated_at"])


def _clean_kinds(kinds: Sequence[str]) -> list[str]:
    valid = set(Kind.values)
    chosen = [k for k in dict.fromkeys(kinds) if k in valid]
    if not chosen:
        raise ValidationError({"kinds": _("Choose at least one kind of help.")})
    return chosen


# --- asking ----------------------------------------------------------------------------------------


@transaction.atomic
def support_request_submit(
    *,
    actor: User,
    group: CommunityGroup,
    title: str,
    kinds: Sequence[str],
    description: str,
    starts_on: date,
    ends_on: date | None = None,
    contact_phone: str = "",
    language: str = "",
) -> SupportRequest:
    """A group's owner or editor asks for help with an activity; the coordinator is told."""
    if not can_ask_for(actor, group):
        raise PermissionDenied(_("Only the people who run an approved group ask for help in its name."))
    if not title.strip() or not description.strip():
        raise ValidationError({"description": _("Say what the activity is and what help you need.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
    request = SupportRequest.objects.create(
        group=group,
        group_name=group.name,
        requested_by=actor,
        contact_name=actor.full_name,
        contact_email=actor.email,
        contact_phone=contact_phone.strip() or actor.phone,
        language=language or actor.language or settings.LANGUAGE_CODE,
        title=title.strip(),
        kinds=_clean_kinds(kinds),
        description=description.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        reply_token=secrets.token_hex(12),
        last_activity_at=timezone.now(),
    )
    audit_log(
        action="support.request.submitted",
        actor=actor,
        target=request,
        data={"group": group.pk, "kinds": request.kinds},
    )
    _mail_group(request, "received")
    _mail_staff(list(people_with_role("coordinator")), "new_request", request)
    return request


# --- splitting and answering -----------------------------------------------------------------------


@transaction.atomic
def support_request_split(*, request: SupportRequest, actor: User, parts: Sequence[TaskSpec]) -> list[SupportTask]:
    """The coordinator hands parts of a request to departments (again later to add more parts).

    Each department's staff who handle such work hear of their part by mail, as when a consultation
    is routed to a department with nobody named; the group is told who is working on what."""
    if not can_manage(actor):
        raise PermissionDenied(_("Only the coordinator splits a support request."))
    if not parts:
        raise ValidationError({"parts": _("Name at least one department.")})
    request = _locked(request)
    if request.status == Status.CLOSED or request.anonymised_at is not None:
        raise ValidationError(_("This request is closed."))
    now = timezone.now()
    tasks: list[SupportTask] = []
    for part in parts:
        if part.kind not in Kind.values:
            raise ValidationError({"parts": _("Choose what the department helps with.")})
        if not part.department.is_active:
            raise ValidationError({"parts": _("This department no longer exists.")})
        tasks.append(
            SupportTask.objects.create(
                request=request,
                department=part.department,
                kind=part.kind,
                instructions=part.instructions.strip(),
                due_at=part.due_at or task_due(part.kind, now),
                assigned_by=actor,
            )
        )
    with translation.override(request.language):
        text = _("Your request has been passed to: %(parts)s.") % {
            "parts": pgettext("list", ", ").join(
                pgettext("a department and what it helps with", "%(department)s (%(kind)s)")
                % {"department": t.department.label, "kind": t.get_kind_display()}
                for t in tasks
            )
        }
    _event(request, actor, text)
    _settle(request, now)
    audit_log(
        action="support.request.split",
        actor=actor,
        target=request,
        data={"tasks": [{"id": t.pk, "department": t.department_id, "kind": t.kind} for t in tasks]},
    )
    for task in tasks:
        _mail_department(task.department, "task_assigned", request, exclude=actor, task=task)
    _mail_group(request, "split", {"tasks": tasks})
    return tasks


@transaction.atomic
def support_task_update(*, task: SupportTask, actor: User, status: str, answer: str = "") -> SupportTask:
    """A department takes on, answers or declines its own part; the answer goes into the thread and
    to the group. Done and declined need an answer (what was done, or why not)."""
    if not can_answer_task(actor, task):
        raise PermissionDenied(_("Only the department this part was given to answers it."))
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a state.")})
    answer = answer.strip()
    if status in {TaskStatus.DONE, TaskStatus.DECLINED} and not answer:
        raise ValidationError({"answer": _("Tell the group what was done, or why the department cannot help.")})
    request = _locked(task.request)
    if request.status == Status.CLOSED:
        raise ValidationError(_("This request is closed."))
    task = SupportTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    before = task.status
    now = timezone.now()
    task.status = status
    if answer:
        task.answer = answer
        task.answered_by = actor
        task.answered_at = now
    task.save()
    if answer:
        SupportMessage.objects.create(
            request=request, task=task, kind=SupportMessage.Kind.STAFF, author=actor, body=answer
        )
    elif before != status:
        with translation.override(request.language):
            _event(
                request,
                actor,
                _("%(department)s: %(status)s.")
                % {"department": task.department.name, "status": task.get_status_display()},
                task,
            )
    _settle(request, now)
    audit_log(
        action="support.task.updated",
        actor=actor,
        target=task,
        data={"request": request.pk, "from": before, "to": status, "answered": bool(answer)},
    )
    if answer or before != status:
        _mail_group(request, "task_updated", {"task": task, "answer": answer})
    return task


@transaction.atomic
def support_staff_message(
    *,
    request: SupportRequest,
    actor: User,
    body: str,
    internal: bool = False,
    task: SupportTask | None = None,
    via: str = SupportMessage.Via.WEB,
) -> SupportMessage:
    """Staff write in the thread: to the group (mailed to them), or an internal note the group never sees."""
    if not can_handle_request(actor, request):
        raise PermissionDenied(_("Only the coordinator and the departments with a part write here."))
    if not body.strip():
        raise ValidationError({"body": _("Write the message.")})
    if task is not None and task.request_id != request.pk:
        raise ValidationError({"task": _("This part belongs to another request.")})
    request = _locked(request)
    message = SupportMessage.objects.create(
        request=request,
        task=task,
        kind=SupportMessage.Kind.NOTE if internal else SupportMessage.Kind.STAFF,
        author=actor,
        body=body.strip(),
        via=via,
    )
    SupportRequest.objects.filter(pk=request.pk).update(last_activity_at=timezone.now())
    audit_log(
        action="support.note.added" if internal else "support.message.sent",
        actor=actor,
        target=request,
        data={"message": message.pk, "task": task.pk if task else None},
    )
    if not internal:
        _mail_group(request, "message", {"message": message})
    return message


@transaction.atomic
def support_group_message(
    *,
    request: SupportRequest,
    body: str,
    author: User | None = None,
    via: str = SupportMessage.Via.WEB,
    mail_id: str = "",
) -> SupportMessage | None:
    """The group writes (on its page, or by replying to a mail): the staff who split the request
    and the departments with an open part are told. A mail seen before adds nothing (None)."""
    if via == SupportMessage.Via.WEB and (author is None or not is_requesting_group_member(author, request)):
        raise PermissionDenied(_("Only the group's owner and editors write here."))
    if not body.strip():
        raise ValidationError({"body": _("Write your message.")})
    request = _locked(request)
    if request.anonymised_at is not None:
        raise ValidationError(_("This request has been closed and its content removed."))
    if mail_id and SupportMessage.objects.filter(request=request, mail_id=mail_id).exists():
        return None
    message = SupportMessage.objects.create(
        request=request, kind=SupportMessage.Kind.GROUP, author=author, body=body.strip(), via=via, mail_id=mail_id
    )
    SupportRequest.objects.filter(pk=request.pk).update(last_activity_at=timezone.now())
    audit_log(
        action="support.request.group_wrote",
        actor=author,
        target=request,
        data={"message": message.pk, "via": via},
    )
    open_tasks = list(request.tasks.filter(status__in=TASK_OPEN_STATUSES).select_related("department", "assigned_by"))
    listeners: list[User] = [t.assigned_by for t in request.tasks.select_related("assigned_by") if t.assigned_by]
    if not listeners:
        listeners = list(people_with_role("coordinator"))
    written = _mail_staff(listeners, "group_wrote", request, message=message)
    for task in open_tasks:
        _mail_department(task.department, "group_wrote", request, already=written, message=message)
    return message


@transaction.atomic
def support_request_close(*, request: SupportRequest, actor: User) -> SupportRequest:
    """The coordinator closes a request (parts still open are left as they are, and say so)."""
    if not can_manage(actor):
        raise PermissionDenied(_("Only the coordinator closes a support request."))
    request = _locked(request)
    if request.status == Status.CLOSED:
        return request
    now = timezone.now()
    request.status = Status.CLOSED
    request.closed_at = now
    request.last_activity_at = now
    request.save(update_fields=["status", "closed_at", "last_activity_at", "updated_at"])
    with translation.override(request.language):
        _event(request, actor, _("The request has been closed."))
    audit_log(action="support.request.closed", actor=actor, target=request)
    _mail_group(request, "closed")
    return request


# --- case studies ----------------------------------------------------------------------------------


def _case_reindex(request: SupportRequest) -> None:
    """A published case study is in the search index; any other request is not. Same transaction."""
    if selectors.is_published_case(request):
        document = selectors.case_search_document(request)
        search_index_update(kind=selectors.SEARCH_KIND, object_id=request.pk, title=document.title, body=document.body)
    else:
        search_index_remove(kind=selectors.SEARCH_KIND, object_id=request.pk)


@transaction.atomic
def support_case_consent(*, request: SupportRequest, actor: User, consent: bool) -> SupportRequest:
    """The group agrees (or no longer agrees) that its request be told as a public case study.
    Withdrawing the consent takes a published case study down at once."""
    if not is_requesting_group_member(actor, request):
        raise PermissionDenied(_("Only the group's owner and editors decide this."))
    request = _locked(request)
    if consent:
        request.case_consent_at = timezone.now()
        request.case_consent_by = actor
    else:
        request.case_consent_at = None
        request.case_consent_by = None
        request.case_published_at = None
    request.save(update_fields=["case_consent_at", "case_consent_by", "case_published_at", "updated_at"])
    _case_reindex(request)
    audit_log(
        action="support.case.consent_given" if consent else "support.case.consent_withdrawn",
        actor=actor,
        target=request,
    )
    return request


@transaction.atomic
def support_case_publish(*, request: SupportRequest, actor: User, title: str, summary: str) -> SupportRequest:
    """The coordinator writes the short public case study of a closed request the group agreed to share."""
    if not can_manage(actor):
        raise PermissionDenied(_("Only the coordinator publishes case studies."))
    request = _locked(request)
    if request.status != Status.CLOSED:
        raise ValidationError(_("Only a closed request can become a case study."))
    if request.case_consent_at is None:
        raise ValidationError(_("The group has not agreed to share this request as a case study."))
    if not title.strip() or not summary.strip():
        raise ValidationError({"case_summary": _("Write a title and a short account.")})
    request.case_title = title.strip()
    request.case_summary = summary.strip()
    request.case_published_at = request.case_published_at or timezone.now()
    request.save(update_fields=["case_title", "case_summary", "case_published_at", "updated_at"])
    _case_reindex(request)
    audit_log(action="support.case.published", actor=actor, target=request, data={"title": request.case_title})
    return request


@transaction.atomic
def support_case_unpublish(*, request: SupportRequest, actor: User) -> SupportRequest:
    if not can_manage(actor):
        raise PermissionDenied(_("Only the coordinator publishes case studies."))
    request = _locked(request)
    request.case_published_at = None
    request.save(update_fields=["case_published_at", "updated_at"])
    _case_reindex(request)
    audit_log(action="support.case.unpublished", actor=actor, target=request)
    return request


# --- personal data ---------------------------------------------------------------------------------


def support_view_record(*, request: SupportRequest, actor: User, view: str) -> None:
    """Staff opened a request: the contact details and thread (personal data) for those who handle
    it, the summary for other departments; every look is in the audit log, as for consultations."""
    if not can_view_summary(actor):
        raise PermissionDenied(_("You may not open this request."))
    audit_log(
        action="support.personal_data.viewed",
        actor=actor,
        target=request,
        data={"view": view, "reference": request.reference, "full": can_handle_request(actor, request)},
    )


@transaction.atomic
def support_erase_for_deleted_account(*, user: User) -> int:
    """A deleted account's copies in support requests: the contact details of the requests they
    made, what they wrote in threads as the group, their consent; the group's request stays (it is
    the group's and the city's record). Returns how many requests were touched."""
    requests = list(SupportRequest.objects.select_for_update(of=("self",)).filter(requested_by=user))
    for request in requests:
        request.requested_by = None
        request.contact_name = request.contact_email = request.contact_phone = ""
        request.save(update_fields=["requested_by", "contact_name", "contact_email", "contact_phone", "updated_at"])
    written = SupportMessage.objects.filter(author=user, kind=SupportMessage.Kind.GROUP)
    removed = written.update(body="", author=None, mail_id="")
    SupportMessage.objects.filter(author=user).update(author=None)
    SupportRequest.objects.filter(case_consent_by=user).update(case_consent_by=None)
    if requests or removed:
        audit_log(
            action="support.request.erased",
            actor=None,
            data={"requests": [r.pk for r in requests], "messages": removed, "reason": "account_deleted"},
        )
    return len(requests)


# --- retention -------------------------------------------------------------------------------------


@transaction.atomic
def support_purge(*, now: datetime | None = None) -> int:
    """Anonymise requests closed longer ago than ``SUPPORT_RETENTION_DAYS``; returns how many.

    Who asked and what was written go: the contact details, the link to the account, the
    description, every message of the thread and the departments' instructions and answers. What
    the figures count stays (the group's name, the activity's title and days, the kinds of help,
    each part's department, kind and state, the dates). A published case study is taken down with
    the rest: once anonymised, neither the group nor the staff could open the request to withdraw it.
    The request leaves the staff's lists."""
    now = now or timezone.now()
    stale = list(
        SupportRequest.objects.select_for_update(of=("self",)).filter(
            anonymised_at__isnull=True,
            status=SupportRequest.Status.CLOSED,
            closed_at__lt=now - timedelta(days=settings.SUPPORT_RETENTION_DAYS),
        )
    )
    if not stale:
        return 0
    ids = [request.pk for request in stale]
    SupportRequest.objects.filter(pk__in=ids).update(
        requested_by=None,
        contact_name="",
        contact_email="",
        contact_phone="",
        description="",
        case_consent_by=None,
        case_published_at=None,
        anonymised_at=now,
        updated_at=now,
    )
    SupportMessage.objects.filter(request_id__in=ids).update(body="", author=None, mail_id="")
    SupportTask.objects.filter(request_id__in=ids).update(instructions="", answer="", answered_by=None)
    for request in stale:
        if selectors.is_published_case(request):  # read before the update: only these are in the index
            search_index_remove(kind=selectors.SEARCH_KIND, object_id=request.pk)
    audit_log(action="support.request.purged", actor=None, data={"anonymised": len(ids)})
    return len(ids)
