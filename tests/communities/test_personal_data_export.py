"""A person's download holds the groups they run and follow and the messages they sent to groups."""

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services
from manabiba.communities.models import CommunityGroup, Membership

pytestmark = pytest.mark.django_db


def _write(group: CommunityGroup, sender: User, name: str, subject: str, body: str) -> None:
    services.contact_message_send(
        group=group,
        sender=sender,
        sender_name=name,
        sender_email=sender.email,
        subject=subject,
        body=body,
        client_ip="192.0.2.1",
    )


def test_the_download_holds_the_persons_groups_follows_and_messages_and_nobody_elses(
    client: Client, applicant: User, make_group: Callable[..., CommunityGroup], make_persona: Callable[..., User]
) -> None:
    other: User = make_persona(Role.RESIDENT, email="other@example.jp", full_name="他人 次郎")
    mine = make_group(owner=applicant, name="田無囲碁クラブ")
    theirs = make_group(owner=other, name="ひばりが丘合唱団")
    services.group_follow(group=theirs, actor=applicant)
    services.group_follow(group=mine, actor=other)
    _write(theirs, applicant, "申請 太郎", "見学について", "土曜に見学できますか")
    _write(mine, other, "他人 次郎", "入会について", "初心者でも入れますか")

    client.force_login(applicant)
    data = json.loads(client.get(reverse("accounts:profile_export")).content)["communities"]

    assert [(m["group"], m["role"]) for m in data["memberships"]] == [("田無囲碁クラブ", Membership.Role.OWNER)]
    assert [f["group"] for f in data["follows"]] == ["ひばりが丘合唱団"]
    assert [(m["group"], m["sender_name"], m["subject"], m["body"]) for m in data["messages"]] == [
        ("ひばりが丘合唱団", "申請 太郎", "見学について", "土曜に見学できますか")
    ]
