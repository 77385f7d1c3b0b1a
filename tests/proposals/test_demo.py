"""The demo call: a proposal in every state, made through the services; a second run changes nothing."""

import pytest

from manabiba.core.reference import areas_load
from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.models import Program
from manabiba.programs.reference import audiences_load, categories_load
from manabiba.proposals.demo import demo_proposals_seed
from manabiba.proposals.models import Proposal, ProposalReport, SurveyAnswer
from manabiba.talents.demo import demo_talents_seed
from manabiba.talents.models import TalentProfile
from manabiba.talents.selectors import lectures_given
from manabiba.web.demo import demo_users_seed

pytestmark = pytest.mark.django_db


def test_the_demo_call_has_a_proposal_in_every_state() -> None:
    from manabiba.communities.demo import demo_groups_seed

    areas_load()
    categories_load()
    audiences_load()
    FacilityFactory()
    demo_users_seed()
    demo_groups_seed()
    demo_talents_seed()
    assert demo_proposals_seed()[0].startswith("proposals: a demo call with 6 proposals")
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    program = Program.objects.get(citizen_proposal=True, status=Program.Status.SUBMITTED)
    assert program.title == "地域の防災マップを作ろう"
    # The past round: a lecture held, people who came, survey answers and an accepted report.
    held = Proposal.objects.get(title="親子で学ぶ防災クッキング")
    assert held.report.status == ProposalReport.Status.ACCEPTED
    assert held.report.participants_attended == 4
    assert SurveyAnswer.objects.filter(proposal=held).count() == 3
    assert held.lecturer_talent is not None
    assert held.program in lectures_given(held.lecturer_talent)
    # A participant who came has since joined the talent bank: the loop closes.
    assert TalentProfile.objects.filter(user__email__startswith="loop-learner-01@", status="approved").exists()
    before = Proposal.objects.count()
    demo_proposals_seed()
    assert Proposal.objects.count() == before
