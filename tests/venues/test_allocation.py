"""Fair allocation: the monthly lottery, confirming wins, hold-off and rebooking bar, penalty points,
regular weekly slots and release notices."""

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from manabiba.accounts.models import User
from manabiba.core.lottery import Wish, allocate_items
from manabiba.core.models import AuditEntry
from manabiba.venues import selectors, services
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, LotteryRound, LotteryWish, PenaltyPoint, RegularSlot, UserGroup
from tests.conftest import SmtpServer
from tests.venues.conftest import NOW, TOKYO, Place, at

FEBRUARY = date(2027, 2, 1)
# Entries for February are taken 1–10 December; NOW (2 December) is inside.
AFTER_DEADLINE = datetime(2026, 12, 10, 17, 0, tzinfo=TOKYO)
FIRST_COME = datetime(2026, 12, 20, 9, 0, tzinfo=TOKYO)


def _enter(actor: User, group: UserGroup, round_: LotteryRound, place: Place, *days: int, **kw: Any) -> Any:
    wishes = [services.WishIn(room=place.room, day=date(2027, 2, d), frame=place.evening) for d in days]
    return services.lottery_enter(
        actor=actor, round_=round_, group=group, wishes=wishes, purpose="合唱", attendees=10, now=NOW, **kw
    )


@pytest.fixture
def round_(place: Place) -> LotteryRound:
    return services.round_open(facility=place.facility, month=FEBRUARY, now=NOW)


@pytest.fixture
def rival() -> UserGroup:
    return UserGroupFactory(name="ひばり合唱団", email="hibari@example.jp")


def test_the_round_follows_the_common_timeline(round_: LotteryRound) -> None:
    assert round_.opens_at == datetime(2026, 12, 1, 9, tzinfo=TOKYO)
    assert round_.closes_at == AFTER_DEADLINE
    assert round_.first_come_at == FIRST_COME
    assert (round_.max_wishes, round_.max_frames) == (5, 4)
    assert selectors.round_entry_month(NOW) == FEBRUARY


def test_entries_are_limited_to_the_rounds_wishes_and_frames(
    round_: LotteryRound, place: Place, group: UserGroup, group_owner: User
) -> None:
    with pytest.raises(ValidationError):
        _enter(group_owner, group, round_, place, 1, 2, 3, 4, 5, 6)
    with pytest.raises(ValidationError):
        _enter(group_owner, group, round_, place, 3, 3)
    with pytest.raises(ValidationError):  # January is first come, not in this round
        services.lottery_enter(
            actor=group_owner,
            round_=round_,
            group=group,
            wishes=[services.WishIn(room=place.room, day=date(2027, 1, 20), frame=place.evening)],
            purpose="x",
            attendees=3,
            now=NOW,
        )
    entry = _enter(group_owner, group, round_, place, 3, 4)
    assert [w.rank for w in entry.wishes.all()] == [1, 2]
    with pytest.raises(ValidationError):  # closed
        services.lottery_enter(
            actor=group_owner, round_=round_, group=group, wishes=[], purpose="x", attendees=1, now=AFTER_DEADLINE
        )


def test_a_stranger_cannot_enter_for_a_group(
    round_: LotteryRound, place: Place, group: UserGroup, rival: UserGroup
) -> None:
    assert rival.owner is not None
    with pytest.raises(PermissionDenied):
        _enter(rival.owner, group, round_, place, 3)


