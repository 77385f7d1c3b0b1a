"""Kept report sections (docs/reports.md, "Cost"): read back while their rows are unchanged,
recounted as soon as a row they read changes, and the same as counting from the rows."""

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from manabiba.core import figures as figures_module
from manabiba.core.figures import Figure, FigureFilter, FiscalYear, figures_changed, report
from manabiba.core.models import Area, FigureSnapshot, FigureVersion
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program
from manabiba.programs.services import SessionTimes, program_update
from manabiba.registrations.models import Registration
from manabiba.reports.services import figures_refresh
from tests.reports.conftest import TODAY, TOKYO, City, _register, build_city

pytestmark = pytest.mark.django_db

FY2026, FY2025 = FiscalYear(2026), FiscalYear(2025)


@pytest.fixture(autouse=True)
def _counted_on_the_view(settings: Any) -> None:
    """No grace: a retired section is counted again by the view itself (the grace has its own test)."""
    settings.REPORTS_REFRESH_GRACE_SECONDS = 0


def figures(year: FiscalYear = FY2026, filters: FigureFilter | None = None, *, kept: bool = True) -> dict[str, Figure]:
    with translation.override("en"):
        sections = report(year, filters or FigureFilter(), kept=kept)
    return {found.key: found for section in sections for found in section.figures}


def value(found: Figure, label: str, column: int = 0) -> Any:
    return {row.label: row.values for row in found.rows}[label][column]


def confirmed(year: FiscalYear = FY2026) -> int:
    return int(value(figures(year)["participants.totals"], "Confirmed registrations"))


def tokens() -> dict[tuple[str, int], str]:
    return {(v.source, v.fiscal_year): v.token for v in FigureVersion.objects.all()}


def test_a_new_registration_is_in_the_next_report_and_last_year_stays_kept(city: City) -> None:
    build_city(city)
    assert confirmed() == 8
    before = tokens()
    program = Program.objects.filter(first_starts_at__year=2026, lottery_draw__isnull=False).first()
    assert program is not None

    _register(program, Registration.Status.CONFIRMED)

    assert confirmed() == 9
    after = tokens()
    assert after["registrations", 2026] != before["registrations", 2026]
    assert after["registrations", 2025] == before["registrations", 2025]  # last year is read back, not recounted
    assert figures() == figures(kept=False)


def test_the_kept_sections_are_read_back_without_counting(city: City) -> None:
    build_city(city)
    figures()  # counts and keeps
    with CaptureQueriesContext(connection) as captured:
        again = figures()
    counted = [q["sql"] for q in captured.captured_queries if "registrations_registration" in q["sql"]]
    assert counted == []  # participants come from the kept section
    assert again == figures(kept=False)


def test_a_change_committed_elsewhere_replaces_the_token_at_commit(
    city: City, django_capture_on_commit_callbacks: Any
) -> None:
    build_city(city)
    figures()
    before = tokens()
    program = Program.objects.filter(first_starts_at__year=2025).first()
    assert program is not None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Registration.objects.filter(program=program).first().delete()  # type: ignore[union-attr]
    assert tokens()["registrations", 2025] != before["registrations", 2025]
    assert confirmed(FY2025) == 3


def test_a_programme_moved_to_another_year_retires_both_years(city: City) -> None:
    build_city(city)
    held_2026 = value(figures()["programs.by_month"], "June")
    held_2025 = value(figures(FY2025)["programs.by_month"], "June")
    program = Program.objects.filter(first_starts_at__year=2025).first()
    assert program is not None

    program_update(
        program=program,
        actor=None,
        sessions=[SessionTimes(starts_at=datetime(2026, 6, 20, 10, tzinfo=TOKYO), ends_at=None)],
    )

    assert value(figures()["programs.by_month"], "June") == held_2026 + 1
    assert value(figures(FY2025)["programs.by_month"], "June") == held_2025 - 1
    assert figures() == figures(kept=False)
    assert figures(FY2025) == figures(FY2025, kept=False)


