"""What several services share: the programme lock, its settings, and giving seats to the waiting list.

Every allocation runs in one transaction that first locks the programme's row (``select_for_update``;
on SQLite the transaction itself is ``BEGIN IMMEDIATE``), so that two registrations, a cancellation
and a promotion of the same programme never interleave: seats are counted and given under the same
lock, never checked first and taken later.
"""

from datetime import datetime, timedelta

from django.db.models import F, Max

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration, RegistrationSettings
from manabiba.registrations.selectors import lottery_drawn, seats_free
from manabiba.registrations.services._mail import _mail, _mail_confirmed

Status = Registration.Status


def _lock_program(program_id: int, *, organizer: bool = True) -> Program:
    """Lock the programme's row: every allocation of its seats happens under this lock.

    ``organizer=False`` leaves the organiser out of the read, for a caller that checks no
    permission under the lock (a resident applying): the lock is then held for a narrower read."""
    # Only the programme's row is locked (OF self); its settings come in the same round trip.
    related = ("organizer", "registration_settings") if organizer else ("registration_settings",)
    return Program.objects.select_for_update(of=("self",)).select_related(*related).get(pk=program_id)


def _settings_locked(program: Program) -> RegistrationSettings:
    """The programme's settings, created with the defaults when missing (safe: the programme is locked)."""
    try:
        return program.registration_settings
    except RegistrationSettings.DoesNotExist:
        found, _created = RegistrationSettings.objects.get_or_create(program=program)
        return found


def _first_starts(program: Program) -> datetime | None:
    return program.first_starts_at


def _next_waitlist_position(program: Program) -> int:
    top = Registration.objects.filter(program=program, status=Status.WAITLISTED).aggregate(m=Max("waitlist_position"))
    return int(top["m"] or 0) + 1


def _close_gap(program: Program, position: int | None) -> None:
    """Move everyone behind ``position`` one place up, after someone left the waiting list."""
    if position is None:
        return
    Registration.objects.filter(program=program, status=Status.WAITLISTED, waitlist_position__gt=position).update(
        waitlist_position=F("waitlist_position") - 1
    )


def _offer_deadline(program: Program, now: datetime, deadline: datetime) -> datetime:
    """An offered place must be accepted before the first session at the latest: after it starts,
    nobody else could be given the place any more."""
    first = _first_starts(program)
    return min(deadline, first) if first is not None and first > now else deadline


def _promotion_open(program: Program, now: datetime) -> bool:
    if program.status != Program.Status.PUBLISHED:
        return False
    first = _first_starts(program)
    return first is None or now < first


def _fill_seats(program: Program, reg_settings: RegistrationSettings, now: datetime) -> list[Registration]:
    """Give free seats to the waiting list in order (the next whose party fits), under the lock.

    With ``offer_expiry_hours`` set they get a time-limited offer, otherwise a confirmed place.
    """
    if not _promotion_open(program, now):
        return []
    if reg_settings.is_lottery and not lottery_drawn(program):
        return []
    free = seats_free(program)
    promoted: list[Registration] = []
    waiting = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("program", "user")
        .filter(program=program, status=Status.WAITLISTED)
        .order_by("waitlist_position", "id")
    )
    for registration in waiting:
        if free is not None and free <= 0:
            break
        if free is not None and registration.party_size > free:
            continue
        # Everyone promoted before in this loop stood ahead, so the list has moved up by that many.
        position = (registration.waitlist_position or 0) - len(promoted)
        registration.waitlist_position = None
        if reg_settings.offer_expiry_hours:
            registration.status = Status.OFFERED
            registration.offer_expires_at = _offer_deadline(
                program, now, now + timedelta(hours=reg_settings.offer_expiry_hours)
            )
        else:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
        registration.save(
            update_fields=["status", "waitlist_position", "offer_expires_at", "confirmed_at", "updated_at"]
        )
        _close_gap(program, position)
        audit_log(
            action="registrations.registration.promoted",
            actor=None,
            target=registration,
            data={"status": registration.status, "from_position": position},
        )
        if registration.status == Status.OFFERED:
            _mail(registration, "offer")
        else:
            _mail_confirmed(registration, "promoted")
        promoted.append(registration)
        if free is not None:
            free -= registration.party_size
    return promoted


def _cancel_locked(
    registration: Registration, program: Program, *, cancelled_by: User | None, reason: str, now: datetime
) -> None:
    """Mark a locked registration cancelled and close the gap it leaves on the waiting list (under
    the programme lock; the caller logs, mails and fills the freed seats)."""
    position = registration.waitlist_position
    registration.status = Status.CANCELLED
    registration.waitlist_position = None
    registration.offer_expires_at = None
    registration.cancelled_at = now
    registration.cancelled_by = cancelled_by
    registration.cancel_reason = reason.strip()[:300]
    registration.save(
        update_fields=[
            "status",
            "waitlist_position",
            "offer_expires_at",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "updated_at",
        ]
    )
    _close_gap(program, position)
