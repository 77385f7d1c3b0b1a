"""Proposals from draft to programme: the call's rules, review, decision and scheduling, each audited and mailed."""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import user_delete
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.facilities.factories import FacilityFactory, RoomFactory
from manabiba.programs.models import Program
from manabiba.programs.services import SessionTimes
from manabiba.proposals import selectors, services
from manabiba.proposals.models import Proposal, ProposalCall, Review
from manabiba.talents.models import TalentProfile
from tests.proposals.conftest import OUTLINE, call_fields, proposal_fields, score

pytestmark = pytest.mark.django_db


def mails_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=address).order_by("pk"))


def audited(action: str) -> bool:
    return AuditEntry.objects.filter(action=action).exists()


# --- calls -----------------------------------------------------------------------------------------


def test_only_the_coordinator_opens_a_call(resident: User) -> None:
    with pytest.raises(PermissionDenied):
        services.call_create(actor=resident, **call_fields())


def test_a_call_with_its_deadline_before_its_opening_is_refused(coordinator: User) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.call_create(actor=coordinator, **call_fields(opens_on=today, closes_on=today - timedelta(days=1)))
    assert "closes_on" in error.value.message_dict
    assert not ProposalCall.objects.exists()


def test_opening_a_call_is_audited(call: ProposalCall) -> None:
    assert audited("proposals.call.created")
    assert call.honorarium_max_per_lecture == 20000


# --- drafts and the call's rules -------------------------------------------------------------------


def test_a_draft_is_saved_without_a_reference_and_editable(
    make_proposal: Callable[..., Proposal], group_owner: User
) -> None:
    proposal = make_proposal()
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.reference == ""
    assert proposal.group_name == "田無くらしの知恵の会"
    services.proposal_update(proposal=proposal, actor=group_owner, title="はじめての書道 入門編")
    proposal.refresh_from_db()
    assert proposal.title == "はじめての書道 入門編"
    assert audited("proposals.proposal.updated")


def test_someone_else_cannot_edit_a_draft(make_proposal: Callable[..., Proposal], resident: User) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_update(proposal=make_proposal(), actor=resident, title="乗っ取り")


def test_a_group_proposal_needs_a_group_the_person_runs(
    call: ProposalCall, resident: User, group: CommunityGroup
) -> None:
    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            call=call, actor=resident, kind=Proposal.Kind.GROUP, group=group, sessions=OUTLINE, **proposal_fields()
        )
    assert "group" in error.value.message_dict


def test_only_a_registered_talent_proposes_as_an_individual(call: ProposalCall, resident: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            call=call, actor=resident, kind=Proposal.Kind.TALENT, sessions=OUTLINE, **proposal_fields()
        )
    assert "kind" in error.value.message_dict


def test_a_talent_proposes_for_themself(call: ProposalCall, talent: TalentProfile) -> None:
    assert talent.user is not None
    proposal = services.proposal_create(
        call=call,
        actor=talent.user,
        kind=Proposal.Kind.TALENT,
        sessions=OUTLINE,
        **proposal_fields(representative="", members_count=None, members_in_city=None, lecturer_talent=talent),
    )
    assert proposal.talent == talent
    assert services.proposal_rule_errors(proposal) == {}
    services.proposal_submit(proposal=proposal, actor=talent.user)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"members_count": 3, "members_in_city": 3}, "members_count"),
        ({"members_count": 12, "members_in_city": 6}, "members_in_city"),
        ({"hours_per_session": Decimal("3.0")}, "hours_per_session"),
        ({"fee_per_person": 800}, "fee_per_person"),
        ({"honorarium_planned": 30000}, "honorarium_planned"),
        ({"lecturer_talent": None, "lecturer_name": ""}, "lecturer_name"),
        ({"aim": ""}, "aim"),
        ({"capacity": None}, "capacity"),
    ],
)
def test_the_calls_rules_are_checked_before_submission(
    make_proposal: Callable[..., Proposal], group_owner: User, overrides: dict[str, object], field: str
) -> None:
    proposal = make_proposal(**overrides)
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, actor=group_owner)
    assert field in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.reference == ""


