"""Person tokens (``manabiba.registrations.people``): set at application, filled for rows written
otherwise, made unlinkable when an account is deleted, and each year's salt destroyed once the year
is over and purged. What they are for and why this is safe: docs/reports.md, "Unique participants"."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, When
from django.utils import timezone

from manabiba.core.audit import audit_log
from manabiba.core.figures import FiscalYear, figures_changed
from manabiba.registrations.models import FiscalYearSalt, ParticipationFigure, Registration
from manabiba.registrations.people import new_salt, person_key, person_token, token_fiscal_year, unlinked_token


def _salt(year: int) -> str:
    """The year's salt, made the first time it is needed; ``""`` once destroyed."""
    found, _created = FiscalYearSalt.objects.get_or_create(fiscal_year=year, defaults={"salt": new_salt()})
    return found.salt


def person_token_assign(registration: Registration, *, salts: dict[int, str] | None = None) -> None:
    """Set (not save) ``registration``'s token for its programme's fiscal year; nothing while the
    programme has no session (it counts in no year yet; the fill sets it later). ``salts``: the
    salts read so far, by year (a caller assigning many reads each once)."""
    year = token_fiscal_year(registration.program.first_starts_at)
    if year is None:
        registration.person_token, registration.person_token_year = "", None
        return
    salts = {} if salts is None else salts
    if year not in salts:
        salts[year] = _salt(year)
    salt = salts[year]
    key = person_key(
        user_id=registration.user_id,
        email=registration.email,
        phone=registration.phone,
        registration_id=registration.pk,
    )
    # A year whose salt is gone has nobody left to match: the registration counts as its own person.
    registration.person_token = person_token(salt, key) if salt else unlinked_token()
    registration.person_token_year = year


def _fiscal_year_of_programme() -> Case:
    year = F("program__first_starts_at__year")
    return Case(
        When(Q(program__first_starts_at__month__lt=4), then=year - 1), default=year, output_field=IntegerField()
    )


def registrations_person_tokens_fill(*, registrations: Iterable[Registration] | None = None) -> int:
    """Give a token to each registration without one, or with one of another fiscal year than its
    programme's (the programme moved). Rows written by the services already have theirs; this
    covers the demo, imports, and moved programmes. Part of the periodic run; returns how many."""
    if registrations is None:
        registrations = (
            Registration.objects.filter(program__first_starts_at__isnull=False)
            .annotate(programme_year=_fiscal_year_of_programme())
            .filter(Q(person_token="") | Q(person_token_year__isnull=True) | ~Q(person_token_year=F("programme_year")))
            .select_related("program")
            .order_by()
        )
    changed = []
    salts: dict[int, str] = {}
    for registration in registrations:
        before = (registration.person_token, registration.person_token_year)
        year = token_fiscal_year(registration.program.first_starts_at)
        if year is None or (registration.person_token and registration.person_token_year == year):
            continue
        person_token_assign(registration, salts=salts)
        if (registration.person_token, registration.person_token_year) != before:
            changed.append(registration)
    Registration.objects.bulk_update(changed, ["person_token", "person_token_year"], batch_size=2000)
    # A count that was unknown (a row without a token) is known now: retire those years' sections.
    figures_changed(Registration, changed)
    return len(changed)


def person_tokens_unlink_account(user_id: int) -> int:
    """Replace the tokens computed from a deleted account (in every year whose salt still exists)
    by a token computed from nothing, the same one within a year: the person still counts once
    and the figures stay exact, but the token can no longer be recomputed from the account's id.
    Returns how many registrations and kept figures were changed."""
    changed = 0
    for year, salt in FiscalYearSalt.objects.exclude(salt="").values_list("fiscal_year", "salt"):
        old, new = (
            person_token(salt, person_key(user_id=user_id, email="", phone="", registration_id=None)),
            unlinked_token(),
        )
        changed += Registration.objects.filter(person_token=old, person_token_year=year).update(person_token=new)
        changed += ParticipationFigure.objects.filter(person_token=old).update(person_token=new)
    return changed


@transaction.atomic
def fiscal_year_salts_destroy_spent(*, now: datetime | None = None) -> list[int]:
    """Destroy the salt of each fiscal year that is over and has no registration left (all purged
    into anonymous figures). Returns the years whose salt was destroyed."""
    now = now or timezone.now()
    destroyed = []
    for salt in FiscalYearSalt.objects.select_for_update(of=("self",)).exclude(salt="").order_by("fiscal_year"):
        year = FiscalYear(salt.fiscal_year)
        if year.ends_at > now:
            continue
        live = Registration.objects.filter(
            Q(person_token_year=year.year)
            | Q(program__first_starts_at__gte=year.starts_at, program__first_starts_at__lt=year.ends_at)
        )
        if live.exists():
            continue
        salt.salt, salt.destroyed_at = "", now
        salt.save(update_fields=["salt", "destroyed_at"])
        destroyed.append(year.year)
        audit_log(action="registrations.fiscal_year_salt.destroyed", actor=None, data={"fiscal_year": year.year})
    return destroyed
