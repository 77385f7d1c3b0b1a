"""Fair allocation through the pages and the API: who may do what, and the same rules everywhere."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create, user_delete
from manabiba.core.workspace import workspace_cards_registry
from manabiba.venues import services
from manabiba.venues.models import Booking, LotteryEntry, LotteryRound, RoomFollow, UserGroup
from tests.venues.conftest import NOW, Place

FEBRUARY = date(2027, 2, 1)


def _auth(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(user=user, name="test").secret}


@pytest.fixture
def round_(place: Place) -> LotteryRound:
    return services.round_open(facility=place.facility, month=FEBRUARY, now=NOW)


@time_machine.travel(NOW, tick=False)
def test_a_group_enters_the_lottery_on_the_round_page(
    client: Client, round_: LotteryRound, place: Place, group: UserGroup, group_owner: User
) -> None:
    url = reverse("venues:round", args=[round_.pk])
    assert "月例抽選のしくみ" in client.get(url).content.decode()
    client.force_login(group_owner)
    data = {"group": group.pk, "purpose": "合唱", "attendees": 10}
    data |= {"room_1": place.room.pk, "day_1": "2027-02-03", "frame_1": place.evening.pk}
    response = client.post(url, data)
    assert response.status_code == 302
    entry = LotteryEntry.objects.get(group=group)
    assert [w.item for w in entry.wishes.all()] == [f"{place.room.pk}:2027-02-03:{place.evening.pk}"]


@time_machine.travel(NOW, tick=False)
def test_the_booking_page_states_the_cancellation_rules(
    client: Client, place: Place, group: UserGroup, group_owner: User
) -> None:
    client.force_login(group_owner)
    page = client.get(reverse("venues:book", args=[place.room.pk, "2026-12-19", place.evening.pk])).content.decode()
    assert "取消と違反点" in page
    assert "24時間後" in page


@time_machine.travel(NOW, tick=False)
def test_the_api_books_cancels_and_enters_with_the_same_rules(
    client: Client, round_: LotteryRound, place: Place, group: UserGroup, group_owner: User
) -> None:
    headers = _auth(group_owner)
    body = {"group": group.pk, "room": place.room.pk, "date": "2026-12-04", "frame": place.evening.pk}
    body |= {"purpose": "合唱", "attendees": 5}
    created = client.post("/api/v1/venues/bookings", body, content_type="application/json", **headers)
    assert created.status_code == 201
    booking_id = created.json()["id"]
    assert [b["id"] for b in client.get("/api/v1/venues/bookings", **headers).json()] == [booking_id]
    again = client.post("/api/v1/venues/bookings", body, content_type="application/json", **headers)
    assert again.status_code == 409
    cancelled = client.post(f"/api/v1/venues/bookings/{booking_id}/cancel", **headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled_late"] is True
    entry = {"group": group.pk, "purpose": "合唱", "attendees": 5}
    entry["wishes"] = [{"room": place.room.pk, "date": "2027-02-05", "frame": place.evening.pk}]
    entered = client.post(
        f"/api/v1/venues/rounds/{round_.pk}/entries", entry, content_type="application/json", **headers
    )
    assert entered.status_code == 201
    assert len(client.get("/api/v1/venues/rounds", **headers).json()) == 1


@time_machine.travel(NOW, tick=False)
def test_the_api_refuses_another_persons_group_and_booking(
    client: Client,
    make_persona: Callable[..., User],
    place: Place,
    group: UserGroup,
    group_owner: User,
) -> None:
    stranger = make_persona(Role.RESIDENT, email="stranger@example.jp")
    booking = services.booking_create(
        actor=group_owner,
        group=group,
        room=place.room,
        day=date(2026, 12, 19),
        frame=place.evening,
        purpose="x",
        attendees=3,
    )
    headers = _auth(stranger)
    body = {"group": group.pk, "room": place.room.pk, "date": "2026-12-05", "frame": place.evening.pk}
    body |= {"purpose": "x", "attendees": 1}
    assert client.post("/api/v1/venues/bookings", body, content_type="application/json", **headers).status_code == 403
    assert client.post(f"/api/v1/venues/bookings/{booking.pk}/cancel", **headers).status_code == 404
    assert client.get("/api/v1/venues/bookings").status_code == 401
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.RESIDENT, False),
        (Role.DESK_STAFF, False),
        (Role.FACILITY_STAFF, True),
        (Role.COORDINATOR, True),
    ],
)
def test_who_opens_the_allocation_page(
    client: Client, make_persona: Callable[..., User], place: Place, role: str, allowed: bool
) -> None:
    person = make_persona(role, email=f"{role}@example.jp")
    client.force_login(person)
    response = client.get(reverse("staff_venues:allocation"))
    assert (response.status_code == 200) is allowed


@time_machine.travel(NOW + timedelta(days=9), tick=False)
def test_workspace_cards_count_rounds_to_draw_for_the_facilitys_staff_only(
    round_: LotteryRound, facility_staff: User, make_persona: Callable[..., User]
) -> None:
    other_staff = make_persona(Role.FACILITY_STAFF, email="other@example.jp")
    providers = dict(workspace_cards_registry)
    now = round_.closes_at + timedelta(minutes=1)
    cards: Any = {c.key: c.count for c in providers["venues"](facility_staff, now)}
    assert cards["venues.rounds_due"] == 1
    assert {c.key: c.count for c in providers["venues"](other_staff, now)}["venues.rounds_due"] == 0


@time_machine.travel(NOW, tick=False)
def test_facility_staff_mark_a_no_show_on_the_allocation_page(
    client: Client, place: Place, group: UserGroup, group_owner: User, facility_staff: User
) -> None:
    booking = services.booking_create(
        actor=group_owner,
        group=group,
        room=place.room,
        day=date(2026, 12, 2),
        frame=place.evening,
        purpose="x",
        attendees=3,
    )
    client.force_login(facility_staff)
    with time_machine.travel(NOW + timedelta(hours=12), tick=False):
        assert group.name in client.get(reverse("staff_venues:allocation")).content.decode()
        client.post(reverse("staff_venues:attendance_mark", args=[booking.pk]), {"came": "0"})
    booking.refresh_from_db()
    assert booking.attendance == "no_show"
    assert booking.penalty_points.get().points == 2


@time_machine.travel(NOW, tick=False)
def test_staff_act_only_for_their_own_facilities(
    client: Client,
    make_persona: Callable[..., User],
    round_: LotteryRound,
    place: Place,
    group: UserGroup,
    group_owner: User,
) -> None:
    elsewhere = make_persona(Role.FACILITY_STAFF, email="elsewhere@example.jp")
    slot = services.regular_slot_request(
        actor=group_owner,
        group=group,
        room=place.room,
        frame=place.morning,
        weekday=1,
        fiscal_year=2026,
        purpose="体操",
        attendees=8,
    )
    with pytest.raises(PermissionDenied):
        services.regular_slot_review(actor=elsewhere, slot=slot, approve=True)
    client.force_login(elsewhere)
    assert (
        client.post(reverse("staff_venues:regular_review", args=[slot.pk]), {"decision": "approve"}).status_code == 404
    )
    assert client.post(reverse("staff_venues:round_draw", args=[round_.pk])).status_code == 404
    client.force_login(group_owner)
    assert client.post(reverse("staff_venues:round_draw", args=[round_.pk])).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_desk_staff_enter_the_lottery_for_a_caller_under_the_same_limits(
    round_: LotteryRound, place: Place, group: UserGroup, desk_staff: User
) -> None:
    wish = services.WishIn(room=place.room, day=date(2027, 2, 3), frame=place.evening)
    with pytest.raises(ValidationError):  # staff say how the group asked
        services.lottery_enter(actor=desk_staff, round_=round_, group=group, wishes=[wish], purpose="x", attendees=3)
    entry = services.lottery_enter(
        actor=desk_staff, round_=round_, group=group, wishes=[wish], purpose="x", attendees=3, channel="phone"
    )
    assert (entry.channel, entry.entered_by) == ("phone", desk_staff)
    with pytest.raises(ValidationError):
        services.lottery_enter(
            actor=desk_staff, round_=round_, group=group, wishes=[wish] * 6, purpose="x", attendees=3, channel="phone"
        )


@time_machine.travel(NOW, tick=False)
def test_deleting_the_account_withdraws_entries_and_follows(
    round_: LotteryRound, place: Place, group: UserGroup, group_owner: User
) -> None:
    wish = services.WishIn(room=place.room, day=date(2027, 2, 3), frame=place.evening)
    services.lottery_enter(actor=group_owner, round_=round_, group=group, wishes=[wish], purpose="x", attendees=3)
    services.room_follow(actor=group_owner, group=group, room=place.room)
    booking = services.booking_create(
        actor=group_owner,
        group=group,
        room=place.room,
        day=date(2026, 12, 19),
        frame=place.evening,
        purpose="x",
        attendees=3,
    )
    user_delete(user=group_owner, actor=group_owner)
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "erased")
    assert not LotteryEntry.objects.exists()
    assert not RoomFollow.objects.exists()
