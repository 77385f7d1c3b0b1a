"""The demo saved searches: the demo resident's two, made once; the weekly run then mails their news."""

import pytest
from django.utils import timezone

from manabiba.accounts.reference import departments_load
from manabiba.alerts.demo import RESIDENT_EMAIL, demo_alerts_seed
from manabiba.alerts.models import SavedSearch
from manabiba.alerts.services import alerts_send
from manabiba.core.models import Area
from manabiba.core.reference import areas_load
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Category
from manabiba.programs.reference import categories_load
from manabiba.web.demo import demo_users_seed

pytestmark = pytest.mark.django_db


def test_demo_saved_searches_are_made_once_and_have_news() -> None:
    areas_load()
    categories_load()
    departments_load()
    demo_users_seed()
    field = Category.objects.order_by("pk").first()
    area = Area.objects.order_by("pk").first()
    for n in range(3):
        ProgramFactory(published=True, title=f"デモ講座{n}", categories=[field], area=area, fee="free")

    assert demo_alerts_seed() == ["saved searches (new-programme mail): 2 created"]
    assert SavedSearch.objects.filter(user__email=RESIDENT_EMAIL).count() == 2
    assert demo_alerts_seed() == ["saved searches (new-programme mail): 0 created"]
    assert alerts_send(now=timezone.now()) == 2