def test_a_renamed_area_retires_every_year(city: City) -> None:
    build_city(city)
    assert value(figures()["participants.by_area"], "田無町") == 6
    area = Area.objects.get(pk=city.area.pk)
    area.name = "田無"
    area.save()
    assert value(figures()["participants.by_area"], "田無") == 6
    assert figures() == figures(kept=False)


def test_a_bulk_update_is_noted_with_figures_changed(city: City) -> None:
    build_city(city)
    assert confirmed() == 8
    rows = list(Registration.objects.filter(program__first_starts_at__year=2026, status=Registration.Status.CONFIRMED))
    Registration.objects.filter(pk__in=[r.pk for r in rows]).update(status=Registration.Status.CANCELLED)
    figures_changed(Registration, rows)
    assert confirmed() == 0
    assert figures() == figures(kept=False)


def test_a_filtered_slice_is_kept_apart_from_the_whole_city(city: City) -> None:
    build_city(city)
    sliced = FigureFilter(department_id=city.sports.pk)
    whole, part = figures(), figures(filters=sliced)
    assert value(part["participants.totals"], "Confirmed registrations") == 4
    assert figures() == whole
    assert figures(filters=sliced) == part == figures(filters=sliced, kept=False)


def test_the_refresh_counts_what_changed_and_then_nothing(city: City) -> None:
    build_city(city)
    done = figures_refresh()
    # The whole city and the two departments (and the demo-less staff's none), five years, two languages.
    assert done.slices >= 3
    assert done.recomputed > 0
    assert figures_refresh().recomputed == 0
    program = Program.objects.filter(first_starts_at__year=2026).first()
    assert program is not None
    _register(program, Registration.Status.CONFIRMED)
    assert figures_refresh().recomputed > 0
    kept = FigureSnapshot.objects.filter(source="registrations", fiscal_year=2026, slice_key="d-a-k", language="en")
    assert kept.exists()
    assert confirmed() == 9


def test_within_the_grace_the_last_count_is_shown_marked_until_the_refresh(city: City, settings: Any) -> None:
    settings.REPORTS_REFRESH_GRACE_SECONDS = 900
    build_city(city)
    assert confirmed() == 8
    program = Program.objects.filter(first_starts_at__year=2026).first()
    assert program is not None
    _register(program, Registration.Status.CONFIRMED)

    with translation.override("en"):
        sections = {section.key: section for section in report(FY2026, FigureFilter())}
    assert sections["participants"].counted_before_changes_at is not None  # shown with when it was counted
    assert sections["consultations"].counted_before_changes_at is None  # its rows did not change
    assert confirmed() == 8

    figures_refresh()
    assert confirmed() == 9
    with translation.override("en"):
        assert all(section.counted_before_changes_at is None for section in report(FY2026, FigureFilter()))


def test_past_the_grace_the_view_counts_again(city: City, settings: Any) -> None:
    settings.REPORTS_REFRESH_GRACE_SECONDS = 900
    build_city(city)
    assert confirmed() == 8
    program = Program.objects.filter(first_starts_at__year=2026).first()
    assert program is not None
    _register(program, Registration.Status.CONFIRMED)
    with time_machine.travel(TODAY + timedelta(minutes=16), tick=False):
        assert confirmed() == 9


