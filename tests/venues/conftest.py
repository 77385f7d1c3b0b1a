"""A 公民館 with the usual three frames and two bookable rooms, a school open at weekends, and groups."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import Facility, FeeExemption, Room, TimeFrame
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import UserGroup

TOKYO = ZoneInfo("Asia/Tokyo")
# A Wednesday; first come then runs to the end of February 2027.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)
SATURDAY = date(2026, 12, 12)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


@dataclass
class Place:
    facility: Facility
    room: Room
    small_room: Room
    morning: TimeFrame
    afternoon: TimeFrame
    evening: TimeFrame
    half: FeeExemption
    full: FeeExemption


@pytest.fixture
def place(db: None) -> Place:
    facility = FacilityFactory(name="テスト公民館", closed_at_year_end=True)
    frames = [
        TimeFrameFactory(facility=facility, name="午前", starts_at=time(9), ends_at=time(12)),
        TimeFrameFactory(facility=facility, name="午後", starts_at=time(13), ends_at=time(17)),
        TimeFrameFactory(facility=facility, name="夜間", starts_at=time(18), ends_at=time(21)),
    ]
    return Place(
        facility=facility,
        room=RoomFactory(facility=facility, name="講座室", capacity=40, bookable=True, fee_per_frame=1200),
        small_room=RoomFactory(facility=facility, name="和室", capacity=16, bookable=True, is_tatami=True),
        morning=frames[0],
        afternoon=frames[1],
        evening=frames[2],
        half=FeeExemption.objects.create(facility=facility, name="社会教育関係団体", percent=50),
        full=FeeExemption.objects.create(facility=facility, name="市との共催", percent=100),
    )


@pytest.fixture
def group_owner(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.RESIDENT, email="circle@example.jp", full_name="代表 花子", language="ja")


@pytest.fixture
def group(group_owner: User) -> UserGroup:
    return UserGroupFactory(
        name="西東京郷土史の会", owner=group_owner, email="circle@example.jp", representative_name="代表 花子"
    )


@pytest.fixture
def desk_staff(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.DESK_STAFF, email="desk@example.jp", full_name="窓口 明子")


@pytest.fixture
def facility_staff(make_persona: Callable[..., User], place: Place) -> User:
    person = make_persona(Role.FACILITY_STAFF, email="kominkan@example.jp", full_name="館 職員")
    place.facility.staff.add(person)
    return person
