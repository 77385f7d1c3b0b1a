"""The lottery: drawn once after the deadline, by tier and then at random under a stored seed."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.programs.models import Program
from manabiba.registrations.lottery import ALGORITHM, Entry, allocate, new_seed
from manabiba.registrations.models import LotteryDraw, Registration, RegistrationSettings
from manabiba.registrations.permissions import can_manage_registrations
from manabiba.registrations.selectors import lottery_drawn, seats_free, tier_of
from manabiba.registrations.services._common import (
    Status,
    _lock_program,
    _next_waitlist_position,
    _offer_deadline,
    _settings_locked,
)
from manabiba.registrations.services._mail import _mail, _mail_confirmed


@transaction.atomic
def lottery_draw(
    *, program: Program, actor: User | None, now: datetime | None = None, seed: str | None = None
) -> LotteryDraw:
    """Draw a lottery programme once (``actor`` None: the scheduled run after the deadline).

    Applicants are ordered by tier, then uniformly at random within a tier (``lottery.allocate``
    under a fresh secure seed); seats (party sizes) go in that order while they fit. Winners are
    confirmed, or offered a place to confirm within ``confirm_within_days``; the others are
    waitlisted in drawn order or released. The seed, the entries and the result are stored.
    """
    now = now or timezone.now()
    program = _lock_program(program.pk)
    if actor is not None and not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot run the draw for this programme."))
    reg_settings = _settings_locked(program)
    if not reg_settings.is_lottery:
        raise ValidationError(_("This programme is first come, first served."), code="not_lottery")
    if lottery_drawn(program):
        raise ValidationError(_("The draw has already run."), code="already_drawn")
    if program.applications_close_at is not None and now < program.applications_close_at:
        raise ValidationError(_("Applications are still open."), code="too_early")
    rules = list(reg_settings.priority_rules.all())
    applicants = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(program=program, status=Status.APPLIED)
        .order_by("id")
    )
    for registration in applicants:
        registration.tier = tier_of(registration, rules)
    entries = [Entry(id=r.pk, tier=r.tier or 1, seats=r.party_size) for r in applicants]
    capacity = seats_free(program)
    seed = seed or new_seed()
    result = allocate(entries, seed=seed, capacity=capacity)
    by_id = {r.pk: r for r in applicants}
    winners = set(result.winners)
    position = _next_waitlist_position(program)
    counts: dict[str, dict[str, int]] = {}
    for registration_id in result.ranking:
        registration = by_id[registration_id]
        registration.program = program
        tier_counts = counts.setdefault(str(registration.tier), {"applicants": 0, "seats": 0, "won": 0, "seats_won": 0})
        tier_counts["applicants"] += 1
        tier_counts["seats"] += registration.party_size
        if registration_id in winners:
            tier_counts["won"] += 1
            tier_counts["seats_won"] += registration.party_size
            if reg_settings.confirm_within_days:
                registration.status = Status.OFFERED
                registration.offer_expires_at = _offer_deadline(
                    program, now, now + timedelta(days=reg_settings.confirm_within_days)
                )
            else:
                registration.status = Status.CONFIRMED
                registration.confirmed_at = now
        elif reg_settings.not_drawn == RegistrationSettings.NotDrawn.WAITLIST:
            registration.status = Status.WAITLISTED
            registration.waitlist_position = position
            position += 1
        else:
            registration.status = Status.NOT_DRAWN
        registration.save(
            update_fields=["status", "tier", "offer_expires_at", "confirmed_at", "waitlist_position", "updated_at"]
        )
    draw = LotteryDraw.objects.create(
        program=program,
        algorithm=ALGORITHM,
        seed=seed,
        capacity=capacity,
        entries=[{"id": e.id, "tier": e.tier, "seats": e.seats} for e in entries],
        ranking=list(result.ranking),
        winners=list(result.winners),
        tier_counts=counts,
        drawn_by=actor,
        drawn_at=now,
    )
    audit_log(
        action="registrations.lottery.drawn",
        actor=actor,
        target=draw,
        data={"program": program.pk, "seed": seed, "capacity": capacity, "tiers": counts},
    )
    for registration_id in result.ranking:
        registration = by_id[registration_id]
        if registration.status == Status.CONFIRMED:
            _mail_confirmed(registration, "won")
        elif registration.status == Status.OFFERED:
            _mail(registration, "won_offer")
        else:
            _mail(registration, registration.status)  # waitlisted / not_drawn
    return draw
