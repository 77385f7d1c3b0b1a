"""Attendance: from the roster or the person's check-in code at the door."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.core.japanese import normalize
from manabiba.programs.models import ProgramSession
from manabiba.registrations.models import Attendance, Registration
from manabiba.registrations.permissions import can_check_in
from manabiba.registrations.services._common import Status, _lock_program


@transaction.atomic
def attendance_record(
    *,
    session: ProgramSession,
    registration: Registration,
    actor: User,
    present: bool = True,
    method: str = Attendance.Method.ROSTER,
    now: datetime | None = None,
) -> Attendance:
    """Record whether someone with a place came to one session (from the roster, or their code)."""
    now = now or timezone.now()
    program = _lock_program(session.program_id)
    if not can_check_in(actor, program):
        raise PermissionDenied(_("You cannot record attendance for this programme."))
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.program_id != program.pk or registration.status != Status.CONFIRMED:
        raise ValidationError(_("This person has no place at this programme."), code="not_confirmed")
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration,
        session=session,
        defaults={"present": present, "method": method, "recorded_by": actor, "recorded_at": now},
    )
    audit_log(
        action="registrations.attendance.recorded",
        actor=actor,
        target=registration,
        data={"session": session.pk, "present": present, "method": method},
    )
    return attendance


def attendance_check_in(*, session: ProgramSession, code: str, actor: User) -> Attendance:
    """Check someone in at the door by their short code (as on their confirmation)."""
    wanted = normalize(code).upper().replace(" ", "").replace("-", "")
    registration = Registration.objects.filter(
        program_id=session.program_id, status=Status.CONFIRMED, check_in_code=wanted
    ).first()
    if registration is None:
        raise ValidationError(_("No confirmed registration has this code."), code="unknown_code")
    return attendance_record(session=session, registration=registration, actor=actor, method=Attendance.Method.CODE)
