"""A person's download holds the proposals they wrote, the reviews they gave and their survey answers."""

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.selectors import user_export_data
from manabiba.proposals.models import Proposal, Review, SurveyAnswer
from tests.proposals.conftest import score, today

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_persons_proposals_reviews_and_answers_and_nobody_elses(
    client: Client,
    in_review: tuple[Proposal, list[Review]],
    group_owner: User,
    reviewers: list[User],
    make_persona: Callable[..., User],
) -> None:
    proposal, reviews = in_review
    score(reviews[0], reviewers[0])
    participant = make_persona(Role.RESIDENT, email="participant@example.jp")
    SurveyAnswer.objects.create(
        proposal=proposal,
        respondent=participant,
        satisfaction=5,
        join_again=SurveyAnswer.Choice.YES,
        would_teach=SurveyAnswer.Choice.NO,
        comment="また参加したいです",
        answered_on=today(),
    )

    client.force_login(group_owner)
    mine = json.loads(client.get(reverse("accounts:profile_export")).content)["proposals"]

    [written] = mine["proposals"]
    assert (written["title"], written["contact_email"], written["status"]) == (
        "はじめての書道",
        "hanako@example.jp",
        Proposal.Status.IN_REVIEW,
    )
    assert [s["topic"] for s in written["sessions"]] == ["筆の持ち方", "楷書", "作品づくり"]
    assert written["report"] is None
    # The committee's reviews of the proposal are the reviewers' own, not the proposer's.
    assert (mine["reviews"], mine["survey_answers"]) == ([], [])

    reviewer = user_export_data(reviewers[0])["proposals"]
    assert reviewer["proposals"] == []
    assert [(r["proposal"], r["pioneering"], r["comment"]) for r in reviewer["reviews"]] == [
        ("はじめての書道", 4, "良い")
    ]

    answered = user_export_data(participant)["proposals"]["survey_answers"]
    assert [(a["satisfaction"], a["comment"]) for a in answered] == [(5, "また参加したいです")]
