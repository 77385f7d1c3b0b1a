"""Following a group and the weekly digest, with its one-click unsubscribe."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.communities import services
from manabiba.communities.models import CommunityGroup, Follow
from manabiba.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def digests(user: User) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=user.email, body__contains="/unsubscribe/communities.digest/"))


def test_weekly_digest_lists_new_posts_and_events_once_and_unsubscribes_in_one_click(
    make_group: Callable[..., CommunityGroup], resident: User, client: Client
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    services.group_follow(group=group, actor=resident)
    services.group_follow(group=group, actor=resident)  # twice is once
    assert Follow.objects.filter(user=resident).count() == 1
    services.post_create(group=group, actor=owner, kind="recruitment", title="新会員募集のお知らせ", body="歓迎")
    starts = timezone.now() + timedelta(days=5)
    services.group_event_create(
        group=group,
        actor=owner,
        sessions=[services.event_session(starts, None)],
        title="秋の体験会",
        venue_name="公民館",
    )
    later = timezone.now() + timedelta(minutes=1)
    assert services.digest_send(now=later) == 1
    [mail] = digests(resident)
    assert "新会員募集のお知らせ" in mail.body
    assert "秋の体験会" in mail.body
    # Nothing new: no mail next week.
    call_command("groups_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(digests(resident)) == 1
    path = mail.body[mail.body.index("/unsubscribe/communities.digest/") :].split()[0]
    assert mail.list_unsubscribe.endswith(path)
    # Opening the link only asks (mail scanners open links); the button stops the digests.
    response = client.get(path)
    assert response.status_code == 200
    assert Follow.objects.get(user=resident).digest
    assert 'name="List-Unsubscribe"' in response.content.decode()
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Follow.objects.get(user=resident).digest
    services.post_create(group=group, actor=owner, title="活動報告", body="…")
    assert services.digest_send(now=timezone.now() + timedelta(minutes=2)) == 0


def test_unfollow(make_group: Callable[..., CommunityGroup], resident: User) -> None:
    group = make_group()
    services.group_follow(group=group, actor=resident)
    services.group_unfollow(group=group, actor=resident)
    assert not Follow.objects.exists()


def test_bad_unsubscribe_link(client: Client) -> None:
    assert client.get("/unsubscribe/communities.digest/nonsense/").status_code == 400
    assert client.post("/unsubscribe/communities.digest/nonsense/").status_code == 400
    assert client.get("/unsubscribe/no.such-list/nonsense/").status_code == 400


def test_links_of_digests_mailed_before_the_move_still_work(
    make_group: Callable[..., CommunityGroup], resident: User, client: Client
) -> None:
    """Digests mailed before the page moved to core link to /groups/unsubscribe/<token>/, signed the same way."""
    follow = services.group_follow(group=make_group(), actor=resident)
    token = signing.dumps({"user": resident.pk}, salt=services.UNSUBSCRIBE_SALT)
    assert client.get(f"/groups/unsubscribe/{token}/").status_code == 200
    assert client.post(f"/groups/unsubscribe/{token}/").status_code == 200
    follow.refresh_from_db()
    assert not follow.digest
