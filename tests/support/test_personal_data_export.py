"""A person's download ("Download my data") holds the support requests they made, what they wrote
for their group and the case studies they agreed to, and nobody else's; staff get which entries
name them, not the city's text."""

import json
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.selectors import user_export_data
from manabiba.communities.models import CommunityGroup
from manabiba.support.models import SupportRequest
from manabiba.support.services import (
    support_case_consent,
    support_group_message,
    support_request_submit,
    support_staff_message,
)

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_persons_requests_and_nobody_elses(
    client: Client,
    ask: Callable[..., SupportRequest],
    owner: User,
    coordinator: User,
    make_group: Callable[..., CommunityGroup],
    make_persona: Callable[..., User],
) -> None:
    request = ask(contact_phone="042-111-2222")
    support_group_message(request=request, body="雨天の場合はどうなりますか", author=owner)
    support_staff_message(request=request, actor=coordinator, body="体育館を確保しました。")
    support_case_consent(request=request, actor=owner, consent=True)
    other_owner = make_persona(email="go@example.jp")
    others = make_group(owner=other_owner, name="南町囲碁クラブ")
    support_request_submit(
        actor=other_owner,
        group=others,
        title="囲碁大会",
        kinds=["venue"],
        description="会場を探しています。",
        starts_on=date(2027, 5, 1),
    )

    client.force_login(owner)
    exported = json.loads(client.get(reverse("accounts:profile_export")).content)["support"]
    [made] = exported["requests"]
    assert (made["reference"], made["group"], made["activity"]) == (
        request.reference,
        "ひばりが丘町会",
        "夏の子ども祭り",
    )
    assert made["help_needed_with"] == ["venue", "publicity", "safety"]
    assert (made["contact_name"], made["contact_email"], made["contact_phone"]) == (
        "代表 花子",
        "owner@example.jp",
        "042-111-2222",
    )
    assert [(m["request"], m["body"]) for m in exported["messages"]] == [
        (request.reference, "雨天の場合はどうなりますか")
    ]
    assert [c["reference"] for c in exported["case_study_consents"]] == [request.reference]
    assert exported["written_as_staff"] == []
    written = json.dumps(exported, ensure_ascii=False)
    assert "囲碁大会" not in written
    assert "体育館を確保しました。" not in written

    as_staff = user_export_data(coordinator)["support"]
    assert [(m["request"], m["kind"]) for m in as_staff["written_as_staff"]] == [(request.reference, "staff")]
    assert "体育館を確保しました。" not in json.dumps(as_staff, ensure_ascii=False)
    assert as_staff["requests"] == as_staff["messages"] == []
