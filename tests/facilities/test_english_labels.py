"""Reference data in English: every room, frame, fee exemption and department has an English name, which
English pages show (``label``) while Japanese pages keep the Japanese one."""

from datetime import time

import pytest
from django.utils import translation

from manabiba.accounts.models import Department
from manabiba.accounts.reference import departments_load
from manabiba.core.japanese import has_japanese
from manabiba.core.reference import areas_load
from manabiba.facilities.factories import FacilityFactory
from manabiba.facilities.models import FeeExemption, Room, TimeFrame
from manabiba.facilities.reference import facilities_load, rooms_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    areas_load()
    facilities_load()
    rooms_load()
    departments_load()


def _english(value: str) -> bool:
    return bool(value) and not has_japanese(value)


def test_every_reference_room_frame_exemption_and_department_has_an_english_name(loaded: None) -> None:
    rooms = list(Room.objects.all())
    frames = list(TimeFrame.objects.all())
    exemptions = list(FeeExemption.objects.all())
    departments = list(Department.objects.all())
    assert min(len(rooms), len(frames), len(exemptions), len(departments)) > 0
    assert [room.name for room in rooms if not _english(room.name_en)] == []
    assert [room.name for room in rooms if room.accessibility and not _english(room.accessibility_en)] == []
    assert [frame.name for frame in frames if not _english(frame.name_en)] == []
    assert [row.name for row in exemptions if not _english(row.name_en)] == []
    assert [row.name for row in departments if not _english(row.name_en)] == []


def test_labels_follow_the_language_of_the_page(loaded: None) -> None:
    room = Room.objects.get(facility__name="芝久保公民館", name="和室")
    frame = TimeFrame.objects.get(facility__name="芝久保公民館", name="午前")
    exemption = FeeExemption.objects.get(facility__name="芝久保公民館", name="市との共催")
    department = Department.objects.get(name="社会教育課")
    with translation.override("en"):
        assert (room.label, room.accessibility_label) == ("Japanese-style room", "2nd floor, stairs only")
        assert (frame.label, exemption.label, department.label) == (
            "Morning",
            "Co-hosted with the city",
            "Social Education Division",
        )
    with translation.override("ja"):
        assert (room.label, room.accessibility_label) == ("和室", "2階・階段のみ")
        assert (frame.label, exemption.label, department.label) == ("午前", "市との共催", "社会教育課")


def test_a_label_without_an_english_name_falls_back_to_the_japanese_one() -> None:
    frame = TimeFrame.objects.create(facility=FacilityFactory(), name="特別枠", starts_at=time(9), ends_at=time(10))
    with translation.override("en"):
        assert frame.label == "特別枠"


def test_a_reload_gives_default_frames_made_before_english_names_theirs(loaded: None) -> None:
    TimeFrame.objects.filter(name="午前").update(name_en="")
    rooms_load()
    assert set(TimeFrame.objects.filter(name="午前").values_list("name_en", flat=True)) == {"Morning"}
    counts = rooms_load()
    assert (counts.created, counts.updated) == (0, 0)
