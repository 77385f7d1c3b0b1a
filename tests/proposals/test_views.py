"""The pages: a group drafts and submits, a reviewer sees only what is assigned, the coordinator decides."""

from collections.abc import Callable

import pytest
from django.test import Client

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import AuditEntry
from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.models import Program
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalCall, Review
from manabiba.talents.models import TalentProfile
from tests.proposals.conftest import score

pytestmark = pytest.mark.django_db


def form_data(group: CommunityGroup, talent: TalentProfile, **overrides: str) -> dict[str, str]:
    data = {
        "kind": "group",
        "group": str(group.pk),
        "representative": "代表 一郎",
        "contact_name": "連絡 花子",
        "contact_email": "hanako@example.jp",
        "members_count": "12",
        "members_in_city": "10",
        "title": "はじめての書道",
        "aim": "書を通じた交流",
        "lecturer_talent": str(talent.pk),
        "lecturer_status": "requested",
        "honorarium_planned": "15000",
        "hours_per_session": "2.0",
        "fee_per_person": "300",
        "capacity": "20",
        "outline": "筆の持ち方: 道具と姿勢\n楷書: 基本の点画",
    }
    data.update(overrides)
    return data


def test_a_group_drafts_sees_the_checks_and_submits(
    client: Client, call: ProposalCall, group: CommunityGroup, group_owner: User, talent: TalentProfile
) -> None:
    client.force_login(group_owner)
    response = client.post(f"/proposals/calls/{call.pk}/propose/", form_data(group, talent, members_count="3"))
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "A proposing group needs at least 5 members; the form says 3." in page
    assert "Submit the proposal" not in page
    client.post(f"/proposals/{proposal.pk}/edit/", form_data(group, talent))
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Submit the proposal" in page
    response = client.post(f"/proposals/{proposal.pk}/submit/", follow=True)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert f"Its reference number is {proposal.reference}" in response.content.decode()
    assert [s.topic for s in proposal.sessions.all()] == ["筆の持ち方", "楷書"]


def test_a_bad_form_shows_errors_and_saves_nothing(
    client: Client, call: ProposalCall, group: CommunityGroup, group_owner: User, talent: TalentProfile
) -> None:
    client.force_login(group_owner)
    response = client.post(f"/proposals/calls/{call.pk}/propose/", form_data(group, talent, title="", outline=""))
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_reviewer_sees_only_assigned_proposals(
    client: Client,
    in_review: tuple[Proposal, list[Review]],
    reviewers: list[User],
    make_proposal: Callable[..., Proposal],
    group_owner: User,
    coordinator: User,
    make_persona: Callable[..., User],
) -> None:
    assigned, reviews = in_review
    other = services.proposal_submit(proposal=make_proposal(title="味噌づくり"), actor=group_owner)
    outsider = make_persona(Role.REVIEWER, email="committee3@example.jp")
    services.review_assign(proposal=other, reviewer=outsider, actor=coordinator)
    client.force_login(reviewers[0])
    assert 'href="/proposals/reviews/"' in client.get("/").content.decode()
    listing = client.get("/proposals/reviews/").content.decode()
    assert "はじめての書道" in listing
    assert "味噌づくり" not in listing
    assert client.get(f"/proposals/{assigned.pk}/").status_code == 200
    assert client.get(f"/proposals/{other.pk}/").status_code == 404
    assert client.get(f"/proposals/reviews/{outsider.proposal_reviews.get().pk}/").status_code == 404
    # Nothing else: not the staff workspace, not the coordinator's pages, not the contact details.
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/proposals/{assigned.pk}/").status_code == 403
    assert "hanako@example.jp" not in client.get(f"/proposals/reviews/{reviews[0].pk}/").content.decode()


def test_a_resident_cannot_see_someone_elses_proposal(
    client: Client, in_review: tuple[Proposal, list[Review]], resident: User
) -> None:
    proposal, _reviews = in_review
    client.force_login(resident)
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 404
    assert client.get("/proposals/reviews/").status_code == 403


def test_the_review_page_is_blind_until_submitted(
    client: Client, in_review: tuple[Proposal, list[Review]], reviewers: list[User]
) -> None:
    _proposal, reviews = in_review
    score(reviews[0], reviewers[0], 4, 5, 3)
    client.force_login(reviewers[1])
    page = client.get(f"/proposals/reviews/{reviews[1].pk}/").content.decode()
    assert "The other reviewers' scores are shown once you have submitted yours." in page
    assert "<td>12</td>" not in page
    response = client.post(
        f"/proposals/reviews/{reviews[1].pk}/",
        {"pioneering": "3", "public_benefit": "3", "feasibility": "3", "comment": "普通"},
        follow=True,
    )
    page = response.content.decode()
    assert "<td>12</td>" in page
    assert "<td>9</td>" in page


def test_the_coordinator_assigns_decides_and_schedules_on_the_page(
    client: Client,
    make_proposal: Callable[..., Proposal],
    group_owner: User,
    coordinator: User,
    reviewers: list[User],
) -> None:
    proposal = services.proposal_submit(proposal=make_proposal(), actor=group_owner)
    client.force_login(coordinator)
    url = f"/staff/proposals/{proposal.pk}/"
    assert client.post(url, {"action": "assign", "reviewer": reviewers[0].pk}).status_code == 302
    assert AuditEntry.objects.filter(action="proposals.personal_data.viewed").exists()
    score(Review.objects.get(), reviewers[0])
    assert "<td>12</td>" in client.get(url).content.decode()
    client.post(url, {"action": "decide", "decision": "accept", "reason": "地域性が高い", "conditions": ""})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    day = proposal.call.lectures_from.isoformat()
    bad = client.post(url, {"action": "schedule", "dates": "来週", "facility": FacilityFactory().pk, "capacity": "20"})
    assert "is not." in bad.content.decode()
    response = client.post(
        url,
        {"action": "schedule", "dates": f"{day} 10:00-12:00", "facility": FacilityFactory().pk, "capacity": "20"},
    )
    program = Program.objects.get()
    assert response["Location"] == f"/staff/programs/{program.pk}/"
    assert program.citizen_proposal
    assert program.status == Program.Status.SUBMITTED


def test_the_workspace_shows_the_proposal_cards(
    client: Client, in_review: tuple[Proposal, list[Review]], coordinator: User, make_persona: Callable[..., User]
) -> None:
    proposal, _reviews = in_review
    staff = make_persona(Role.DEPARTMENT_STAFF, email="dept@example.jp")
    services.review_assign(proposal=proposal, reviewer=staff, actor=coordinator)
    client.force_login(staff)
    page = client.get("/staff/").content.decode()
    assert "Proposals assigned to me for review" in page
    client.force_login(coordinator)
    assert "Proposals to assign or decide" in client.get("/staff/").content.decode()


def test_the_public_call_page_lists_the_rules(client: Client, call: ProposalCall) -> None:
    page = client.get(f"/proposals/calls/{call.pk}/").content.decode()
    assert "A group of at least 5 members, most of them living in the city." in page
    assert "Propose a lecture" in page