def test_the_number_of_sessions_must_fit_the_call(make_proposal: Callable[..., Proposal]) -> None:
    from django.utils import translation

    too_few = make_proposal(sessions=OUTLINE[:1])
    with translation.override("en"):
        errors = services.proposal_rule_errors(too_few)
    assert errors["sessions"] == ["The lecture must have between 2 and 4 sessions; the outline has 1."]


def test_the_rule_errors_come_in_the_users_language(make_proposal: Callable[..., Proposal]) -> None:
    from django.utils import translation

    proposal = make_proposal(members_count=3, members_in_city=3)
    with translation.override("ja"):
        message = services.proposal_rule_errors(proposal)["members_count"][0]
    assert "5" in message
    assert "人" in message


def test_a_talent_that_is_not_listed_cannot_be_named_as_the_lecturer(
    make_proposal: Callable[..., Proposal], talent: TalentProfile
) -> None:
    proposal = make_proposal()
    TalentProfile.objects.filter(pk=talent.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    proposal.refresh_from_db()
    assert "lecturer_talent" in services.proposal_rule_errors(proposal)


def test_after_the_deadline_a_draft_can_be_neither_changed_nor_submitted(
    make_proposal: Callable[..., Proposal], call: ProposalCall, group_owner: User
) -> None:
    proposal = make_proposal()
    ProposalCall.objects.filter(pk=call.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.proposal_update(proposal=proposal, actor=group_owner, title="遅れて")
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, actor=group_owner)
    assert "__all__" in error.value.message_dict


def test_submission_gives_a_reference_number_and_mails_proposer_and_coordinator(
    make_proposal: Callable[..., Proposal], group_owner: User, coordinator: User
) -> None:
    first = services.proposal_submit(proposal=make_proposal(), actor=group_owner)
    second = services.proposal_submit(proposal=make_proposal(title="味噌づくり"), actor=group_owner)
    year = first.call.opens_on.year if first.call.opens_on.month >= 4 else first.call.opens_on.year - 1
    assert (first.reference, second.reference) == (f"{year}-F-001", f"{year}-F-002")
    assert first.status == Proposal.Status.SUBMITTED
    assert audited("proposals.proposal.submitted")
    assert any(first.reference in m.subject for m in mails_to("owner@example.jp"))
    assert any(first.reference in m.subject for m in mails_to("hanako@example.jp"))
    assert any(first.reference in m.subject for m in mails_to(coordinator.email))
    with pytest.raises(PermissionDenied):
        services.proposal_update(proposal=first, actor=group_owner, title="提出後の変更")


def test_the_proposer_is_mailed_in_their_language(
    call: ProposalCall, talent: TalentProfile, make_persona: Callable[..., User], coordinator: User
) -> None:
    from manabiba.talents import services as talent_services

    person = make_persona(Role.RESIDENT, email="english@example.jp", language="en", full_name="Ann Smith")
    card = talent_services.talent_register(
        actor=person,
        declared_adult=True,
        declared_no_misuse=True,
        categories=list(talent.categories.all()),
        name="Ann Smith",
        name_kana="あん すみす",
        teaches="English conversation",
        free_of_charge=True,
        contact_email="english@example.jp",
    )
    talent_services.talent_approve(talent=card, actor=coordinator)
    proposal = services.proposal_create(
        call=call,
        actor=person,
        kind=Proposal.Kind.TALENT,
        sessions=OUTLINE,
        **proposal_fields(contact_email="english@example.jp", lecturer_talent=card),
    )
    proposal = services.proposal_submit(proposal=proposal, actor=person)
    [mail] = [m for m in mails_to("english@example.jp") if proposal.reference in m.subject]
    assert mail.subject == f"Proposal {proposal.reference} received"


# --- review ----------------------------------------------------------------------------------------


def test_assigning_a_reviewer_puts_the_proposal_in_review_and_mails_them(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User]
) -> None:
    proposal, _reviews = in_review
    assert proposal.status == Proposal.Status.IN_REVIEW
    assert audited("proposals.review.assigned")
    assert any(proposal.reference in m.subject for m in mails_to(reviewers[0].email))


