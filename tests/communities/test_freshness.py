"""The yearly confirmation, with a frozen clock: asked after a year, marked after a month, hidden later."""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.communities import selectors, services
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 4, 1, 9, 0, tzinfo=TOKYO)


def confirmation_link(group: CommunityGroup) -> str:
    path = reverse("communities:confirm_active", args=["X"]).replace("X/", "")
    mail = OutboxMessage.objects.filter(to="private-contact@example.jp", body__contains=path).last()
    assert mail is not None
    start = mail.body.index(path)
    return mail.body[start:].split()[0]


def listed(group: CommunityGroup) -> bool:
    return group.pk in [g.pk for g in selectors.group_search(selectors.GroupFilters()).groups]


def test_unconfirmed_group_is_marked_then_hidden_and_the_coordinator_sees_it(
    make_group: Callable[..., CommunityGroup], client: Client, coordinator: User
) -> None:
    with time_machine.travel(START, tick=False):
        group = make_group()
    with time_machine.travel(START + timedelta(days=364), tick=False):
        assert services.groups_confirm_active_run().asked == 0
    with time_machine.travel(START + timedelta(days=366), tick=False):
        run = services.groups_confirm_active_run()
        assert run.asked == 1
        # Running again the same day asks nobody twice.
        assert services.groups_confirm_active_run().asked == 0
        group.refresh_from_db()
        assert group.confirmation_requested_at is not None
        assert group.unconfirmed_since is None
        assert listed(group)
    with time_machine.travel(START + timedelta(days=366 + 31), tick=False):
        assert services.groups_confirm_active_run().marked == 1
        group.refresh_from_db()
        assert group.unconfirmed_since is not None
        assert listed(group)
        client.force_login(coordinator)
        page = client.get(reverse("staff_communities:stale"))
        assert group.name in page.content.decode()
    with time_machine.travel(START + timedelta(days=366 + 91), tick=False):
        assert services.groups_confirm_active_run().hidden == 1
        group.refresh_from_db()
        assert group.hidden_at is not None
        assert not listed(group)
        assert Client().get(reverse("communities:detail", args=[group.pk])).status_code == 404
        assert selectors.group_search(selectors.GroupFilters(q="太極拳")).count == 0


def test_one_click_link_confirms_and_brings_a_hidden_group_back(
    make_group: Callable[..., CommunityGroup], client: Client
) -> None:
    with time_machine.travel(START, tick=False):
        group = make_group()
    with time_machine.travel(START + timedelta(days=366), tick=False):
        call_command("groups_confirm_active", stdout=open("/dev/null", "w"))  # noqa: SIM115
        link = confirmation_link(group)
    with time_machine.travel(START + timedelta(days=366 + 91), tick=False):
        services.groups_confirm_active_run()
        group.refresh_from_db()
        assert group.hidden_at is not None
        response = client.get(link)
        assert response.status_code == 200
        group.refresh_from_db()
        assert group.hidden_at is None
        assert group.unconfirmed_since is None
        assert listed(group)
        assert selectors.group_search(selectors.GroupFilters(q="太極拳")).groups == [group]
    # A year after this confirmation, it is asked again.
    with time_machine.travel(START + timedelta(days=366 + 91 + 366), tick=False):
        assert services.groups_confirm_active_run().asked == 1


def test_a_forged_link_is_refused(client: Client) -> None:
    response = client.get(reverse("communities:confirm_active", args=["not-a-token"]))
    assert response.status_code == 400
