"""The demo data for room booking: groups, one flagged duplicate, a month of bookings; rerunning adds nothing."""

from collections.abc import Callable
from datetime import date

import pytest

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.reference import areas_load
from manabiba.facilities.reference import facilities_load
from manabiba.venues import selectors, services
from manabiba.venues.demo import venues_demo_seed
from manabiba.venues.models import Booking, LotteryRound, UserGroup

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
