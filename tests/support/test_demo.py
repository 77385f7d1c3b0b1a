"""The demo support requests: one split across three departments with one part answered, a
published case study; made through the services, and made once."""

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.reference import departments_load
from manabiba.communities.demo import demo_groups_seed
from manabiba.core.reference import areas_load
from manabiba.programs.reference import categories_load
from manabiba.support.demo import demo_support_seed
from manabiba.support.models import SupportRequest
from manabiba.support.selectors import case_studies
from manabiba.web.demo import demo_users_seed

pytestmark = pytest.mark.django_db


def test_demo_support_requests_are_made_once(client: Client) -> None:
    areas_load()
    categories_load()
    departments_load()
    demo_users_seed()
    demo_groups_seed()

    assert demo_support_seed() == ["demo support requests: 2 made, 2 in all"]
    split = SupportRequest.objects.get(status=SupportRequest.Status.IN_PROGRESS)
    assert split.tasks.count() == 3
    assert sorted(split.tasks.values_list("status", flat=True)) == ["done", "open", "open"]
    [case] = case_studies()
    assert case.status == SupportRequest.Status.CLOSED
    assert case.case_consent_at is not None
    assert case.case_title in client.get(reverse("support:cases")).content.decode()

    assert demo_support_seed() == ["demo support requests: 0 made, 2 in all"]
    assert SupportRequest.objects.count() == 2
