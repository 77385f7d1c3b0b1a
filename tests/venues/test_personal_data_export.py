"""A person's download holds their user groups with what the groups booked, and their offers to help schools."""

import json
from collections.abc import Callable, Iterator
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.selectors import user_export_data
from manabiba.facilities.factories import FacilityFactory
from manabiba.facilities.models import Facility
from manabiba.venues import school_services, services
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import SchoolProject, UserGroup
from tests.venues.conftest import NOW, SATURDAY, Place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_download_holds_the_persons_groups_bookings_and_entries_and_nobody_elses(
    client: Client, place: Place, group: UserGroup, group_owner: User
) -> None:
    rival: UserGroup = UserGroupFactory(name="ひばり合唱団", email="hibari@example.jp")
    services.booking_create(
        actor=group_owner,
        group=group,
        room=place.room,
        day=SATURDAY,
        frame=place.evening,
        purpose="郷土史の勉強会",
        attendees=12,
        now=NOW,
    )
    services.booking_create(
        actor=rival.owner,
        group=rival,
        room=place.room,
        day=SATURDAY,
        frame=place.morning,
        purpose="合唱の練習",
        attendees=20,
        now=NOW,
    )
    round_ = services.round_open(facility=place.facility, month=date(2027, 2, 1), now=NOW)
    wish = services.WishIn(room=place.small_room, day=date(2027, 2, 6), frame=place.afternoon)
    services.lottery_enter(
        actor=group_owner, round_=round_, group=group, wishes=[wish], purpose="古文書を読む会", attendees=8, now=NOW
    )
    services.room_follow(actor=group_owner, group=group, room=place.small_room)

    client.force_login(group_owner)
    data = json.loads(client.get(reverse("accounts:profile_export")).content)["venues"]

    [registered] = data["groups"]
    assert (registered["name"], registered["representative_name"], registered["email"]) == (
        "西東京郷土史の会",
        "代表 花子",
        "circle@example.jp",
    )
    assert "email_key" not in registered
    assert [(b["group"], b["room"], b["day"], b["purpose"]) for b in data["bookings"]] == [
        ("西東京郷土史の会", "テスト公民館 講座室", "2026-12-12", "郷土史の勉強会")
    ]
    [entry] = data["lottery_entries"]
    assert (entry["purpose"], [(w["room"], w["day"]) for w in entry["wishes"]]) == (
        "古文書を読む会",
        [("テスト公民館 和室", "2027-02-06")],
    )
    assert [f["room"] for f in data["room_follows"]] == ["テスト公民館 和室"]


def test_the_download_holds_the_persons_offers_to_help_a_school_and_nobody_elses(
    make_persona: Callable[..., User], resident: User
) -> None:
    staff = make_persona(Role.FACILITY_STAFF, email="keyaki@example.jp", full_name="教頭 一郎")
    school = FacilityFactory(name="けやき小学校", kind=Facility.Kind.SCHOOL_ELEMENTARY)
    school.staff.add(staff)
    project = school_services.school_project_create(
        actor=staff,
        school=school,
        kind=SchoolProject.Kind.VOLUNTEERS,
        title="朝の読み聞かせボランティア",
        description="朝の15分、低学年の教室で絵本を読みます。",
        first_day=date(2027, 1, 13),
        last_day=date(2027, 3, 17),
        schedule="毎週水曜 8:30–8:45",
        audience="1〜3年生",
        helpers_needed=3,
    )
    other = make_persona(Role.RESIDENT, email="other@example.jp")
    school_services.project_volunteer_offer(
        actor=resident, project=project, name="市民 花子", phone="090-1111-2222", message="絵本を読めます"
    )
    school_services.project_volunteer_offer(actor=other, project=project, name="他人 次郎", message="手伝えます")

    offers = user_export_data(resident)["venues_schools"]

    assert [(o["project"], o["school"], o["name"], o["phone"], o["message"], o["status"]) for o in offers] == [
        ("朝の読み聞かせボランティア", "けやき小学校", "市民 花子", "090-1111-2222", "絵本を読めます", "offered")
    ]
