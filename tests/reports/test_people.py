"""Unique participants (実人数): different people, counted from salted person tokens that outlive
the personal data but not the year's salt. The small city of conftest.py: per department, guests
a, b, c in FY2026 (a twice) and a, d in FY2025."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.accounts.services import user_delete
from manabiba.core.figures import Figure, FigureFilter, FiscalYear, Section, report
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program
from manabiba.registrations.models import FiscalYearSalt, ParticipationFigure, Registration
from manabiba.registrations.people import person_key, person_token
from manabiba.registrations.services import (
    fiscal_year_salts_destroy_spent,
    registrations_person_tokens_fill,
    registrations_purge_due,
    registrations_run_due,
)
from tests.reports.conftest import City, build_city

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
FY2026 = FiscalYear(2026)
UNIQUE = "Unique participants (different people confirmed)"
UNIQUE_CAME = "Unique participants who attended"
# The weekend events (May 2026) and last year's (June 2025) are past their 12 months; the June courses not.
PARTLY_PURGED = datetime(2027, 6, 1, tzinfo=TOKYO)
LONG_AFTER = datetime(2031, 1, 1, tzinfo=TOKYO)


def figures(filters: FigureFilter | None = None, *, kept: bool = True) -> dict[str, Figure]:
    with translation.override("en"):
        found = report(FY2026, filters or FigureFilter(), kept=kept)
    return {figure.key: figure for section in found for figure in section.figures}


def value(found: Figure, label: str, column: int = 0) -> Any:
    return {row.label: row.values for row in found.rows}[label][column]


def whole_report() -> list[Section]:
    with translation.override("en"):
        return report(FY2026, FigureFilter(), kept=False)


def test_the_same_person_counts_once_in_a_year_and_guests_are_told_apart_by_e_mail(city: City) -> None:
    build_city(city)
    totals = figures()["participants.totals"]
    assert value(totals, "Confirmed registrations") == 8
    assert value(totals, UNIQUE) == 6  # a, b, c in each department: a's two registrations count once
    assert value(totals, UNIQUE, 1) == 4  # FY2025: a and d in each department
    assert value(totals, UNIQUE_CAME) == 4  # a and b came
    by_month = figures()["participants.unique_by_month"]
    assert value(by_month, "June") == 6
    assert value(by_month, "May") == 2  # a, again, within May
    assert value(by_month, "June", 1) == 4


def test_the_same_account_counts_once_and_different_years_do_not_match(city: City) -> None:
    build_city(city)
    person = User.objects.create(email="learner@example.jp")
    Registration.objects.filter(email__startswith="a.").update(user=person, email="", person_token="")
    registrations_person_tokens_fill()
    # a of both departments is now the same account: one person in each year.
    assert value(figures()["participants.totals"], UNIQUE) == 5
    tokens = dict(Registration.objects.filter(user=person).values_list("person_token_year", "person_token"))
    assert set(tokens) == {2025, 2026}
    assert tokens[2025] != tokens[2026]  # each year its own salt: no one follows a person across years


def test_unique_participants_are_counted_within_each_slice(city: City) -> None:
    build_city(city)
    sports = figures(FigureFilter(department_id=city.sports.pk))["participants.totals"]
    assert value(sports, UNIQUE) == 3
    assert value(sports, UNIQUE, 1) == 2
    in_area = figures(FigureFilter(area_id=city.area.pk))  # the courses only
    assert value(in_area["participants.totals"], UNIQUE) == 6
    assert value(in_area["participants.unique_by_month"], "May") == 0


def test_a_person_whose_earlier_programme_was_purged_still_counts_once(city: City) -> None:
    build_city(city)
    before = whole_report()
    registrations_purge_due(now=PARTLY_PURGED)
    # a's weekend registration is a kept figure now, a's course registration is still there.
    assert ParticipationFigure.objects.filter(program__first_starts_at__month=5).count() == 2
    assert Registration.objects.filter(program__first_starts_at__month=6, program__first_starts_at__year=2026).exists()
    assert value(figures(kept=False)["participants.totals"], UNIQUE) == 6
    assert whole_report() == before


def test_the_salt_is_destroyed_once_the_year_is_over_and_purged_and_the_tokens_still_count(city: City) -> None:
    build_city(city)
    before = whole_report()
    assert set(FiscalYearSalt.objects.exclude(salt="").values_list("fiscal_year", flat=True)) == {2025, 2026}

    assert fiscal_year_salts_destroy_spent(now=PARTLY_PURGED) == []  # registrations are still there
    registrations_purge_due(now=PARTLY_PURGED)
    # FY2025 is over and all of it purged; FY2026 still has the June courses' registrations.
    assert fiscal_year_salts_destroy_spent(now=PARTLY_PURGED) == [2025]
    registrations_purge_due(now=LONG_AFTER)
    assert registrations_run_due(now=LONG_AFTER).salts_destroyed == [2026]

    assert not FiscalYearSalt.objects.exclude(salt="").exists()
    assert FiscalYearSalt.objects.filter(destroyed_at__isnull=False).count() == 2
    assert not ParticipationFigure.objects.filter(final_status=Registration.Status.CONFIRMED, person_token="").exists()
    assert whole_report() == before
    assert value(figures()["participants.totals"], UNIQUE) == 6


def test_a_deleted_accounts_tokens_can_no_longer_be_recomputed_and_the_figures_stay(
    city: City, make_persona: Callable[..., User]
) -> None:
    build_city(city)
    person = make_persona(email="leaving@example.jp")
    Registration.objects.filter(email__startswith=f"a.{city.sports.pk}@").update(user=person, person_token="")
    registrations_person_tokens_fill()
    registrations_purge_due(now=PARTLY_PURGED)  # a's FY2025 and weekend registrations become kept figures
    before = whole_report()
    salts = dict(FiscalYearSalt.objects.values_list("fiscal_year", "salt"))
    computable = {
        person_token(salt, person_key(user_id=person.pk, email="", phone="", registration_id=None))
        for salt in salts.values()
        if salt
    }
    assert Registration.objects.filter(person_token__in=computable).count() == 1  # the course
    assert ParticipationFigure.objects.filter(person_token__in=computable).count() == 2  # the weekend, last year

    user_delete(user=person, actor=None)

    assert not Registration.objects.filter(person_token__in=computable).exists()
    assert not ParticipationFigure.objects.filter(person_token__in=computable).exists()
    # Within the year the person is still one person: the course and the weekend share the new token.
    fy2026 = set(Registration.objects.filter(full_name="").values_list("person_token", flat=True))
    weekend = set(
        ParticipationFigure.objects.filter(
            program__organizer__department=city.sports, program__first_starts_at__month=5
        ).values_list("person_token", flat=True)
    )
    assert fy2026 == weekend
    assert whole_report() == before


def test_tokens_follow_a_programme_moved_to_another_fiscal_year(city: City) -> None:
    build_city(city)
    course = Program.objects.filter(organizer__department=city.sports, title="夜の講座0").get()
    session = course.sessions.get()
    moved = datetime(2027, 4, 15, 19, tzinfo=TOKYO)
    session.starts_at, session.ends_at = moved, moved + timedelta(hours=2)
    session.save()
    Program.objects.filter(pk=course.pk).update(first_starts_at=moved, last_ends_at=moved + timedelta(hours=2))

    assert registrations_person_tokens_fill() == 4  # the course's four registrations
    assert set(Registration.objects.filter(program=course).values_list("person_token_year", flat=True)) == {2027}
    assert registrations_person_tokens_fill() == 0


def test_a_figure_kept_before_tokens_existed_makes_the_count_unknown(city: City) -> None:
    build_city(city)
    registrations_purge_due(now=LONG_AFTER)
    ParticipationFigure.objects.filter(program__first_starts_at__year=2025).update(person_token="")
    totals = figures(kept=False)["participants.totals"]
    assert value(totals, UNIQUE) == 6
    assert value(totals, UNIQUE, 1) is None  # not a guess: unknown
    assert value(totals, "Confirmed registrations", 1) == 4


def test_an_application_gets_its_token_at_once(city: City, make_persona: Callable[..., User]) -> None:
    from manabiba.registrations.services import registration_settings_update, registration_submit

    person = make_persona(email="first@example.jp")
    now = timezone.now()
    program = ProgramFactory(
        published=True,
        capacity=5,
        starts_at=now + timedelta(days=10),
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=3),
    )
    registration_settings_update(program=program, actor=None)
    registration = registration_submit(program=program, user=person, consent=True)
    salt = FiscalYearSalt.objects.get(fiscal_year=FY2026.year).salt
    assert registration.person_token == person_token(
        salt, person_key(user_id=person.pk, email="", phone="", registration_id=None)
    )
    assert registration.person_token_year == FY2026.year


def test_the_scale_seed_has_repeat_learners(city: City) -> None:
    call_command("seed_demo", "--without-programmes", "--scale", "1", "--force", verbosity=0)
    from manabiba.web.demo_scale import demo_city_generate

    demo_city_generate(scale=1, today=timezone.localdate())
    totals = figures()["participants.totals"]
    confirmed, unique = value(totals, "Confirmed registrations"), value(totals, UNIQUE)
    assert 0 < unique < confirmed
    assert value(totals, UNIQUE, 1) < value(totals, "Confirmed registrations", 1)


def test_the_backfill_gives_existing_registrations_the_tokens_the_services_would_and_reverses(city: City) -> None:
    import importlib

    from django.apps import apps

    from manabiba.core.models import FigureSnapshot

    backfill = importlib.import_module("manabiba.registrations.migrations.0003_fill_person_tokens")
    build_city(city)
    report(FY2026, FigureFilter())  # keeps the sections
    expected = dict(Registration.objects.values_list("pk", "person_token"))
    backfill.empty(apps, None)
    assert not Registration.objects.exclude(person_token="").exists()
    assert not FiscalYearSalt.objects.exists()
    assert not FigureSnapshot.objects.filter(source="registrations").exists()  # counted again when next read

    backfill.fill(apps, None)
    tokens = dict(Registration.objects.values_list("pk", "person_token"))
    assert all(tokens.values())
    assert len(set(tokens.values())) == len(set(expected.values()))  # the same people, under new salts
    assert value(figures()["participants.totals"], UNIQUE) == 6


def test_the_page_its_csv_and_the_api_show_unique_participants(client: Any, city: City) -> None:
    from django.urls import reverse

    from manabiba.accounts.services import api_token_create

    build_city(city)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    client.force_login(city.coordinator)
    assert UNIQUE in client.get(reverse("staff_reports:current"), **english).content.decode()
    csv = client.get(reverse("staff_reports:csv", args=[2026, "participants.unique_by_month"]), **english)
    assert "June,6,4" in csv.content.decode("utf-8")
    token = api_token_create(user=city.coordinator, name="test").secret
    body = client.get("/api/v1/staff/reports/2026", HTTP_AUTHORIZATION=f"Bearer {token}", **english).json()
    rows = {
        row["label"]: row["values"]
        for section in body["sections"]
        for found in section["figures"]
        if found["key"] == "participants.totals"
        for row in found["rows"]
    }
    assert rows[UNIQUE] == [6, 4]
