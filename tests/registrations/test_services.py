"""Registration services: applying, the waiting list filling itself, the lottery, offers, the desk."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.audit import audit_entries_for
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.registrations.models import LotteryDraw, PriorityRule, Registration, RegistrationQuestion
from manabiba.registrations.selectors import draw_notice, lottery_verify, seat_counts
from manabiba.registrations.services import (
    AlreadyRegisteredError,
    DuplicateRegistrationError,
    QuestionSpec,
    lottery_draw,
    registration_cancel,
    registration_confirm,
    registration_settings_update,
    registration_submit,
    registration_submit_on_behalf,
    registration_waitlist_move,
    registrations_offers_expire,
)

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db
S = Registration.Status


def _mails_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=address).order_by("id"))


def test_first_come_confirms_until_full_then_waitlists_in_order(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=2)
    # Mail is written in each person's own language, whatever language is active.
    people = [make_resident(language="en") for _ in range(4)]
    registrations = [registration_submit(program=program, user=p, consent=True) for p in people]
    assert [r.status for r in registrations] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert [r.waitlist_position for r in registrations] == [None, None, 1, 2]
    assert seat_counts(program).seats_free == 0
    with translation.override("ja"):
        assert "Your place is confirmed" in _mails_to(people[0].email)[0].subject
        assert "waiting list" in _mails_to(people[2].email)[0].subject


def test_party_size_counts_seats(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program(capacity=3, max_party_size=3)
    first = registration_submit(program=program, user=make_resident(), party_size=2, consent=True)
    second = registration_submit(program=program, user=make_resident(), party_size=2, consent=True)
    third = registration_submit(program=program, user=make_resident(), party_size=1, consent=True)
    assert (first.status, second.status, third.status) == (S.CONFIRMED, S.WAITLISTED, S.CONFIRMED)


def test_one_active_registration_per_person(make_program: MakeProgram, resident: User) -> None:
    program = make_program()
    registration_submit(program=program, user=resident, consent=True)
    with pytest.raises(AlreadyRegisteredError):
        registration_submit(program=program, user=resident, consent=True)


def test_invalid_input_is_reported_per_field(make_program: MakeProgram, resident: User) -> None:
    program = make_program(max_party_size=2)
    registration_settings_update(
        program=program,
        actor=None,
        questions=[
            QuestionSpec(
                key="child_age",
                label="Age of the child",
                kind=RegistrationQuestion.Kind.NUMBER,
                required=True,
                min_value=3,
                max_value=12,
            ),
            QuestionSpec(
                key="experience", label="Experience", kind=RegistrationQuestion.Kind.CHOICE, choices=("none", "some")
            ),
        ],
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        registration_submit(
            program=program,
            user=resident,
            party_size=5,
            answers={"child_age": "20", "experience": "lots", "x": 1},
            consent=False,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"party_size", "answers.child_age", "answers.experience", "answers.x", "consent"}
    assert "12 or less" in errors["answers.child_age"][0]
    assert not Registration.objects.filter(program=program).exists()
    registration = registration_submit(
        program=program, user=resident, party_size=2, answers={"child_age": "７"}, consent=True
    )
    assert registration.answers == {"child_age": 7}


def test_closed_programme_refuses_applications(make_program: MakeProgram, resident: User) -> None:
    program = make_program(closes_in=timedelta(days=-1))
    with pytest.raises(ValidationError) as caught:
        registration_submit(program=program, user=resident, consent=True)
    assert caught.value.code == "closed"


def test_cancellation_promotes_the_next_who_fits_and_tells_them(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=2, max_party_size=3)
    a, b, c, d = (make_resident(language="en") for _ in range(4))
    ra = registration_submit(program=program, user=a, consent=True)
    registration_submit(program=program, user=b, consent=True)
    rc = registration_submit(program=program, user=c, party_size=2, consent=True)
    rd = registration_submit(program=program, user=d, consent=True)
    assert (rc.waitlist_position, rd.waitlist_position) == (1, 2)
    registration_cancel(registration=ra, actor=a, reason="sick")
    rc.refresh_from_db()
    rd.refresh_from_db()
    # One seat free: the party of two does not fit, so the next single person gets it.
    assert rc.status == S.WAITLISTED
    assert rc.waitlist_position == 1
    assert rd.status == S.CONFIRMED
    assert rd.waitlist_position is None
    assert "A place has become free for you" in _mails_to(d.email)[-1].subject
    assert audit_entries_for(rd).filter(action="registrations.registration.promoted").exists()


def test_offer_expires_and_passes_on(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program(capacity=1, offer_expiry_hours=24)
    a, b, c = (make_resident() for _ in range(3))
    ra = registration_submit(program=program, user=a, consent=True)
    rb = registration_submit(program=program, user=b, consent=True)
    rc = registration_submit(program=program, user=c, consent=True)
    registration_cancel(registration=ra, actor=a)
    rb.refresh_from_db()
    assert rb.status == S.OFFERED
    assert rb.offer_expires_at is not None
    assert seat_counts(program).seats_free == 0
    later = timezone.now() + timedelta(hours=25)
    assert registrations_offers_expire(now=later) == 1
    assert registrations_offers_expire(now=later) == 0
    rb.refresh_from_db()
    rc.refresh_from_db()
    assert rb.status == S.EXPIRED
    assert rc.status == S.OFFERED
    confirmed = registration_confirm(registration=rc, actor=c, now=later)
    assert confirmed.status == S.CONFIRMED


def test_resident_cannot_cancel_after_the_cut_off_but_staff_can(
    make_program: MakeProgram, resident: User, coordinator: User
) -> None:
    program = make_program(cancellation_cutoff_hours=24 * 30)
    registration = registration_submit(program=program, user=resident, consent=True)
    with pytest.raises(ValidationError) as caught:
        registration_cancel(registration=registration, actor=resident)
    assert caught.value.code == "cutoff"
    registration_cancel(registration=registration, actor=coordinator, reason="phoned")
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED


def test_someone_else_cannot_cancel(
    make_program: MakeProgram, resident: User, make_resident: Callable[..., User]
) -> None:
    registration = registration_submit(program=make_program(), user=resident, consent=True)
    with pytest.raises(PermissionDenied):
        registration_cancel(registration=registration, actor=make_resident())


def test_desk_registers_a_phone_caller_and_detects_duplicates(make_program: MakeProgram, desk: User) -> None:
    program = make_program()
    registration = registration_submit_on_behalf(
        program=program,
        actor=desk,
        channel="phone",
        full_name="山田 太郎",
        phone="042-000-1111",
        consent=True,
        lives_in_city=True,
    )
    assert registration.status == S.CONFIRMED
    assert registration.registered_by == desk
    assert registration.channel == "phone"
    assert registration.user is None
    # No e-mail: nothing queued, a printed slip instead.
    assert not OutboxMessage.objects.exists()
    with pytest.raises(DuplicateRegistrationError):
        registration_submit_on_behalf(
            program=program,
            actor=desk,
            channel="desk",
            full_name="山田　太郎",
            phone="０４２０００１１１１",
            consent=True,
        )
    again = registration_submit_on_behalf(
        program=program,
        actor=desk,
        channel="desk",
        full_name="山田 太郎",
        phone="0420001111",
        consent=True,
        allow_duplicate=True,
    )
    assert again.pk != registration.pk
    assert AuditEntry.objects.filter(action="registrations.registration.submitted_on_behalf").count() == 2


def test_a_resident_cannot_register_others(make_program: MakeProgram, resident: User) -> None:
    with pytest.raises(PermissionDenied):
        registration_submit_on_behalf(
            program=make_program(), actor=resident, channel="phone", full_name="誰か", phone="1", consent=True
        )


def test_lottery_draw_respects_tiers_and_is_verifiable(
    make_program: MakeProgram, make_resident: Callable[..., User], coordinator: User
) -> None:
    program = make_program(
        capacity=3,
        lottery=True,
        priority_rules=[(PriorityRule.Criterion.CITY_RESIDENT, 1)],
    )
    residents = [make_resident(lives_in_city=True, language="en") for _ in range(2)]
    outsiders = [make_resident(lives_in_city=False, language="en") for _ in range(4)]
    registrations = [registration_submit(program=program, user=p, consent=True) for p in residents + outsiders]
    assert {r.status for r in registrations} == {S.APPLIED}
    with pytest.raises(ValidationError) as caught:
        lottery_draw(program=program, actor=coordinator)
    assert caught.value.code == "too_early"
    after = timezone.now() + timedelta(days=4)
    draw = lottery_draw(program=program, actor=coordinator, now=after)
    by_user = {r.user_id: r for r in Registration.objects.filter(program=program)}
    assert all(by_user[p.pk].status == S.CONFIRMED for p in residents)
    outsider_states = sorted(by_user[p.pk].status for p in outsiders)
    assert outsider_states == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED, S.WAITLISTED]
    assert sorted(by_user[p.pk].waitlist_position or 0 for p in outsiders) == [0, 1, 2, 3]
    assert len(draw.seed) == 64
    assert lottery_verify(draw).matches
    notice = draw_notice(program)
    assert notice is not None
    assert [(t.tier, t.applicants, t.won) for t in notice.tiers] == [(1, 2, 2), (2, 4, 1)]
    with translation.override("en"):
        assert "you have a place" in _mails_to(residents[0].email)[-1].subject
    with pytest.raises(ValidationError):
        lottery_draw(program=program, actor=coordinator, now=after)
    assert LotteryDraw.objects.filter(program=program).count() == 1
    # Tampering with the stored result is caught.
    LotteryDraw.objects.filter(pk=draw.pk).update(winners=list(reversed(draw.winners)))
    draw.refresh_from_db()
    assert not lottery_verify(draw).matches


def test_lottery_winners_who_must_confirm_lose_the_place_when_late(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1, lottery=True, confirm_within_days=3)
    a, b = make_resident(), make_resident()
    registration_submit(program=program, user=a, consent=True)
    registration_submit(program=program, user=b, consent=True)
    after = timezone.now() + timedelta(days=4)
    draw = lottery_draw(program=program, actor=None, now=after)
    winner = Registration.objects.get(pk=draw.winners[0])
    other = Registration.objects.get(program=program, status=S.WAITLISTED)
    assert winner.status == S.OFFERED
    registrations_offers_expire(now=after + timedelta(days=3, minutes=1))
    winner.refresh_from_db()
    other.refresh_from_db()
    assert winner.status == S.EXPIRED
    assert other.status == S.CONFIRMED


def test_lottery_can_release_those_not_drawn(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program(capacity=1, lottery=True, not_drawn="release")
    for _ in range(3):
        registration_submit(program=program, user=make_resident(), consent=True)
    lottery_draw(program=program, actor=None, now=timezone.now() + timedelta(days=4))
    statuses = sorted(Registration.objects.filter(program=program).values_list("status", flat=True))
    assert statuses == [S.CONFIRMED, S.NOT_DRAWN, S.NOT_DRAWN]


def test_waitlist_reorder_needs_a_reason_and_is_logged(
    make_program: MakeProgram, make_resident: Callable[..., User], coordinator: User
) -> None:
    program = make_program(capacity=1)
    registration_submit(program=program, user=make_resident(), consent=True)
    waiting = [registration_submit(program=program, user=make_resident(), consent=True) for _ in range(3)]
    with pytest.raises(ValidationError):
        registration_waitlist_move(registration=waiting[2], position=1, actor=coordinator, reason=" ")
    registration_waitlist_move(registration=waiting[2], position=1, actor=coordinator, reason="mobility needs")
    positions = {r.pk: r.waitlist_position for r in Registration.objects.filter(status=S.WAITLISTED)}
    assert [positions[w.pk] for w in waiting] == [2, 3, 1]
    entry = audit_entries_for(waiting[2]).get(action="registrations.waitlist.reordered")
    assert entry.data["reason"] == "mobility needs"
    assert entry.actor == coordinator


def test_department_staff_cannot_reorder_other_departments_lists(
    make_program: MakeProgram, make_resident: Callable[..., User], make_persona: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    registration_submit(program=program, user=make_resident(), consent=True)
    waiting = registration_submit(program=program, user=make_resident(), consent=True)
    outsider = make_persona(Role.DEPARTMENT_STAFF)
    with pytest.raises(PermissionDenied):
        registration_waitlist_move(registration=waiting, position=1, actor=outsider, reason="x")


def test_desk_input_is_checked_per_field(make_program: MakeProgram, desk: User) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        registration_submit_on_behalf(
            program=make_program(),
            actor=desk,
            channel="fax",
            full_name="",
            email="not-an-address",
            age_band="200s",
            consent=False,
        )
    assert set(caught.value.message_dict) == {"channel", "full_name", "email", "age_band", "consent"}
    assert not Registration.objects.exists()


def test_a_party_cancelling_promotes_several_and_the_list_closes_up(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=3, max_party_size=3)
    family = make_resident()
    big = registration_submit(program=program, user=family, party_size=3, consent=True)
    waiting = [registration_submit(program=program, user=make_resident(), consent=True) for _ in range(6)]
    assert [w.waitlist_position for w in waiting] == [1, 2, 3, 4, 5, 6]
    registration_cancel(registration=big, actor=family)
    for w in waiting:
        w.refresh_from_db()
    assert [w.status for w in waiting] == [S.CONFIRMED] * 3 + [S.WAITLISTED] * 3
    assert [w.waitlist_position for w in waiting[3:]] == [1, 2, 3]


def test_applying_takes_a_bounded_number_of_queries(
    make_program: MakeProgram, make_resident: Callable[..., User], django_assert_max_num_queries: Any
) -> None:
    """Everything an application does (lock, count, insert, audit, mail) stays small and fixed."""
    program = make_program(capacity=1)
    registration_submit(program=program, user=make_resident(), consent=True)
    for _ in range(3):
        registration_submit(program=program, user=make_resident(), consent=True)
    person = make_resident()
    with django_assert_max_num_queries(15):
        registration_submit(program=program, user=person, consent=True)


def test_after_the_draw_a_desk_registration_is_first_come(
    make_program: MakeProgram, make_resident: Callable[..., User], desk: User
) -> None:
    program = make_program(capacity=2, lottery=True)
    registration_submit(program=program, user=make_resident(), consent=True)
    lottery_draw(program=program, actor=None, now=timezone.now() + timedelta(days=4))
    late = registration_submit_on_behalf(
        program=program, actor=desk, channel="postcard", full_name="遅 着", phone="0420000000", consent=True
    )
    assert late.status == S.CONFIRMED
    later = registration_submit_on_behalf(
        program=program, actor=desk, channel="phone", full_name="次 点", phone="0420000001", consent=True
    )
    assert later.status == S.WAITLISTED
    assert later.waitlist_position == 1