def test_a_resident_cannot_be_assigned_as_reviewer(
    make_proposal: Callable[..., Proposal], group_owner: User, coordinator: User, resident: User
) -> None:
    proposal = services.proposal_submit(proposal=make_proposal(), actor=group_owner)
    with pytest.raises(ValidationError) as error:
        services.review_assign(proposal=proposal, reviewer=resident, actor=coordinator)
    assert "reviewer" in error.value.message_dict
    assert not Review.objects.exists()


def test_a_draft_cannot_be_assigned(
    make_proposal: Callable[..., Proposal], coordinator: User, reviewers: list[User]
) -> None:
    with pytest.raises(ValidationError):
        services.review_assign(proposal=make_proposal(), reviewer=reviewers[0], actor=coordinator)


def test_scores_must_be_one_to_five(in_review: tuple[Proposal, list[Review]], reviewers: list[User]) -> None:
    _proposal, reviews = in_review
    with pytest.raises(ValidationError) as error:
        services.review_submit(
            review=reviews[0], actor=reviewers[0], conflict=False, pioneering=6, public_benefit=3, feasibility=None
        )
    assert set(error.value.message_dict) == {"pioneering", "feasibility"}
    reviews[0].refresh_from_db()
    assert reviews[0].submitted_at is None


def test_a_reviewer_cannot_submit_someone_elses_review(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User]
) -> None:
    _proposal, reviews = in_review
    with pytest.raises(PermissionDenied):
        score(reviews[0], reviewers[1])


def test_a_declared_conflict_scores_nothing_and_needs_a_note(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User]
) -> None:
    _proposal, reviews = in_review
    with pytest.raises(ValidationError):
        services.review_submit(review=reviews[0], actor=reviewers[0], conflict=True, pioneering=5)
    review = services.review_submit(
        review=reviews[0], actor=reviewers[0], conflict=True, conflict_note="会員です", pioneering=5
    )
    assert review.conflict
    assert review.pioneering is None
    assert review.total is None
    assert audited("proposals.review.submitted")


def test_scoring_is_blind_until_the_reviewer_has_submitted(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User], coordinator: User
) -> None:
    proposal, reviews = in_review
    score(reviews[0], reviewers[0], 4, 5, 3)
    blind = selectors.score_table(proposal, reviewers[1])
    assert blind.hidden
    assert blind.rows == []
    score(reviews[1], reviewers[1], 2, 2, 2)
    seen = selectors.score_table(proposal, reviewers[1])
    assert [row.total for row in seen.rows] == [12, 6]
    assert seen.average_total == 9.0
    assert not selectors.score_table(proposal, coordinator).hidden


def test_the_coordinator_sees_the_table_before_everyone_has_scored(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User], coordinator: User
) -> None:
    proposal, reviews = in_review
    score(reviews[0], reviewers[0])
    table = selectors.score_table(proposal, coordinator)
    assert [row.submitted for row in table.rows] == [True, False]
    assert table.rows[1].pioneering is None


# --- decision --------------------------------------------------------------------------------------


def test_the_decision_waits_for_every_reviewer(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User], coordinator: User
) -> None:
    proposal, reviews = in_review
    score(reviews[0], reviewers[0])
    with pytest.raises(ValidationError):
        services.proposal_decide(proposal=proposal, actor=coordinator, decision="accept", reason="良い企画")


def test_accepting_with_conditions_mails_the_reasons_and_conditions(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User], coordinator: User
) -> None:
    proposal, reviews = in_review
    for review, reviewer in zip(reviews, reviewers, strict=True):
        score(review, reviewer)
    with pytest.raises(ValidationError) as error:
        services.proposal_decide(proposal=proposal, actor=coordinator, decision="conditions", reason="良い企画")
    assert "conditions" in error.value.message_dict
    proposal = services.proposal_decide(
        proposal=proposal, actor=coordinator, decision="conditions", reason="地域性が高い", conditions="定員を15名に"
    )
    assert proposal.status == Proposal.Status.ACCEPTED
    assert audited("proposals.proposal.decided")
    [mail] = [m for m in mails_to("owner@example.jp") if "定員を15名に" in m.body]
    assert "地域性が高い" in mail.body


