"""The whole programme: cancelled with its registrations, a session's cancellation told, and the
minimum enrolment flagged and decided.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.programs.models import Program, ProgramSession
from manabiba.programs.services import program_cancel
from manabiba.registrations.models import Registration
from manabiba.registrations.permissions import can_manage_registrations
from manabiba.registrations.selectors import lottery_drawn, seats_taken
from manabiba.registrations.services._common import _cancel_locked, _lock_program, _settings_locked
from manabiba.registrations.services._mail import _mail


@transaction.atomic
def registrations_program_cancel(*, program: Program, actor: User, reason: str) -> int:
    """Cancel the programme (through the programmes app) and every active registration; everyone is
    told. Returns how many registrations were cancelled."""
    program = program_cancel(program=program, actor=actor, reason=reason)
    program = _lock_program(program.pk)
    now = timezone.now()
    cancelled = 0
    changed: list[list[Any]] = []
    for registration in (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(program=program, status__in=Registration.ACTIVE)
    ):
        changed.append([registration.pk, registration.status])
        registration.program = program
        _cancel_locked(registration, program, cancelled_by=actor, reason=reason, now=now)
        _mail(registration, "program_cancelled", {"reason": reason.strip()})
        cancelled += 1
    audit_log(
        action="registrations.program.cancelled",
        actor=actor,
        target=program,
        # Every registration's change, as [id, status before]: ids and statuses only, no names.
        data={"registrations": cancelled, "cancelled": changed, "reason": reason.strip()},
    )
    return cancelled


@transaction.atomic
def registrations_session_cancel_notify(*, session: ProgramSession, actor: User, reason: str) -> int:
    """Tell everyone with a place that one session is cancelled. Returns how many were told."""
    program = _lock_program(session.program_id)
    if not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot notify this programme's registrants."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the session is cancelled; residents will read it.")]})
    told = 0
    for registration in Registration.objects.select_related("user").filter(
        program=program, status__in=Registration.SEATED
    ):
        registration.program = program
        told += _mail(registration, "session_cancelled", {"session": session, "reason": reason.strip()})
    audit_log(
        action="registrations.session.cancelled_notified",
        actor=actor,
        target=program,
        data={"session": session.pk, "told": told, "reason": reason.strip()},
    )
    return told


def registrations_flag_below_minimum(*, now: datetime | None = None) -> list[int]:
    """Flag programmes whose deadline has passed with fewer seats taken than ``min_participants``, and
    tell their contact. Each programme is flagged once. Returns the programmes flagged now."""
    now = now or timezone.now()
    flagged: list[int] = []
    candidates = Program.objects.filter(
        status=Program.Status.PUBLISHED,
        min_participants__isnull=False,
        applications_close_at__lte=now,
        first_starts_at__gt=now,
    ).values_list("pk", flat=True)
    for program_id in list(candidates):
        with transaction.atomic():
            program = _lock_program(program_id)
            reg_settings = _settings_locked(program)
            if reg_settings.below_minimum_at is not None:
                continue
            if reg_settings.is_lottery and not lottery_drawn(program):
                continue
            taken = seats_taken(program)
            assert program.min_participants is not None
            if taken >= program.min_participants:
                continue
            reg_settings.below_minimum_at = now
            reg_settings.save(update_fields=["below_minimum_at", "updated_at"])
            audit_log(
                action="registrations.minimum.below",
                actor=None,
                target=program,
                data={"seats": taken, "minimum": program.min_participants},
            )
            if program.contact_email:
                mail_send(
                    to=program.contact_email,
                    template="registrations/mail/below_minimum",
                    language=settings.LANGUAGE_CODE,
                    context={"program": program, "seats": taken},
                )
            flagged.append(program_id)
    return flagged


@transaction.atomic
def minimum_enrolment_decide(*, program: Program, actor: User, run: bool, reason: str = "") -> Program:
    """Staff answer the prompt: run the programme anyway, or cancel it (everyone is told)."""
    program = _lock_program(program.pk)
    if not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot decide for this programme."))
    reg_settings = _settings_locked(program)
    reg_settings.minimum_decided_at = timezone.now()
    reg_settings.save(update_fields=["minimum_decided_at", "updated_at"])
    audit_log(
        action="registrations.minimum.decided",
        actor=actor,
        target=program,
        data={"run": run, "reason": reason.strip()},
    )
    if not run:
        registrations_program_cancel(program=program, actor=actor, reason=reason)
        program.refresh_from_db()
    return program
