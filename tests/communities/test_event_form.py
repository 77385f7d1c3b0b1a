"""A group's event form: a paid event says how much, and an announced event is in the organiser's own lists."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from manabiba.accounts.roles import Role
from manabiba.communities import services
from manabiba.communities.models import CommunityGroup
from manabiba.programs.models import Program

pytestmark = pytest.mark.django_db


def event_post(**overrides: str) -> dict[str, str]:
    data = {
        "title": "体験会",
        "starts_at": "2099-05-01T10:00",
        "ends_at": "2099-05-01T12:00",
        "venue_name": "田無公民館",
        "fee": "free",
        "application": "site",
    }
    data.update(overrides)
    return data


def test_a_paid_event_needs_its_amount(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group()
    client.force_login(group.memberships.get().user)
    url = reverse("communities:event_new", args=[group.pk])

    with translation.override("ja"):
        refused = client.post(url, event_post(fee="paid"), HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "data-error-summary" in page
    assert 'href="#id_fee_amount"' in page
    assert not Program.objects.filter(title="体験会").exists()

    assert client.post(url, event_post(fee="paid", fee_amount="500")).status_code == 302
    program = Program.objects.get(title="体験会")
    assert (program.fee, program.fee_amount) == (Program.Fee.PAID, 500)


def test_the_service_refuses_a_paid_event_without_an_amount(make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group()
    starts = timezone.now() + timezone.timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        services.group_event_create(
            group=group,
            actor=group.memberships.get().user,
            sessions=[services.event_session(starts, None)],
            title="有料の会",
            fee=Program.Fee.PAID,
        )
    assert "fee_amount" in refused.value.message_dict
    assert not Program.objects.filter(title="有料の会").exists()


@pytest.mark.parametrize("moderated", [False, True], ids=["published", "waiting"])
def test_an_announced_event_is_in_the_organisers_own_lists(
    client: Client, make_group: Callable[..., CommunityGroup], moderated: bool
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    # Approving the group made its owner a group organiser, with the staff programme pages.
    assert Role.GROUP_ORGANISER in owner.role_set
    client.force_login(owner)
    with override_settings(COMMUNITIES_POSTS_NEED_MODERATION=moderated):
        response = client.post(reverse("communities:event_new", args=[group.pk]), event_post(title="春の体験会"))
    assert response.status_code == 302
    program = Program.objects.get(title="春の体験会")

    manage = client.get(reverse("communities:manage", args=[group.pk])).content.decode()
    assert "春の体験会" in manage
    assert ("waiting for the coordinator" in manage) is moderated

    staff_list = client.get("/staff/programs/")
    assert staff_list.status_code == 200
    assert "春の体験会" in staff_list.content.decode()
    assert client.get(f"/staff/programs/{program.pk}/").status_code == 200


def test_the_group_page_gives_members_and_founding_year_with_their_units(
    client: Client, make_group: Callable[..., CommunityGroup]
) -> None:
    group = make_group()
    CommunityGroup.objects.filter(pk=group.pk).update(members_count=24, members_in_city=20, founded_year=2011)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get(reverse("communities:detail", args=[group.pk])).content.decode()

    assert "24人（うち市内在住20人）" in html
    assert "2011年" in html


def test_a_group_writes_a_summary_in_easy_japanese(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group()
    client.force_login(group.memberships.get().user)
    url = reverse("communities:event_new", args=[group.pk])

    form = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'name="easy_summary"' in form
    assert 'id="id_easy_summary_helptext"' in form
    assert client.post(url, event_post(easy_summary="いっしょに歌を歌います。")).status_code == 302
    assert Program.objects.get(title="体験会").easy_summary == "いっしょに歌を歌います。"
