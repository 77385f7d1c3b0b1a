"""The demo call: a proposal in every state, made through the services; a second run changes nothing."""

import pytest

from manabiba.core.reference import areas_load
from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.models import Program
from manabiba.programs.reference import audiences_load, categories_load
from manabiba.proposals.demo import demo_proposals_seed
from manabiba.proposals.models import Proposal
from manabiba.talents.demo import demo_talents_seed
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
    program = Program.objects.get(citizen_proposal=True)
    assert program.status == Program.Status.SUBMITTED
    before = Proposal.objects.count()
    demo_proposals_seed()
    assert Proposal.objects.count() == before
