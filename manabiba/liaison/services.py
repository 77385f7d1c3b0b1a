"""Writes for liaison meetings: record a meeting, assign action items (mailing the owner), close them."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import Department
from manabiba.accounts.selectors import department_addresses
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.liaison.models import ActionItem, LiaisonMeeting
from manabiba.liaison.permissions import can_close_action, can_manage_meetings


def _require_coordinator(actor: Any) -> None:
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("Only the coordinator records liaison meetings."))


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    title: str,
    held_on: date,
    departments: Iterable[Department],
    minutes: str = "",
    meeting: LiaisonMeeting | None = None,
) -> LiaisonMeeting:
    """Record a liaison meeting (or correct one already recorded)."""
    _require_coordinator(actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    attending = list(departments)
    if meeting is None:
        meeting = LiaisonMeeting.objects.create(title=title, held_on=held_on, minutes=minutes.strip(), created_by=actor)
        action = "liaison.meeting.recorded"
    else:
        meeting.title, meeting.held_on, meeting.minutes = title, held_on, minutes.strip()
        meeting.save()
        action = "liaison.meeting.changed"
    meeting.departments.set(attending)
    audit_log(
        action=action,
        actor=actor,
        target=meeting,
        data={"held_on": held_on.isoformat(), "departments": sorted(d.pk for d in attending)},
    )
    return meeting


@transaction.atomic
def action_item_assign(
    *,
    meeting: LiaisonMeeting,
    actor: Any,
    title: str,
    owner: Department,
    due_on: date,
    details: str = "",
) -> ActionItem:
    """Give a department something to do by a date; its contacts are told by mail (through the outbox)."""
    _require_coordinator(actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Say what is to be done.")})
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": _("The due date cannot be before the meeting.")})
    item = ActionItem.objects.create(meeting=meeting, title=title, details=details.strip(), owner=owner, due_on=due_on)
    audit_log(
        action="liaison.action.assigned",
        actor=actor,
        target=item,
        data={"meeting": meeting.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
    )
    for address in department_addresses(owner, exclude=actor):
        mail_send(
            to=address.email,
            template="liaison/mail/action_assigned",
            language=address.language,
            context={"item": item, "meeting": meeting, "department": owner, "name": address.name},
        )
    return item


@transaction.atomic
def action_item_close(*, item: ActionItem, actor: Any, note: str) -> ActionItem:
    """The owner department (or the coordinator) says the item is done, and what was done."""
    if not can_close_action(actor, item):
        raise PermissionDenied(_("Only the owner department or the coordinator may close this item."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    item = ActionItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.status == ActionItem.Status.DONE:
        raise ValidationError(_("This item is already done."))
    item.status, item.done_at, item.done_by, item.done_note = ActionItem.Status.DONE, timezone.now(), actor, note
    item.save(update_fields=["status", "done_at", "done_by", "done_note", "updated_at"])
    audit_log(action="liaison.action.closed", actor=actor, target=item, data={"owner": item.owner_id})
    return item


@transaction.atomic
def action_item_reopen(*, item: ActionItem, actor: Any, reason: str) -> ActionItem:
    """The coordinator opens a closed item again (it was not done after all)."""
    _require_coordinator(actor)
    item = ActionItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.status != ActionItem.Status.DONE:
        raise ValidationError(_("This item is still open."))
    item.status, item.done_at = ActionItem.Status.OPEN, None
    item.save(update_fields=["status", "done_at", "updated_at"])
    audit_log(action="liaison.action.reopened", actor=actor, target=item, data={"reason": reason.strip()})
    return item
