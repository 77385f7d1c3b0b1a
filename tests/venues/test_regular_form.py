"""The regular-slot request lists rooms and frames of several facilities under each facility's name,
each room and frame in the page's language."""

import pytest
from django.utils import translation

from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import Room
from manabiba.venues.forms import RegularSlotForm
from manabiba.venues.models import UserGroup

pytestmark = pytest.mark.django_db


def test_rooms_and_frames_are_grouped_by_facility_and_read_in_english() -> None:
    tanashi = FacilityFactory(name="田無公民館")
    hoya = FacilityFactory(name="保谷駅前公民館")
    RoomFactory(facility=tanashi, name="講堂", name_en="Hall")
    RoomFactory(facility=hoya, name="学習室", name_en="Study room")
    TimeFrameFactory(facility=tanashi, name="夜間", name_en="Evening")
    form = RegularSlotForm(groups=UserGroup.objects.none(), rooms=Room.objects.all(), years=[2027])

    with translation.override("en"):
        html = str(form["room"]) + str(form["frame"])

    assert html.count('<optgroup label="田無公民館">') == 2  # rooms and frames
    assert '<optgroup label="保谷駅前公民館">' in html
    assert ">Hall</option>" in html
    assert ">Study room</option>" in html
    assert ">Evening 18:00–21:00</option>" in html
    assert "講堂" not in html


def test_a_grouped_choice_is_still_a_room() -> None:
    hall = RoomFactory(facility=FacilityFactory(name="田無公民館"), name="講堂", name_en="Hall")
    form = RegularSlotForm(
        {"room": str(hall.pk)}, groups=UserGroup.objects.none(), rooms=Room.objects.all(), years=[2027]
    )
    form.is_valid()

    assert form.cleaned_data["room"] == hall