def test_declining_needs_reasons_and_mails_them(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User], coordinator: User
) -> None:
    proposal, reviews = in_review
    for review, reviewer in zip(reviews, reviewers, strict=True):
        score(review, reviewer, 1, 1, 1)
    with pytest.raises(ValidationError):
        services.proposal_decide(proposal=proposal, actor=coordinator, decision="decline", reason=" ")
    services.proposal_decide(proposal=proposal, actor=coordinator, decision="decline", reason="類似講座が多い")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    assert any("類似講座が多い" in m.body for m in mails_to("hanako@example.jp"))
    with pytest.raises(ValidationError):
        services.proposal_decide(proposal=proposal, actor=coordinator, decision="accept", reason="やはり")


def test_a_reviewer_cannot_decide(in_review: tuple[Proposal, list[Review]], reviewers: list[User]) -> None:
    proposal, _reviews = in_review
    with pytest.raises(PermissionDenied):
        services.proposal_decide(proposal=proposal, actor=reviewers[0], decision="accept", reason="自分で")


# --- from proposal to programme --------------------------------------------------------------------


@pytest.fixture
def accepted(in_review: tuple[Proposal, list[Review]], reviewers: list[User], coordinator: User) -> Proposal:
    proposal, reviews = in_review
    for review, reviewer in zip(reviews, reviewers, strict=True):
        score(review, reviewer)
    return services.proposal_decide(proposal=proposal, actor=coordinator, decision="accept", reason="良い企画")


def sessions_in(call: ProposalCall, count: int = 3) -> list[SessionTimes]:
    zone = timezone.get_current_timezone()
    first = call.lectures_from + timedelta(days=3)
    return [
        SessionTimes(
            starts_at=datetime.combine(first + timedelta(days=7 * n), time(10), tzinfo=zone),
            ends_at=datetime.combine(first + timedelta(days=7 * n), time(12), tzinfo=zone),
        )
        for n in range(count)
    ]


def test_scheduling_creates_a_citizen_proposal_programme_waiting_for_review(
    accepted: Proposal, coordinator: User, group: CommunityGroup
) -> None:
    facility = FacilityFactory()
    room = RoomFactory(facility=facility)
    program = services.proposal_schedule(
        proposal=accepted,
        actor=coordinator,
        sessions=sessions_in(accepted.call),
        facility=facility,
        room=room,
        capacity=20,
        min_participants=8,
    )
    assert program.citizen_proposal
    assert program.status == Program.Status.SUBMITTED
    assert program.organizer == group.organizer
    assert (program.capacity, program.min_participants, program.facility, program.room) == (20, 8, facility, room)
    assert program.sessions.count() == 3
    assert program.title == "はじめての書道"
    accepted.refresh_from_db()
    assert accepted.status == Proposal.Status.SCHEDULED
    assert accepted.program == program
    assert audited("proposals.proposal.scheduled")
    assert any(m.subject.endswith("scheduled") or accepted.reference in m.subject for m in mails_to("owner@example.jp"))


def test_a_talents_lecture_gets_the_talent_as_citizen_lecturer(
    call: ProposalCall, talent: TalentProfile, coordinator: User, reviewers: list[User]
) -> None:
    assert talent.user is not None
    proposal = services.proposal_create(
        call=call,
        actor=talent.user,
        kind=Proposal.Kind.TALENT,
        sessions=OUTLINE,
        **proposal_fields(representative="", lecturer_talent=talent),
    )
    proposal = services.proposal_submit(proposal=proposal, actor=talent.user)
    review = services.review_assign(proposal=proposal, reviewer=reviewers[0], actor=coordinator)
    score(review, reviewers[0])
    services.proposal_decide(proposal=proposal, actor=coordinator, decision="accept", reason="良い")
    program = services.proposal_schedule(
        proposal=proposal, actor=coordinator, sessions=sessions_in(call, 2), facility=FacilityFactory(), capacity=15
    )
    assert program.organizer.kind == "citizen"
    assert program.organizer.user == talent.user
    assert talent.user in program.organizer.editors.all()


