"""Registrants' personal data: staff viewing it is logged, a deleted account's is erased, and all of
it is purged ``retention_months`` after the programme, leaving anonymous figures.
"""

import calendar
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.programs.models import Program
from manabiba.registrations.models import (
    ParticipationFigure,
    Registration,
    RegistrationParticipant,
    RegistrationSettings,
)
from manabiba.registrations.permissions import can_view_registrants
from manabiba.registrations.services._common import (
    _cancel_locked,
    _fill_seats,
    _first_starts,
    _lock_program,
    _settings_locked,
)
from manabiba.registrations.services.people import person_tokens_unlink_account, registrations_person_tokens_fill


def registrants_viewed(*, viewer: User, program: Program, view: str) -> None:
    """Record that staff saw a programme's registrants' personal data (who, which programme, where)."""
    if not can_view_registrants(viewer, program):
        raise PermissionDenied(_("You cannot see this programme's registrants."))
    audit_log(action="registrations.personal_data.viewed", actor=viewer, target=program, data={"view": view})


@transaction.atomic
def registrations_erase_for_deleted_account(*, user: User, now: datetime | None = None) -> int:
    """Remove a deleted account's personal data from its registrations; returns how many were scrubbed.

    Active registrations for programmes that have not started are cancelled first, each under its
    programme's lock and without mail to the person leaving; a freed seat goes to the waiting list
    as after any cancellation (those promoted are mailed). Then every registration of the account
    loses name, reading, phone, e-mail, answers, its participants' names and ages and the link to
    the account; what the anonymous figures need (party size, age band, area, statuses,
    attendance) stays.
    """
    now = now or timezone.now()
    program_ids = sorted(
        set(Registration.objects.filter(user=user, status__in=Registration.ACTIVE).values_list("program_id", flat=True))
    )
    cancelled = 0
    for program_id in program_ids:
        program = _lock_program(program_id)
        first = _first_starts(program)
        if first is not None and first <= now:
            continue
        reg_settings = _settings_locked(program)
        active = Registration.objects.select_for_update(of=("self",)).filter(
            program=program, user=user, status__in=Registration.ACTIVE
        )
        for registration in active:
            was_seated = registration.holds_seats
            previous = registration.status
            _cancel_locked(registration, program, cancelled_by=None, reason="", now=now)
            audit_log(
                action="registrations.registration.cancelled",
                actor=None,
                target=registration,
                data={"program": program.pk, "from": previous, "by_staff": False, "account_deleted": True},
            )
            cancelled += 1
            if was_seated:
                _fill_seats(program, reg_settings, now)
    # The person's tokens, computable from the account's id while a year's salt lasts, are replaced
    # by ones computable from nothing (the same within a year, so the figures stay exact).
    person_tokens_unlink_account(user.pk)
    RegistrationParticipant.objects.filter(registration__user=user).delete()
    scrubbed = Registration.objects.filter(user=user).update(
        full_name="",
        full_name_kana="",
        phone="",
        email="",
        answers={},
        cancel_reason="",
        user=None,
        updated_at=now,
    )
    if scrubbed:
        audit_log(
            action="registrations.personal_data.erased",
            actor=None,
            data={"registrations": scrubbed, "cancelled": cancelled},
        )
    return scrubbed


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def registrations_purge_due(*, now: datetime | None = None) -> int:
    """Remove registrants' personal data ``retention_months`` after a programme ends, keeping one
    anonymous ``ParticipationFigure`` per registration. Returns how many registrations were removed."""
    now = now or timezone.now()
    default_months = RegistrationSettings._meta.get_field("retention_months").get_default()
    program_ids = (
        Registration.objects.filter(program__last_ends_at__lt=now).values_list("program_id", flat=True).distinct()
    )
    removed = 0
    for program_id in list(program_ids):
        with transaction.atomic():
            program = _lock_program(program_id)
            reg_settings = RegistrationSettings.objects.filter(program=program).first()
            months = reg_settings.retention_months if reg_settings is not None else default_months
            ends = program.last_ends_at or program.first_starts_at
            if ends is None or _add_months(ends, months) > now:
                continue
            removed += _purge_program(program, now)
            reg_settings = _settings_locked(program)
            reg_settings.purged_at = now
            reg_settings.save(update_fields=["purged_at", "updated_at"])
    return removed


def _purge_program(program: Program, now: datetime) -> int:
    registrations = list(
        Registration.objects.filter(program=program).select_related("program").prefetch_related("attendances")
    )
    # A registration written without a token (or before its programme moved year) gets it now,
    # so that the kept figure still counts its person among the year's different people.
    registrations_person_tokens_fill(registrations=registrations)
    figures = []
    for registration in registrations:
        attended = sum(1 for a in registration.attendances.all() if a.present)
        created: date = timezone.localtime(registration.created_at).date()
        figures.append(
            ParticipationFigure(
                program=program,
                channel=registration.channel,
                final_status=registration.status,
                party_size=registration.party_size,
                tier=registration.tier,
                age_band=registration.age_band,
                area_id=registration.area_id,
                lives_in_city=registration.lives_in_city,
                works_in_city=registration.works_in_city,
                studies_in_city=registration.studies_in_city,
                first_timer=registration.first_timer,
                sessions_attended=attended,
                attended=attended > 0,
                registered_month=created.replace(day=1),
                person_token=registration.person_token,
            )
        )
    ParticipationFigure.objects.bulk_create(figures)
    # Participants (names, ages) and attendance go with their registrations (ON DELETE CASCADE).
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).delete()
    audit_log(
        action="registrations.personal_data.purged",
        actor=None,
        target=program,
        data={"registrations": len(registrations)},
    )
    return len(registrations)