def test_the_page_says_when_a_changed_section_was_counted(city: City, settings: Any, client: Any) -> None:
    settings.REPORTS_REFRESH_GRACE_SECONDS = 900
    build_city(city)
    client.force_login(city.coordinator)
    assert "に集計したものです" not in client.get("/staff/reports/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    program = Program.objects.filter(first_starts_at__year=2026).first()
    assert program is not None
    _register(program, Registration.Status.CONFIRMED)
    page = client.get("/staff/reports/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "に集計したものです" in page
    assert "2026年12月3日（木）10:00" in page


def _kept_years(*names: str) -> None:
    """Count and keep both years of every section, so that each of ``names`` has a token to lose."""
    figures(), figures(FY2025)
    assert {(name, year) for name in names for year in (2025, 2026)} <= set(tokens())


def test_a_new_registration_retires_only_the_participants_of_its_year(city: City) -> None:
    """A burst of applications retires one token a year, not every year of the exchange meetings'
    and the loop's sections (they read a registration only through what is written after it)."""
    build_city(city)
    _kept_years("registrations", "exchanges", "loop")
    before = tokens()
    program = Program.objects.filter(first_starts_at__year=2026).first()
    assert program is not None

    _register(program, Registration.Status.CONFIRMED)

    assert confirmed() == 9
    after = tokens()
    assert after["registrations", 2026] != before["registrations", 2026]
    unchanged = [key for key in before if key != ("registrations", 2026)]
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert figures() == figures(kept=False)


def test_a_changed_registration_retires_the_loop_from_its_programmes_year_on(city: City) -> None:
    """A learner's registration counts in the loop in its programme's year and in each later one in
    which they teach or propose: a change retires those years, and no exchange meeting's."""
    build_city(city)
    _kept_years("loop", "exchanges")
    this_year = Registration.objects.filter(program__first_starts_at__year=2026).first()
    last_year = Registration.objects.filter(program__first_starts_at__year=2025).first()
    assert this_year is not None
    assert last_year is not None

    before = tokens()
    this_year.status = Registration.Status.CANCELLED
    this_year.save()
    figures()
    after = tokens()
    assert after["loop", 2026] != before["loop", 2026]
    assert after["loop", 2025] == before["loop", 2025]
    assert after["exchanges", 2026] == before["exchanges", 2026]

    last_year.status = Registration.Status.CANCELLED
    last_year.save()
    figures()
    again = tokens()
    assert again["loop", 2025] != after["loop", 2025]
    assert again["loop", 2026] != after["loop", 2026]
    assert figures() == figures(kept=False)
    assert figures(FY2025) == figures(FY2025, kept=False)


def test_a_changed_registration_for_an_exchange_meeting_retires_that_meetings_year(city: City) -> None:
    build_city(city)
    meeting = ProgramFactory(
        published=True, kind=Program.Kind.EXCHANGE, starts_at=datetime(2026, 7, 4, 13, tzinfo=TOKYO)
    )
    registration = Registration.objects.create(
        program=meeting, status=Registration.Status.CONFIRMED, full_name="交流 会", party_size=3
    )
    _kept_years("exchanges")
    before = tokens()

    registration.status = Registration.Status.CANCELLED
    registration.save()

    figures()
    after = tokens()
    assert after["exchanges", 2026] != before["exchanges", 2026]
    assert after["exchanges", 2025] == before["exchanges", 2025]


def test_a_change_in_a_year_with_a_token_replaces_it_in_one_statement(
    city: City, django_capture_on_commit_callbacks: Any
) -> None:
    """After each registration's commit: the programme's years read, and one UPDATE of their token
    (a year nobody counted yet gets its token by an upsert instead)."""
    build_city(city)
    _kept_years("registrations")
    program = Program.objects.filter(first_starts_at__year=2026).first()
    assert program is not None
    before = tokens()
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        _register(program, Registration.Status.CONFIRMED)
    after_commit = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", 'INSERT INTO "registrations_registration"'))
    ]
    assert len(after_commit) == 2, after_commit  # the programme's years, the UPDATE
    assert after_commit[1].startswith('UPDATE "core_figureversion"')
    assert tokens()["registrations", 2026] != before["registrations", 2026]
    assert confirmed() == 9


def test_a_section_counted_by_older_code_is_counted_again_not_served(
    city: City, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_city(city)
    assert figures_refresh().recomputed > 0
    settings.REPORTS_REFRESH_GRACE_SECONDS = 3600  # not even shown marked as "counted before changes"
    # A deployment: the running code's fingerprint is another.
    monkeypatch.setattr(figures_module, "_release_digest", lambda: "0123456789abcdef")

    with CaptureQueriesContext(connection) as captured:
        again = figures()
    assert [q for q in captured.captured_queries if "registrations_registration" in q["sql"]] != []
    assert again == figures(kept=False)
    assert not any(section.counted_before_changes_at for section in report(FY2026, FigureFilter()))
    # The refresh counts every kept section again, once.
    assert figures_refresh().recomputed > 0
    assert set(FigureSnapshot.objects.values_list("code", flat=True)) == {"0123456789abcdef"}
    assert figures_refresh().recomputed == 0