def test_sessions_outside_the_lecture_period_are_refused(accepted: Proposal, coordinator: User) -> None:
    zone = timezone.get_current_timezone()
    early = datetime.combine(accepted.call.lectures_from - timedelta(days=1), time(10), tzinfo=zone)
    with pytest.raises(ValidationError) as error:
        services.proposal_schedule(
            proposal=accepted,
            actor=coordinator,
            sessions=[SessionTimes(starts_at=early)],
            facility=FacilityFactory(),
            capacity=20,
        )
    assert "sessions" in error.value.message_dict
    assert not Program.objects.exists()


def test_the_minimum_cannot_exceed_the_capacity(accepted: Proposal, coordinator: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.proposal_schedule(
            proposal=accepted,
            actor=coordinator,
            sessions=sessions_in(accepted.call),
            facility=FacilityFactory(),
            capacity=10,
            min_participants=12,
        )
    assert "min_participants" in error.value.message_dict


def test_a_proposal_not_accepted_cannot_be_scheduled(
    in_review: tuple[Proposal, list[Review]], coordinator: User
) -> None:
    proposal, _reviews = in_review
    with pytest.raises(ValidationError):
        services.proposal_schedule(
            proposal=proposal,
            actor=coordinator,
            sessions=sessions_in(proposal.call),
            facility=FacilityFactory(),
            capacity=20,
        )


# --- erasure ---------------------------------------------------------------------------------------


def test_deleting_the_account_erases_the_proposals_and_keeps_reviews_anonymously(
    in_review: tuple[Proposal, list[Review]], reviewers: list[User], call: ProposalCall, talent: TalentProfile
) -> None:
    _proposal, reviews = in_review
    score(reviews[0], reviewers[0])
    user_delete(user=reviewers[0], actor=reviewers[0])
    kept = Review.objects.get(pk=reviews[0].pk)
    assert kept.reviewer is None
    assert kept.total == 12
    assert kept.comment == ""
    person = talent.user
    assert person is not None
    mine = services.proposal_create(
        call=call, actor=person, kind=Proposal.Kind.TALENT, sessions=OUTLINE, **proposal_fields(lecturer_talent=talent)
    )
    user_delete(user=person, actor=person)
    assert not Proposal.objects.filter(pk=mine.pk).exists()
    assert Proposal.objects.count() == 1


def test_scheduling_with_a_bookable_room_holds_its_frames_and_a_clash_stops_it(
    accepted: Proposal, coordinator: User
) -> None:
    from manabiba.facilities.factories import TimeFrameFactory
    from manabiba.venues.factories import UserGroupFactory
    from manabiba.venues.models import Booking
    from manabiba.venues.selectors import at

    facility = FacilityFactory()
    morning = TimeFrameFactory(facility=facility, name="午前", starts_at=time(9), ends_at=time(12))
    room = RoomFactory(facility=facility, bookable=True)
    sessions = sessions_in(accepted.call)
    # A group already holds the morning of the second session: scheduling stops, and nothing is made.
    second = timezone.localtime(sessions[1].starts_at).date()
    group = UserGroupFactory()
    clash = Booking.objects.create(
        room=room,
        day=second,
        frame=morning,
        starts_at=at(second, time(9)),
        ends_at=at(second, time(12)),
        group=group,
        purpose="例会",
        attendees=5,
        fee=0,
        amount_due=0,
    )
    with pytest.raises(ValidationError):
        services.proposal_schedule(
            proposal=accepted, actor=coordinator, sessions=sessions, facility=facility, room=room, capacity=20
        )
    assert not Program.objects.exists()
    assert Booking.objects.count() == 1
    clash.delete()
    program = services.proposal_schedule(
        proposal=accepted, actor=coordinator, sessions=sessions, facility=facility, room=room, capacity=20
    )
    held = Booking.objects.filter(program=program, status=Booking.Status.BOOKED).order_by("day")
    assert [(b.day, b.frame, b.source) for b in held] == [
        (timezone.localtime(s.starts_at).date(), morning, Booking.Source.PROGRAMME) for s in sessions
    ]
