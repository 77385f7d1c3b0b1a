"""The waiting list: staff reorder it, and seats that are free while people wait are given to it."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration
from manabiba.registrations.permissions import can_manage_registrations
from manabiba.registrations.selectors import seats_free
from manabiba.registrations.services._common import Status, _fill_seats, _lock_program, _settings_locked


@transaction.atomic
def registration_waitlist_move(*, registration: Registration, position: int, actor: User, reason: str) -> Registration:
    """Staff move someone on the waiting list, with a reason that goes into the audit log."""
    program = _lock_program(registration.program_id)
    if not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot change this waiting list."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the order changes; it is recorded.")]})
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.status != Status.WAITLISTED or registration.waitlist_position is None:
        raise ValidationError(_("This registration is not on the waiting list."), code="not_waitlisted")
    count = Registration.objects.filter(program=program, status=Status.WAITLISTED).count()
    old, new = registration.waitlist_position, max(1, min(position, count))
    waiting = Registration.objects.filter(program=program, status=Status.WAITLISTED).exclude(pk=registration.pk)
    if new < old:
        waiting.filter(waitlist_position__gte=new, waitlist_position__lt=old).update(
            waitlist_position=F("waitlist_position") + 1
        )
    elif new > old:
        waiting.filter(waitlist_position__gt=old, waitlist_position__lte=new).update(
            waitlist_position=F("waitlist_position") - 1
        )
    registration.waitlist_position = new
    registration.save(update_fields=["waitlist_position", "updated_at"])
    audit_log(
        action="registrations.waitlist.reordered",
        actor=actor,
        target=registration,
        data={"from": old, "to": new, "reason": reason.strip()},
    )
    registration.program = program
    return registration


def registrations_fill_free_seats(*, now: datetime | None = None) -> int:
    """Give seats that are free while people wait (e.g. after the capacity was raised) to the waiting
    list, as a cancellation would. Returns how many were promoted or offered a place. Idempotent."""
    now = now or timezone.now()
    program_ids = (
        Registration.objects.filter(status=Status.WAITLISTED, program__status=Program.Status.PUBLISHED)
        .values_list("program_id", flat=True)
        .distinct()
    )
    promoted = 0
    for program_id in list(program_ids):
        with transaction.atomic():
            program = _lock_program(program_id)
            if seats_free(program) == 0:
                continue
            promoted += len(_fill_seats(program, _settings_locked(program), now))
    return promoted
