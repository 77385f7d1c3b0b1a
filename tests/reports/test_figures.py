"""The report's figures against the small city of conftest.py, counted by hand."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from manabiba.core.figures import Figure, FigureFilter, FiscalYear, fiscal_year_of, report
from manabiba.programs.models import Organizer
from tests.reports.conftest import City, build_city

pytestmark = pytest.mark.django_db

FY2026 = FiscalYear(2026)


def figures(filters: FigureFilter | None = None) -> dict[str, Figure]:
    with translation.override("en"):
        return {found.key: found for section in report(FY2026, filters or FigureFilter()) for found in section.figures}


def value(found: Figure, label: str, column: int = 0) -> Any:
    rows = {row.label: row.values for row in found.rows}
    return rows[label][column]


def test_the_fiscal_year_runs_from_april_to_march() -> None:
    from datetime import date

    assert fiscal_year_of(date(2027, 3, 31)).year == 2026
    assert fiscal_year_of(date(2026, 4, 1)).year == 2026
    assert fiscal_year_of(date(2026, 3, 31)).year == 2025
    assert FY2026.previous().first_day == date(2025, 4, 1)


def test_programmes_held_by_month_field_organiser_and_time_band(city: City) -> None:
    build_city(city)
    found = figures()
    by_month = found["programs.by_month"]
    assert by_month.columns == ("FY2026", "FY2025")
    assert [row.label for row in by_month.rows][:3] == ["April", "May", "June"]
    assert [value(by_month, month) for month in ("April", "May", "June", "July")] == [0, 2, 2, 1]
    assert value(by_month, "June", 1) == 2  # last year's two June events, beside
    assert value(found["programs.by_field"], "芸術・文化") == 2
    assert value(found["programs.by_field"], "スポーツ") == 3
    assert value(found["programs.by_field"], "スポーツ", 1) == 2
    kinds = found["programs.by_organizer_kind"]
    assert value(kinds, "City department") == 4
    assert value(kinds, "Community group") == 1
    bands = found["programs.by_time_band"]
    assert value(bands, "Weekday daytime") == 1
    assert value(bands, "Weekday evening") == 2
    assert value(bands, "Weekend or holiday") == 2
    assert value(bands, "Weekend or holiday", 1) == 40.0  # share of the five sessions
    assert value(found["programs.evening_weekend_share"], "Weekday evenings and weekends") == 80.0
    assert value(found["programs.evening_weekend_share"], "Weekday evenings and weekends", 1) == 0.0


def test_participants_attendance_ties_ages_areas_and_lottery(city: City) -> None:
    build_city(city)
    found = figures()
    totals = found["participants.totals"]
    assert value(totals, "Applications") == 10
    assert value(totals, "Confirmed registrations") == 8
    assert value(totals, "Registrations that attended") == 4
    assert value(totals, "Confirmed registrations", 1) == 4  # FY2025
    # Per month of the programme: the courses in June (3 confirmed each), the weekend events in May.
    assert value(found["participants.by_month"], "June") == 6
    assert value(found["participants.by_month"], "May") == 2
    assert value(found["participants.by_month"], "June", 1) == 4
    assert value(found["participants.attendance_rate"], "Confirmed registrations that attended (%)") == 50.0
    assert value(found["participants.by_tie"], "Lives in the city") == 8
    assert value(found["participants.by_age_band"], "60代") == 4
    assert value(found["participants.by_age_band"], "30代") == 2
    assert value(found["participants.by_age_band"], "Not given") == 2
    assert value(found["participants.by_area"], "田無町") == 6
    lottery = found["participants.lottery"]
    assert lottery.rows[0].label == "芸術・文化"
    assert lottery.rows[0].values[:3] == (8, 4, 2.0)  # 8 applicants for 4 seats


def test_consultations_by_channel_department_and_response_time(city: City) -> None:
    build_city(city)
    found = figures()
    assert value(found["consultations.by_channel"], "Phone") == 2
    assert value(found["consultations.by_channel"], "Online form") == 2
    assert value(found["consultations.by_channel"], "Phone", 1) == 2
    assert value(found["consultations.by_department"], "スポーツ振興課") == 2
    assert value(found["consultations.by_month"], "May") == 2
    response = found["consultations.response"]
    assert value(response, "Median hours to the first answer") == 17.0  # 4, 4, 30, 30
    assert value(response, "Median hours to the first answer", 1) == 10.0
    assert value(response, "Median hours to closing") == 34.0
    assert value(response, "First answers within the target (%)") == 50.0


def test_a_department_filter_keeps_its_own_rows_and_drops_city_wide_sections(city: City) -> None:
    build_city(city)
    found = figures(FigureFilter(department_id=city.sports.pk))
    assert value(found["programs.by_organizer_kind"], "City department") == 2
    assert value(found["programs.by_organizer_kind"], "Community group") == 0
    assert value(found["participants.totals"], "Confirmed registrations") == 4
    assert value(found["consultations.by_department"], "スポーツ振興課") == 2
    assert "子育て支援課" not in {row.label for row in found["consultations.by_department"].rows}
    assert not any(key.startswith(("desk.", "talents.", "groups.")) for key in found)


def test_an_area_and_an_organiser_kind_filter(city: City) -> None:
    build_city(city)
    in_area = figures(FigureFilter(area_id=city.area.pk))
    assert value(in_area["programs.by_field"], "芸術・文化") == 2
    assert value(in_area["programs.by_field"], "スポーツ") == 0
    assert "consultations.by_channel" not in in_area  # consultations have no area
    groups = figures(FigureFilter(organizer_kind=Organizer.Kind.GROUP))
    assert value(groups["programs.by_month"], "July") == 1
    assert groups["programs.by_month"].total() == 1


def _queries(city: City, *, kept: bool = False) -> int:
    with CaptureQueriesContext(connection) as captured:
        report(FY2026, FigureFilter(), kept=kept)
    return len(captured.captured_queries)


def test_the_report_costs_the_same_queries_whatever_the_data(city: City) -> None:
    build_city(city, 1)
    small = _queries(city)
    build_city(city, 3)
    assert _queries(city) == small


def test_kept_sections_are_read_back_in_the_same_queries_whatever_the_data(city: City) -> None:
    build_city(city, 1)
    report(FY2026, FigureFilter())  # counts and keeps what changed
    small = _queries(city, kept=True)
    build_city(city, 3)
    report(FY2026, FigureFilter())
    assert _queries(city, kept=True) == small
    # Read back: the tokens and the kept sections (two queries), plus the sections that are not
    # kept (groups, talents, the desk) counted as before: fewer than counting everything.
    assert small < _queries(city)
