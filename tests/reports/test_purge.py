"""Figures that survive the purge: a past year's report is the same after personal data is removed,
different people (unique participants) included, and after the year's salt is destroyed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from manabiba.consultations.models import Consultation
from manabiba.consultations.services import consultations_purge
from manabiba.core.figures import FigureFilter, FiscalYear, Section, report
from manabiba.registrations.models import ParticipationFigure, Registration
from manabiba.registrations.services import fiscal_year_salts_destroy_spent, registrations_purge_due
from tests.reports.conftest import City, build_city

pytestmark = pytest.mark.django_db

LONG_AFTER = datetime(2031, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo"))


def _unique(sections: list[Section]) -> tuple[object, ...]:
    totals = next(found for section in sections for found in section.figures if found.key == "participants.totals")
    return next(row.values for row in totals.rows if row.label == "Unique participants (different people confirmed)")


def whole_report(year: int, *, kept: bool = True) -> list[Section]:
    with translation.override("en"):
        return report(FiscalYear(year), FigureFilter(), kept=kept)


@pytest.mark.parametrize("year", [2026, 2025])
def test_a_past_years_report_is_identical_before_and_after_the_retention_purge(city: City, year: int) -> None:
    build_city(city)
    before = whole_report(year)
    # Different people too (a's two FY2026 registrations once; FY2024 had nobody).
    assert _unique(before) == {2026: (6, 4), 2025: (4, 0)}[year]
    registrations = Registration.objects.count()
    assert registrations == 14  # seven per department

    removed = registrations_purge_due(now=LONG_AFTER)
    anonymised, _deleted = consultations_purge(now=LONG_AFTER)
    # Both years over and purged: their salts are destroyed, the kept tokens still count.
    assert fiscal_year_salts_destroy_spent(now=LONG_AFTER) == [2025, 2026]

    assert removed == registrations  # every registration was purged
    assert not Registration.objects.exists()
    assert ParticipationFigure.objects.count() == removed
    assert anonymised == Consultation.objects.count()
    assert not Consultation.objects.exclude(name="").exists()
    assert whole_report(year) == before
    # Counted again from what the purge left, not only read back from the kept sections.
    assert whole_report(year, kept=False) == before


def test_the_filtered_report_survives_the_purge_too(city: City) -> None:
    build_city(city)
    sliced = FigureFilter(department_id=city.sports.pk, area_id=city.area.pk)
    with translation.override("en"):
        before = report(FiscalYear(2026), sliced)
    registrations_purge_due(now=LONG_AFTER)
    consultations_purge(now=LONG_AFTER)
    with translation.override("en"):
        assert report(FiscalYear(2026), sliced) == before
        assert report(FiscalYear(2026), sliced, kept=False) == before
