"""A person leaves: cancelled by themselves (until the cut-off) or by staff; the freed seat passes on."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.registrations.models import Registration
from manabiba.registrations.permissions import is_staff_canceller
from manabiba.registrations.services._common import (
    _cancel_locked,
    _fill_seats,
    _first_starts,
    _lock_program,
    _settings_locked,
)
from manabiba.registrations.services._mail import _mail


@transaction.atomic
def registration_cancel(
    *, registration: Registration, actor: User, reason: str = "", now: datetime | None = None
) -> Registration:
    """Cancel one registration: by the person (until the cut-off) or by staff (any time).

    A freed seat goes to the waiting list at once (see ``_fill_seats``), and everyone concerned
    is told by mail.
    """
    now = now or timezone.now()
    program = _lock_program(registration.program_id)
    registration = Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    registration.program = program
    as_staff = is_staff_canceller(actor, registration)
    own = registration.user_id is not None and registration.user_id == actor.pk
    if not (own or as_staff):
        raise PermissionDenied(_("You cannot cancel this registration."))
    if not registration.is_active:
        raise ValidationError(_("This registration is no longer active."), code="not_active")
    reg_settings = _settings_locked(program)
    first = _first_starts(program)
    past_cutoff = first is not None and now > first - timedelta(hours=reg_settings.cancellation_cutoff_hours)
    # The cut-off protects the seats; leaving the waiting list or the draw is always possible.
    if not as_staff and registration.holds_seats and past_cutoff:
        raise ValidationError(_("It is too late to cancel online. Please contact the organiser."), code="cutoff")
    was_seated = registration.holds_seats
    previous = registration.status
    _cancel_locked(registration, program, cancelled_by=actor, reason=reason, now=now)
    audit_log(
        action="registrations.registration.cancelled",
        actor=actor,
        target=registration,
        data={"program": program.pk, "from": previous, "by_staff": as_staff and not own, "reason": reason.strip()},
    )
    _mail(registration, "cancelled", {"by_staff": as_staff and not own})
    if was_seated:
        _fill_seats(program, reg_settings, now)
    return registration
