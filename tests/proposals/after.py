"""A held citizen-proposal lecture, made through the services as in real use: accepted, scheduled,
published, three people registered, two came; then the clock moves past the last session."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.facilities.factories import FacilityFactory
from manabiba.programs import services as program_services
from manabiba.programs.models import Program
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalCall, Review
from manabiba.registrations.models import Registration
from manabiba.registrations.services import attendance_record, registration_submit_on_behalf
from manabiba.talents.models import TalentProfile
from tests.proposals.conftest import OUTLINE, call_fields, proposal_fields


@dataclass
class Held:
    proposal: Proposal
    program: Program
    participants: list[User]  # the first two came, the third did not
    registrations: list[Registration]
    after: datetime  # a moment after the last session


def held_lecture(
    *,
    call: ProposalCall,
    in_review: tuple[Proposal, list[Review]],
    reviewers: list[User],
    coordinator: User,
    make_persona: Callable[..., User],
    score: Callable[..., Review],
) -> Held:
    proposal, reviews = in_review
    for review, reviewer in zip(reviews, reviewers, strict=True):
        score(review, reviewer)
    services.proposal_decide(proposal=proposal, actor=coordinator, decision="accept", reason="良い企画")
    zone = timezone.get_current_timezone()
    day = call.lectures_from
    sessions = [
        program_services.SessionTimes(
            starts_at=datetime.combine(day + timedelta(days=7 * n), time(10), tzinfo=zone),
            ends_at=datetime.combine(day + timedelta(days=7 * n), time(12), tzinfo=zone),
        )
        for n in range(2)
    ]
    program = services.proposal_schedule(
        proposal=proposal, actor=coordinator, sessions=sessions, facility=FacilityFactory(), capacity=20
    )
    program = program_services.program_publish(program=program, actor=coordinator)
    desk = make_persona(Role.DESK_STAFF, email="desk@example.jp")
    people = [
        make_persona(Role.RESIDENT, email=f"learner{n}@example.jp", full_name=f"学び 手{n}", language="ja")
        for n in range(3)
    ]
    registrations = [
        registration_submit_on_behalf(
            program=program,
            actor=desk,
            channel=Registration.Channel.PHONE,
            full_name=person.full_name,
            phone=f"090-0000-000{n}",
            user=person,
            consent=True,
        )
        for n, person in enumerate(people)
    ]
    program_sessions = list(program.sessions.order_by("starts_at"))
    for registration in registrations[:2]:
        for session in program_sessions:
            attendance_record(session=session, registration=registration, actor=coordinator)
    attendance_record(session=program_sessions[0], registration=registrations[2], actor=coordinator, present=False)
    proposal.refresh_from_db()
    program.refresh_from_db()
    return Held(
        proposal=proposal,
        program=program,
        participants=people,
        registrations=registrations,
        after=datetime.combine(day + timedelta(days=8), time(9), tzinfo=zone),
    )


def held_in_the_past(
    *,
    coordinator: User,
    group_owner: User,
    group: CommunityGroup,
    talent: TalentProfile,
    reviewers: list[User],
    make_persona: Callable[..., User],
) -> Held:
    """A lecture held last month, without moving the clock: the call is open for the submission, the
    sessions lie in its (past) lecture period, and it is closed afterwards, as a past round would be."""
    today = timezone.localdate()
    call = services.call_create(
        actor=coordinator,
        **call_fields(
            opens_on=today - timedelta(days=200),
            closes_on=today,
            lectures_from=today - timedelta(days=120),
            lectures_until=today - timedelta(days=10),
        ),
    )
    proposal = services.proposal_create(
        call=call,
        actor=group_owner,
        kind=Proposal.Kind.GROUP,
        group=group,
        sessions=OUTLINE,
        **proposal_fields(lecturer_talent=talent),
    )
    proposal = services.proposal_submit(proposal=proposal, actor=group_owner)
    reviews = [services.review_assign(proposal=proposal, reviewer=r, actor=coordinator) for r in reviewers]
    for review, reviewer in zip(reviews, reviewers, strict=True):
        services.review_submit(
            review=review, actor=reviewer, conflict=False, pioneering=4, public_benefit=4, feasibility=4
        )
    services.proposal_decide(proposal=proposal, actor=coordinator, decision="accept", reason="良い企画")
    zone = timezone.get_current_timezone()
    days = [today - timedelta(days=40), today - timedelta(days=33)]
    program = services.proposal_schedule(
        proposal=proposal,
        actor=coordinator,
        sessions=[
            program_services.SessionTimes(
                starts_at=datetime.combine(day, time(10), tzinfo=zone),
                ends_at=datetime.combine(day, time(12), tzinfo=zone),
            )
            for day in days
        ],
        facility=FacilityFactory(),
        capacity=20,
    )
    services.call_update(call=call, actor=coordinator, closes_on=today - timedelta(days=150))
    program = program_services.program_publish(program=program, actor=coordinator)
    before = datetime.combine(days[0] - timedelta(days=5), time(9), tzinfo=zone)
    people = [make_persona(Role.RESIDENT, email=f"learner{n}@example.jp", full_name=f"学び 手{n}") for n in range(3)]
    registrations = [
        registration_submit_on_behalf(
            program=program,
            actor=coordinator,
            channel=Registration.Channel.DESK,
            full_name=person.full_name,
            phone=f"090-0000-000{n}",
            user=person,
            consent=True,
            now=before,
        )
        for n, person in enumerate(people)
    ]
    for registration in registrations[:2]:
        for session in program.sessions.order_by("starts_at"):
            attendance_record(session=session, registration=registration, actor=coordinator, now=session.starts_at)
    proposal.refresh_from_db()
    program.refresh_from_db()
    return Held(
        proposal=proposal, program=program, participants=people, registrations=registrations, after=timezone.now()
    )
