"""The public API: calls, and the lectures each call chose (no contact details, no scores)."""

from collections.abc import Callable

import pytest
from django.test import Client

from manabiba.accounts.models import User
from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.services import program_publish
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalCall, Review
from tests.proposals.conftest import score
from tests.proposals.test_services import sessions_in

pytestmark = pytest.mark.django_db


def test_the_calls_are_listed_with_their_rules(client: Client, call: ProposalCall) -> None:
    response = client.get("/api/v1/proposal-calls")
    assert response.status_code == 200
    [item] = response.json()
    assert item["name"] == "令和9年度 前期 市民提案講座"
    assert item["open"] is True
    assert (item["sessions_min"], item["sessions_max"], item["min_members"]) == (2, 4, 5)
    assert item["url"].endswith(f"/proposals/calls/{call.pk}/")


def test_an_unknown_call_is_404(client: Client) -> None:
    assert client.get("/api/v1/proposal-calls/999/lectures").status_code == 404


def test_only_chosen_lectures_are_listed_and_the_programme_once_published(
    client: Client,
    in_review: tuple[Proposal, list[Review]],
    reviewers: list[User],
    coordinator: User,
    make_proposal: Callable[..., Proposal],
) -> None:
    make_proposal(title="下書きのまま")
    proposal, reviews = in_review
    url = f"/api/v1/proposal-calls/{proposal.call_id}/lectures"
    assert client.get(url).json() == []
    for review, reviewer in zip(reviews, reviewers, strict=True):
        score(review, reviewer)
    services.proposal_decide(proposal=proposal, actor=coordinator, decision="accept", reason="良い")
    [lecture] = client.get(url).json()
    assert lecture["title"] == "はじめての書道"
    assert lecture["lecturer"] == "筆野 墨子"
    assert lecture["program_url"] is None
    assert "hanako@example.jp" not in client.get(url).content.decode()
    program = services.proposal_schedule(
        proposal=proposal,
        actor=coordinator,
        sessions=sessions_in(proposal.call),
        facility=FacilityFactory(),
        capacity=20,
    )
    assert client.get(url).json()[0]["program_id"] is None
    program_publish(program=program, actor=coordinator)
    [lecture] = client.get(url).json()
    assert lecture["program_id"] == program.pk
    assert lecture["status"] == "scheduled"
