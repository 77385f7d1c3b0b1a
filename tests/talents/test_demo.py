"""The demo talents: made through the services, across fields, one introduction held; a second run changes nothing."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import OutboxMessage
from manabiba.core.reference import areas_load
from manabiba.programs.reference import audiences_load, categories_load
from manabiba.talents import selectors
from manabiba.talents.demo import TALENTS, demo_talents_seed
from manabiba.talents.models import IntroductionRequest, TalentProfile

pytestmark = pytest.mark.django_db


def test_demo_talents_are_listed_across_fields_and_idempotent(
    coordinator: User, make_persona: Callable[..., User]
) -> None:
    make_persona(Role.FACILITY_STAFF, email="facility-staff@demo.manabiba.jp")
    areas_load()
    categories_load()
    audiences_load()
    assert demo_talents_seed()
    assert TalentProfile.objects.count() == len(TALENTS) == 13
    listed = selectors.talent_search(selectors.TalentFilters())
    assert listed.count == 12
    assert len({c.pk for t in listed.talents for c in t.categories.all()}) >= 8
    assert selectors.talent_search(selectors.TalentFilters(q="しょどう")).count == 1
    first = TalentProfile.objects.get(name=TALENTS[0].name)
    assert selectors.talent_history(first).held == 1
    before = (TalentProfile.objects.count(), IntroductionRequest.objects.count(), OutboxMessage.objects.count())
    demo_talents_seed()
    assert (TalentProfile.objects.count(), IntroductionRequest.objects.count(), OutboxMessage.objects.count()) == before


def test_the_daily_command_reminds_and_purges(make_talent: Callable[..., TalentProfile], capsys: object) -> None:
    soon, lapsed = make_talent(), make_talent()
    today = timezone.localdate()
    TalentProfile.objects.filter(pk=soon.pk).update(valid_until=today + timedelta(days=10))
    TalentProfile.objects.filter(pk=lapsed.pk).update(valid_until=today - timedelta(days=1))
    call_command("talents_daily")
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert out.strip() == "reminded 1, lapsed 1, purged cards 0, purged requests 0"