def test_the_draw_runs_once_at_the_deadline_gives_each_frame_once_and_can_be_rechecked(
    round_: LotteryRound,
    place: Place,
    group: UserGroup,
    group_owner: User,
    rival: UserGroup,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert rival.owner is not None
    _enter(group_owner, group, round_, place, 3)
    _enter(rival.owner, rival, round_, place, 3)
    with pytest.raises(ValidationError):
        services.round_draw(round_=round_, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.venues_run_due(now=AFTER_DEADLINE)
    assert report.drawn == [round_.pk]
    assert services.venues_run_due(now=AFTER_DEADLINE).drawn == []
    results = dict(LotteryWish.objects.values_list("entry__group_id", "result"))
    assert sorted(results.values()) == ["lost", "won"]
    (booking,) = Booking.objects.filter(source=Booking.Source.LOTTERY)
    assert booking.confirm_by == round_.confirm_by
    assert len(smtp_server.to("circle@example.jp")) == 1
    assert len(smtp_server.to("hibari@example.jp")) == 1
    round_.refresh_from_db()
    assert selectors.round_verify(round_).matches
    out = StringIO()
    call_command("lottery_verify", str(round_.pk), "--kind", "rooms", stdout=out)
    assert "match" in out.getvalue()
    # A stored result changed afterwards no longer matches.
    round_.winners = list(reversed(round_.ranking))
    round_.save()
    assert not selectors.round_verify(round_).matches
    assert AuditEntry.objects.filter(action="venues.round.drawn", target_id=str(round_.pk)).count() == 1


def test_the_winner_confirms_an_unconfirmed_win_lapses_and_first_come_opens(
    round_: LotteryRound, place: Place, group: UserGroup, group_owner: User, rival: UserGroup
) -> None:
    assert rival.owner is not None
    _enter(group_owner, group, round_, place, 3)
    _enter(rival.owner, rival, round_, place, 4)
    services.round_draw(round_=round_, now=AFTER_DEADLINE)
    mine = Booking.objects.get(group=group)
    theirs = Booking.objects.get(group=rival)
    services.booking_confirm(actor=group_owner, booking=mine, now=AFTER_DEADLINE + timedelta(days=1))
    assert services.lottery_wins_lapse(now=round_.confirm_by + timedelta(minutes=1)) == 1
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.status, theirs.cancel_reason) == ("cancelled", "lapsed")
    assert mine.status == "booked"
    day4 = date(2027, 2, 4)
    assert (
        selectors.frame_state(place.room, day=day4, frame=place.evening, now=FIRST_COME - timedelta(hours=1))
        == "not_open"
    )
    assert selectors.frame_state(place.room, day=day4, frame=place.evening, now=FIRST_COME) == "free"
    # The group that let it lapse cannot take it first come; the first come is open to another.
    with pytest.raises(services.FrameUnavailableError):
        services.booking_create(
            actor=rival.owner,
            group=rival,
            room=place.room,
            day=day4,
            frame=place.evening,
            purpose="x",
            attendees=3,
            now=FIRST_COME,
        )
    other = UserGroupFactory()
    assert (
        services.booking_create(
            actor=other.owner,
            group=other,
            room=place.room,
            day=day4,
            frame=place.evening,
            purpose="x",
            attendees=3,
            now=FIRST_COME,
        ).source
        == "first_come"
    )


def test_a_group_registered_twice_shares_one_cap_in_the_draw(
    round_: LotteryRound, place: Place, group: UserGroup, group_owner: User
) -> None:
    twin = UserGroupFactory(phone=group.phone, phone_key=group.phone_key, email="twin@example.jp")
    round_.max_frames = 1
    round_.save()
    _enter(group_owner, group, round_, place, 3)
    _enter(twin.owner, twin, round_, place, 4)
    drawn = services.round_draw(round_=round_, now=AFTER_DEADLINE)
    assert Booking.objects.filter(source=Booking.Source.LOTTERY).count() == 1
    assert {e["capped_with"] for e in drawn.entries} != {0}
    assert selectors.round_verify(drawn).matches


def test_a_late_cancellation_gives_a_point_and_bars_duplicates(
    place: Place, group: UserGroup, group_owner: User
) -> None:
    day = date(2026, 12, 4)
    booking = services.booking_create(
        actor=group_owner,
        group=group,
        room=place.room,
        day=day,
        frame=place.evening,
        purpose="x",
        attendees=3,
        now=NOW,
    )
    services.booking_cancel(actor=group_owner, booking=booking, now=NOW)
    assert booking.cancelled_late
    assert selectors.penalty_points_of(group, now=NOW) == 1
    twin = UserGroupFactory(phone=group.phone, phone_key=group.phone_key)
    later = NOW + timedelta(hours=25)
    assert selectors.frame_state(place.room, day=day, frame=place.evening, now=later) == "free"
    with pytest.raises(services.FrameUnavailableError):
        services.booking_create(
            actor=twin.owner,
            group=twin,
            room=place.room,
            day=day,
            frame=place.evening,
            purpose="x",
            attendees=3,
            now=later,
        )


def test_points_at_the_threshold_suspend_the_group_and_cancel_its_bookings(
    place: Place,
    group: UserGroup,
    group_owner: User,
    facility_staff: User,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def book(day: date) -> Booking:
        return services.booking_create(
            actor=group_owner,
            group=group,
            room=place.room,
            day=day,
            frame=place.evening,
            purpose="x",
            attendees=3,
            now=NOW,
        )

    past, coming = book(date(2026, 12, 3)), book(date(2026, 12, 19))
    late = book(date(2026, 12, 4))
    services.booking_cancel(actor=group_owner, booking=late, now=NOW)
    with pytest.raises(PermissionDenied):
        services.booking_attendance_mark(actor=group_owner, booking=past, came=False, now=at(date(2026, 12, 3), 21))
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_attendance_mark(actor=facility_staff, booking=past, came=False, now=at(date(2026, 12, 3), 21))
    group.refresh_from_db()
    coming.refresh_from_db()
    assert group.suspended_until is not None
    assert (coming.status, coming.cancel_reason) == ("cancelled", "suspended")
    assert PenaltyPoint.objects.filter(group=group, spent_at__isnull=False).count() == 2
    subjects = [smtp_server.subject(m) for m in smtp_server.to("circle@example.jp")]
    assert any("停止" in subject for subject in subjects)
    with pytest.raises(ValidationError):
        book(date(2026, 12, 26))


def test_an_approved_regular_slot_is_placed_before_the_round(
    place: Place, group: UserGroup, group_owner: User, facility_staff: User
) -> None:
    slot = services.regular_slot_request(
        actor=group_owner,
        group=group,
        room=place.room,
        frame=place.morning,
        weekday=2,
        fiscal_year=2026,
        purpose="体操",
        attendees=8,
        now=NOW,
    )
    with pytest.raises(ValidationError):  # once a year
        services.regular_slot_request(
            actor=group_owner,
            group=group,
            room=place.room,
            frame=place.afternoon,
            weekday=3,
            fiscal_year=2026,
            purpose="体操",
            attendees=8,
            now=NOW,
        )
    services.regular_slot_review(actor=facility_staff, slot=slot, approve=True, now=NOW)
    assert RegularSlot.objects.get().status == "approved"
    placed = set(Booking.objects.filter(source="regular").values_list("day", flat=True))
    assert date(2027, 1, 13) in placed
    assert date(2026, 12, 9) in placed
    round_ = services.round_open(facility=place.facility, month=FEBRUARY, now=NOW)
    feb = set(Booking.objects.filter(source="regular", day__gte=FEBRUARY).values_list("day", flat=True))
    assert feb == {date(2027, 2, 3), date(2027, 2, 10), date(2027, 2, 17), date(2027, 2, 24)}
    assert selectors.frame_state(place.room, day=date(2027, 2, 3), frame=place.morning, now=NOW) == "booked"
    assert round_.status == "open"


def test_followers_are_told_once_when_a_cancelled_frame_is_released(
    place: Place,
    group: UserGroup,
    group_owner: User,
    rival: UserGroup,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert rival.owner is not None
    services.room_follow(actor=rival.owner, group=rival, room=place.room)
    booking = services.booking_create(
        actor=group_owner,
        group=group,
        room=place.room,
        day=date(2026, 12, 19),
        frame=place.evening,
        purpose="x",
        attendees=3,
        now=NOW,
    )
    services.booking_cancel(actor=group_owner, booking=booking, now=NOW)
    assert services.releases_announce(now=NOW + timedelta(hours=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.releases_announce(now=NOW + timedelta(hours=25)) == 1
    assert services.releases_announce(now=NOW + timedelta(hours=26)) == 0
    (message,) = smtp_server.to("hibari@example.jp")
    assert "空き" in smtp_server.subject(message)
    services.room_follow(actor=rival.owner, group=rival, room=place.room, follow=False)
    assert not selectors.followers_of(place.room).exists()


# --- the pure room draw ----------------------------------------------------------------------------


@st.composite
def room_draws(draw: st.DrawFn) -> tuple[list[Wish], str, int, list[str]]:
    holders = draw(st.integers(min_value=0, max_value=12))
    items = [f"1:2027-02-{d:02d}:{f}" for d in range(1, 6) for f in (1, 2, 3)]
    wishes = []
    pk = 0
    for holder in range(1, holders + 1):
        chosen = draw(st.lists(st.sampled_from(items), max_size=5, unique=True))
        # Some holders are one group registered twice: they share the cap of the lower holder.
        capped_with = draw(st.sampled_from([0, 0, max(1, holder - 1)]))
        for rank, item in enumerate(chosen, start=1):
            pk += 1
            wishes.append(Wish(id=pk, holder=holder, tier=rank, item=item, capped_with=capped_with))
    seed = draw(st.text(alphabet="0123456789abcdef", min_size=8, max_size=64))
    cap = draw(st.integers(min_value=1, max_value=5))
    taken = draw(st.lists(st.sampled_from(items), max_size=4, unique=True))
    return wishes, seed, cap, taken


@given(room_draws())
def test_no_frame_is_given_twice_nor_a_held_one(case: tuple[list[Wish], str, int, list[str]]) -> None:
    wishes, seed, cap, taken = case
    result = allocate_items(wishes, seed=seed, cap_per_holder=cap, taken=taken)
    by_id = {w.id: w for w in wishes}
    given_items = [by_id[pk].item for pk in result.winners]
    assert len(given_items) == len(set(given_items))
    assert not set(given_items) & set(taken)
    assert sorted(result.ranking) == sorted(by_id)
    assert set(result.winners) | set(result.rest) == set(by_id)


@given(room_draws())
def test_no_group_wins_more_than_the_cap_even_under_several_names(case: tuple[list[Wish], str, int, list[str]]) -> None:
    wishes, seed, cap, taken = case
    result = allocate_items(wishes, seed=seed, cap_per_holder=cap, taken=taken)
    by_id = {w.id: w for w in wishes}
    counts: dict[int, int] = {}
    for pk in result.winners:
        counts[by_id[pk].cap_key] = counts.get(by_id[pk].cap_key, 0) + 1
    assert all(count <= cap for count in counts.values())


@given(room_draws())
def test_the_same_seed_gives_the_same_result_in_any_input_order(case: tuple[list[Wish], str, int, list[str]]) -> None:
    wishes, seed, cap, taken = case
    first = allocate_items(wishes, seed=seed, cap_per_holder=cap, taken=taken)
    again = allocate_items(list(reversed(wishes)), seed=seed, cap_per_holder=cap, taken=list(reversed(taken)))
    assert first == again


@given(room_draws())
def test_a_free_first_choice_is_lost_only_to_an_earlier_holder_or_the_cap(
    case: tuple[list[Wish], str, int, list[str]],
) -> None:
    wishes, seed, cap, taken = case
    result = allocate_items(wishes, seed=seed, cap_per_holder=cap, taken=taken)
    by_id = {w.id: w for w in wishes}
    winners = {by_id[pk].item for pk in result.winners}
    counts: dict[int, int] = {}
    for pk in result.winners:
        counts[by_id[pk].cap_key] = counts.get(by_id[pk].cap_key, 0) + 1
    for wish in wishes:
        if wish.tier == 1 and wish.item not in taken and wish.id not in result.winners:
            # Lost only because someone else got it, or its group (under all its names) is at the cap.
            assert wish.item in winners or counts.get(wish.cap_key, 0) == cap


def test_the_timer_command_opens_draws_and_is_idempotent(place: Place, group: UserGroup, group_owner: User) -> None:
    with time_machine.travel(NOW, tick=False):
        out = StringIO()
        call_command("venues_due", stdout=out)
        assert "rounds opened: 1" in out.getvalue()
        round_ = LotteryRound.objects.get()
        _enter(group_owner, group, round_, place, 3)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        out = StringIO()
        call_command("venues_due", stdout=out)
        call_command("venues_due", stdout=out)
    assert "drawn: 1" in out.getvalue()
    assert LotteryRound.objects.get().status == "drawn"
    assert Booking.objects.filter(source="lottery").count() == 1


def test_a_just_cancelled_frame_shows_released_soon_in_the_grid(
    place: Place, group: UserGroup, group_owner: User
) -> None:
    day = date(2026, 12, 19)
    booking = services.booking_create(
        actor=group_owner,
        group=group,
        room=place.room,
        day=day,
        frame=place.evening,
        purpose="x",
        attendees=3,
        now=NOW,
    )
    services.booking_cancel(actor=group_owner, booking=booking, now=NOW)
    row = next(r for r in selectors.room_month(place.room, year=2026, month=12, now=NOW) if r.day == day)
    assert [c.state for c in row.cells] == ["free", "free", "held"]
    assert row.cells[2].symbol == "◇"
    assert not booking.cancelled_late
    assert selectors.penalty_points_of(group, now=NOW) == 0


def test_a_lapsed_win_is_announced_to_followers_when_first_come_opens(
    round_: LotteryRound, place: Place, group: UserGroup, group_owner: User, rival: UserGroup
) -> None:
    assert rival.owner is not None
    services.room_follow(actor=rival.owner, group=rival, room=place.room)
    _enter(group_owner, group, round_, place, 3)
    services.round_draw(round_=round_, now=AFTER_DEADLINE)
    assert services.lottery_wins_lapse(now=round_.confirm_by + timedelta(minutes=1)) == 1
    assert services.releases_announce(now=round_.confirm_by + timedelta(hours=25)) == 0
    assert services.releases_announce(now=FIRST_COME + timedelta(minutes=5)) == 1
    assert services.releases_announce(now=FIRST_COME + timedelta(minutes=10)) == 0
