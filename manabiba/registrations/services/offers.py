"""Places offered (a lottery win to confirm, a promotion from the waiting list): accepted, or expired."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.registrations.models import Registration
from manabiba.registrations.permissions import is_staff_canceller
from manabiba.registrations.services._common import Status, _fill_seats, _lock_program, _settings_locked
from manabiba.registrations.services._mail import _mail, _mail_confirmed


@transaction.atomic
def registration_confirm(*, registration: Registration, actor: User, now: datetime | None = None) -> Registration:
    """Accept a place offered (a lottery win that must be confirmed, or a promotion offer) before it expires."""
    now = now or timezone.now()
    program = _lock_program(registration.program_id)
    registration = Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    registration.program = program
    own = registration.user_id is not None and registration.user_id == actor.pk
    if not own and not is_staff_canceller(actor, registration):
        raise PermissionDenied(_("You cannot confirm this registration."))
    if registration.status != Status.OFFERED:
        raise ValidationError(_("There is no place waiting for confirmation."), code="not_offered")
    if registration.offer_expires_at is not None and now >= registration.offer_expires_at:
        raise ValidationError(_("The time to confirm has passed."), code="expired")
    registration.status = Status.CONFIRMED
    registration.confirmed_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "confirmed_at", "offer_expires_at", "updated_at"])
    audit_log(action="registrations.registration.confirmed", actor=actor, target=registration, data={})
    _mail_confirmed(registration)
    return registration


def registration_offer_accept(*, registration: Registration, actor: User, now: datetime | None = None) -> Registration:
    """A waiting-list offer accepted: the same as a winner confirming."""
    return registration_confirm(registration=registration, actor=actor, now=now)


def registrations_offers_expire(*, now: datetime | None = None) -> int:
    """Expire offers and unconfirmed wins whose time has passed; each freed place passes on. Idempotent."""
    now = now or timezone.now()
    due = list(
        Registration.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list("pk", "program_id")
    )
    expired = 0
    for pk, program_id in due:
        with transaction.atomic():
            program = _lock_program(program_id)
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk=pk, status=Status.OFFERED, offer_expires_at__lte=now)
                .first()
            )
            if registration is None:
                continue
            registration.program = program
            registration.status = Status.EXPIRED
            registration.save(update_fields=["status", "updated_at"])
            audit_log(action="registrations.offer.expired", actor=None, target=registration, data={})
            _mail(registration, "offer_expired")
            _fill_seats(program, _settings_locked(program), now)
            expired += 1
    return expired
