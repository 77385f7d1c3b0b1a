"""The demo groups: made through the services, and a second run changes nothing."""

import pytest

from manabiba.accounts.models import User
from manabiba.communities import selectors
from manabiba.communities.demo import GROUPS, demo_groups_seed
from manabiba.communities.models import ActivityPost, CommunityGroup
from manabiba.core.reference import areas_load
from manabiba.programs.models import Program
from manabiba.programs.reference import categories_load

pytestmark = pytest.mark.django_db


def test_demo_groups_are_listed_with_posts_and_events_and_idempotent(coordinator: User) -> None:
    areas_load()
    categories_load()
    lines = demo_groups_seed()
    assert lines
    assert CommunityGroup.objects.count() == len(GROUPS)
    listed = selectors.group_search(selectors.GroupFilters())
    assert listed.count == len(GROUPS) - 1
    assert ActivityPost.objects.filter(status="published").exists()
    assert Program.objects.filter(organizer__kind="group", status="published").count() >= 4
    assert selectors.group_search(selectors.GroupFilters(q="いご")).count == 1
    before = (CommunityGroup.objects.count(), ActivityPost.objects.count(), Program.objects.count())
    demo_groups_seed()
    assert (CommunityGroup.objects.count(), ActivityPost.objects.count(), Program.objects.count()) == before
