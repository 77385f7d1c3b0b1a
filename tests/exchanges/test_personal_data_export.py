"""A person's download ("Download my data") holds what they did for their groups at exchange
meetings, and what they decided as staff, and nobody else's."""

import io
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from manabiba.accounts.models import User
from manabiba.accounts.selectors import user_export_data
from manabiba.communities.models import CommunityGroup
from manabiba.exchanges import services
from manabiba.exchanges.models import ExchangeMeeting, GroupAttendance, Presentation
from manabiba.programs.models import Program
from tests.exchanges.conftest import apply, exchange_program

pytestmark = pytest.mark.django_db


def test_the_download_holds_what_the_person_did_for_their_group_and_nobody_elses(
    client: Client,
    settings: Settings,
    tmp_path: Path,
    meeting: ExchangeMeeting,
    program: Program,
    accepted: Presentation,
    group_a: CommunityGroup,
    owner_a: User,
    group_b: CommunityGroup,
    owner_b: User,
    coordinator: User,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    services.table_apply(program=program, group=group_a, actor=owner_a, shows="読み聞かせの絵本", generations=["c"])
    services.group_attendance_register(
        program=program, group=group_a, actor=owner_a, members=6, generations=["c", "o"], consent=True
    )
    services.material_upload(presentation=accepted, actor=owner_a, title="活動スライド", file=io.BytesIO(b"%PDF-1.4 x"))
    apply(program, group_b, owner_b, title="囲碁の魅力")
    past = exchange_program(title="春の交流会", past=True, applications_open_at=None, applications_close_at=None)
    services.meeting_setup(program=past, actor=coordinator, format="meeting")
    GroupAttendance.objects.create(program=past, group=group_a, members=3)
    GroupAttendance.objects.create(program=past, group=group_b, members=4)
    services.introduction_request(
        program=past, from_group=group_a, to_group=group_b, actor=owner_a, message="また一緒に活動しませんか。"
    )

    client.force_login(owner_a)
    exported = json.loads(client.get(reverse("accounts:profile_export")).content)["exchanges"]
    [presentation] = exported["presentations"]
    assert (presentation["meeting"], presentation["group"]) == ("地域活動交流会", "子ども読書の会")
    assert (presentation["title"], presentation["status"]) == ("子ども読書の会の活動紹介", "accepted")
    assert presentation["generations"] == ["children", "seniors"]
    assert [(t["shows"], t["generations"]) for t in exported["fair_tables"]] == [("読み聞かせの絵本", ["children"])]
    assert [(a["meeting"], a["members"]) for a in exported["group_attendance"]] == [("地域活動交流会", 6)]
    assert [(m["presentation"], m["title"]) for m in exported["materials"]] == [
        ("子ども読書の会の活動紹介", "活動スライド")
    ]
    assert [(i["meeting"], i["to_group"], i["message"]) for i in exported["introduction_requests"]] == [
        ("春の交流会", "シニア囲碁クラブ", "また一緒に活動しませんか。")
    ]
    assert exported["presentations_decided"] == []
    assert "囲碁の魅力" not in json.dumps(exported, ensure_ascii=False)

    decided = user_export_data(coordinator)["exchanges"]["presentations_decided"]
    assert [(d["title"], d["status"]) for d in decided] == [("子ども読書の会の活動紹介", "accepted")]
