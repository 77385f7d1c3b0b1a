"""The illustrative rooms, opening days, frames and exemptions loaded for room booking."""

from datetime import time

import pytest

from manabiba.core.reference import areas_load
from manabiba.facilities.models import Facility, Room, TimeFrame
from manabiba.facilities.reference import facilities_load, rooms_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    areas_load()
    facilities_load()
    rooms_load()


def test_rooms_are_loaded_bookable_with_equipment_fees_and_access(loaded: None) -> None:
    kitchen = Room.objects.get(facility__name="田無公民館", name="実習室")
    assert (kitchen.bookable, kitchen.capacity, kitchen.fee_per_frame, kitchen.has_kitchen) == (True, 24, 900, True)
    washitsu = Room.objects.get(facility__name="柳沢公民館", name="和室")
    assert (washitsu.is_tatami, washitsu.step_free) == (True, False)
    assert washitsu.accessibility == "上がり框に段差あり"
    tanashi = Facility.objects.get(name="田無公民館")
    assert [(row.name, row.percent) for row in tanashi.exemptions.order_by("percent")] == [
        ("社会教育関係団体", 50),
        ("市との共催", 100),
    ]


def test_each_facility_gets_the_usual_frames_and_schools_open_at_weekends(loaded: None) -> None:
    frames = TimeFrame.objects.filter(facility__name="芝久保公民館").order_by("starts_at")
    assert [(f.name, f.starts_at, f.ends_at) for f in frames] == [
        ("午前", time(9), time(12)),
        ("午後", time(13), time(17)),
        ("夜間", time(18), time(21)),
    ]
    school = Facility.objects.get(name="田無小学校")
    assert (school.closed_weekdays, school.closed_on_holidays, school.closed_at_year_end) == ("01234", True, True)


def test_frames_staff_changed_survive_a_reload(loaded: None) -> None:
    evening = TimeFrame.objects.get(facility__name="谷戸公民館", name="夜間")
    evening.ends_at = time(21, 30)
    evening.save()
    counts = rooms_load()
    assert (counts.created, counts.updated) == (0, 0)
    evening.refresh_from_db()
    assert evening.ends_at == time(21, 30)
