"""Properties of the lottery, checked by Hypothesis over many inputs and seeds."""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manabiba.accounts.models import User
from manabiba.registrations.lottery import Entry, allocate, new_seed
from manabiba.registrations.models import PriorityRule, Registration
from manabiba.registrations.selectors import lottery_verify
from manabiba.registrations.services import lottery_draw, registration_submit

from .conftest import MakeProgram


@st.composite
def draws(draw: st.DrawFn) -> tuple[list[Entry], str, int | None]:
    count = draw(st.integers(min_value=0, max_value=40))
    ids = draw(st.lists(st.integers(min_value=1, max_value=10**6), min_size=count, max_size=count, unique=True))
    entries = [
        Entry(
            id=pk, tier=draw(st.integers(min_value=1, max_value=4)), seats=draw(st.integers(min_value=1, max_value=4))
        )
        for pk in ids
    ]
    seed = draw(st.text(alphabet="0123456789abcdef", min_size=8, max_size=64))
    capacity = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=60)))
    return entries, seed, capacity


@given(draws())
def test_never_more_seats_than_capacity(case: tuple[list[Entry], str, int | None]) -> None:
    entries, seed, capacity = case
    result = allocate(entries, seed=seed, capacity=capacity)
    seats = {e.id: e.seats for e in entries}
    if capacity is None:
        assert set(result.winners) == set(seats)
    else:
        assert sum(seats[pk] for pk in result.winners) <= capacity


@given(draws())
def test_every_applicant_ends_in_exactly_one_state(case: tuple[list[Entry], str, int | None]) -> None:
    entries, seed, capacity = case
    result = allocate(entries, seed=seed, capacity=capacity)
    ids = [e.id for e in entries]
    assert sorted(result.ranking) == sorted(ids)
    assert not set(result.winners) & set(result.rest)
    assert sorted(result.winners + result.rest) == sorted(ids)
    # Winners and the waiting list keep the drawn order.
    position = {pk: n for n, pk in enumerate(result.ranking)}
    assert list(result.winners) == sorted(result.winners, key=position.__getitem__)
    assert list(result.rest) == sorted(result.rest, key=position.__getitem__)


@given(draws())
def test_tiers_are_respected(case: tuple[list[Entry], str, int | None]) -> None:
    entries, seed, capacity = case
    result = allocate(entries, seed=seed, capacity=capacity)
    by_id = {e.id: e for e in entries}
    tiers = [by_id[pk].tier for pk in result.ranking]
    assert tiers == sorted(tiers), "every tier is drawn before the next"
    winners = set(result.winners)
    seated_before = 0
    for pk in result.ranking:
        if pk in winners:
            seated_before += by_id[pk].seats
        else:
            # Someone passed over did not fit in what was left when their turn came, so nobody in a
            # later tier took a place they could have had.
            assert capacity is not None
            assert seated_before + by_id[pk].seats > capacity


@given(draws(), st.randoms(use_true_random=False))
def test_same_seed_same_result_whatever_the_input_order(
    case: tuple[list[Entry], str, int | None], shuffler: "object"
) -> None:
    entries, seed, capacity = case
    shuffled = list(entries)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    assert allocate(entries, seed=seed, capacity=capacity) == allocate(shuffled, seed=seed, capacity=capacity)


def test_seeds_are_secure_and_fresh() -> None:
    seeds = {new_seed() for _ in range(100)}
    assert len(seeds) == 100
    assert all(len(s) == 64 and int(s, 16) >= 0 for s in seeds)


@pytest.mark.parametrize(("applicants", "capacity"), [(10, 3), (7, 1), (25, 12)])
def test_fairness_every_applicant_in_a_tier_wins_equally_often(applicants: int, capacity: int) -> None:
    """Over many seeds, each applicant of a tier wins with frequency capacity/applicants (±0.04)."""
    runs = 3000
    priority = [Entry(id=1000 + n, tier=1, seats=1) for n in range(2)]
    tier = [Entry(id=n, tier=2, seats=1) for n in range(1, applicants + 1)]
    wins: Counter[int] = Counter()
    for run in range(runs):
        result = allocate(priority + tier, seed=f"fairness-{run}", capacity=capacity + len(priority))
        assert set(result.winners) >= {e.id for e in priority}
        wins.update(pk for pk in result.winners if pk < 1000)
    expected = capacity / applicants
    for entry in tier:
        assert abs(wins[entry.id] / runs - expected) < 0.04, (entry.id, wins[entry.id] / runs, expected)


def test_fairness_of_the_drawn_order_within_a_tier() -> None:
    """Each applicant is first in the drawn order equally often."""
    runs, applicants = 4000, 8
    firsts: Counter[int] = Counter()
    for run in range(runs):
        firsts[
            allocate([Entry(id=n, tier=1, seats=1) for n in range(applicants)], seed=str(run), capacity=1).ranking[0]
        ] += 1
    for n in range(applicants):
        assert abs(firsts[n] / runs - 1 / applicants) < 0.03


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=3)), min_size=1, max_size=12),
    capacity=st.integers(min_value=1, max_value=15),
)
def test_a_real_draw_keeps_the_properties(
    make_program: MakeProgram,
    make_resident: Callable[..., User],
    people: list[tuple[bool, int]],
    capacity: int,
) -> None:
    program = make_program(
        capacity=capacity, lottery=True, max_party_size=3, priority_rules=[(PriorityRule.Criterion.CITY_RESIDENT, 1)]
    )
    for lives_in_city, party in people:
        if party <= capacity:
            registration_submit(
                program=program, user=make_resident(lives_in_city=lives_in_city), party_size=party, consent=True
            )
    draw = lottery_draw(program=program, actor=None, now=timezone.now() + timedelta(days=4))
    registrations = list(Registration.objects.filter(program=program))
    assert sum(r.party_size for r in registrations if r.status == Registration.Status.CONFIRMED) <= capacity
    assert {r.status for r in registrations} <= {Registration.Status.CONFIRMED, Registration.Status.WAITLISTED}
    waiting = sorted(r.waitlist_position or 0 for r in registrations if r.status == Registration.Status.WAITLISTED)
    assert waiting == list(range(1, len(waiting) + 1))
    assert lottery_verify(draw).matches
    losers_in_city = [r for r in registrations if r.status == Registration.Status.WAITLISTED and r.lives_in_city]
    if losers_in_city:
        # A resident passed over only if their party did not fit: no outsider with a larger party won.
        smallest = min(r.party_size for r in losers_in_city)
        assert not any(
            r.status == Registration.Status.CONFIRMED and not r.lives_in_city and r.party_size >= smallest
            for r in registrations
        )
