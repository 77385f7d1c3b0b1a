"""The demo data for room booking: groups, one flagged duplicate, a month of bookings; rerunning adds nothing."""

from collections.abc import Callable
from datetime import date

import pytest

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.reference import areas_load
from manabiba.facilities.models import Facility, Room
from manabiba.facilities.reference import facilities_load
from manabiba.venues import selectors, services
from manabiba.venues.demo import venues_demo_seed
from manabiba.venues.models import Booking, LotteryRound, SchoolBlock, SchoolProject, UserGroup

pytestmark = pytest.mark.django_db


def test_demo_groups_and_a_month_of_bookings(make_persona: Callable[..., User]) -> None:
    make_persona(Role.GROUP_ORGANISER, email="group-organiser@demo.manabiba.jp")
    areas_load()
    facilities_load()
    lines = venues_demo_seed(today=date(2026, 12, 2))
    bookings = Booking.objects.filter(status=Booking.Status.BOOKED)
    assert bookings.count() > 100
    assert bookings.filter(day__gt=date(2027, 1, 1), source=Booking.Source.FIRST_COME).count() == 0
    # A drawn round (January, 保谷駅前公民館), a round taking entries (February, 田無公民館), a regular slot.
    rounds = {r.facility.name: r for r in LotteryRound.objects.select_related("facility")}
    assert rounds["保谷駅前公民館"].status == LotteryRound.Status.DRAWN
    assert selectors.round_verify(rounds["保谷駅前公民館"]).matches
    assert rounds["田無公民館"].status == LotteryRound.Status.OPEN
    assert rounds["田無公民館"].lottery_entries.count() == 3
    assert bookings.filter(source=Booking.Source.REGULAR).exists()
    assert bookings.filter(source=Booking.Source.LOTTERY).exists()
    assert not bookings.filter(day__in=[date(2026, 12, 29), date(2027, 1, 1)]).exists()
    assert (
        max(g.bookings.filter(source=Booking.Source.FIRST_COME).count() for g in UserGroup.objects.all())
        <= services.MAX_UPCOMING_PER_GROUP
    )
    pending = UserGroup.objects.get(status=UserGroup.Status.PENDING)
    assert pending.name == "ひばりコーラス"
    assert lines[1].startswith("room bookings:")
    assert venues_demo_seed(today=date(2026, 12, 2))[1] == "room bookings: 0 created"
    assert Booking.objects.count() == bookings.count()
    (duplicate,) = selectors.user_group_duplicates(pending)
    assert duplicate.group.name == "ひばり合唱団"
    assert len(duplicate.matches) == 2  # the same phone and address, spelt differently


def test_demo_school_with_its_calendar_projects_volunteers_and_a_lecture_holding_its_room(
    make_persona: Callable[..., User],
) -> None:
    staff = make_persona(Role.FACILITY_STAFF, email="facility-staff@demo.manabiba.jp")
    areas_load()
    facilities_load()
    lines = venues_demo_seed(today=date(2026, 12, 2))
    assert "school projects: 4 created" in lines
    school = Facility.objects.get(name="田無小学校")
    assert staff in school.staff.all()
    blocks = list(SchoolBlock.objects.filter(school=school).order_by("day"))
    assert [block.event for block in blocks] == ["運動会", "学芸会"]
    assert all(block.day.weekday() == 5 for block in blocks)
    gym = Room.objects.get(facility=school, name="体育館")
    assert selectors.frame_state(gym, day=blocks[0].day, frame=school.frames.first()) == selectors.State.CLOSED  # type: ignore[arg-type]
    lecture = SchoolProject.objects.get(kind=SchoolProject.Kind.OPEN_LECTURE)
    assert lecture.program is not None
    assert lecture.program.status == "published"
    held = Booking.objects.filter(program=lecture.program, status=Booking.Status.BOOKED)
    assert held.count() == lecture.program.sessions.count() == 3
    assert {booking.room.name for booking in held} == {"多目的室"}
    reading = SchoolProject.objects.get(title="朝の読み聞かせボランティア")
    assert sorted(reading.volunteers.values_list("status", flat=True)) == ["accepted", "offered"]
    assert "school projects: 0 created" in venues_demo_seed(today=date(2026, 12, 2))
    assert SchoolBlock.objects.count() == 2
    assert Booking.objects.filter(program=lecture.program).count() == 3
