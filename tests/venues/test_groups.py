"""Registering a user group, duplicate detection and approval."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry
from manabiba.venues import selectors
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import UserGroup
from manabiba.venues.services import user_group_register, user_group_review
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db


def _register(actor: User, **overrides: Any) -> UserGroup:
    fields: dict[str, Any] = {
        "actor": actor,
        "name": "ひばり合唱団",
        "representative_name": "歌 好子",
        "address": "ひばりが丘一丁目2番3号",
        "phone": "042-111-2222",
        "email": "hibari@example.jp",
        "members_count": 20,
        "members_in_city": 18,
        "purpose": "合唱の練習",
        "declaration": True,
    }
    fields.update(overrides)
    return user_group_register(**fields)


def test_a_resident_registers_a_group_that_waits_for_approval(resident: User) -> None:
    group = _register(resident)
    assert (group.status, group.owner, group.phone_key) == (UserGroup.Status.PENDING, resident, "0421112222")
    assert AuditEntry.objects.filter(action="venues.group.registered", actor_id=resident.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("declaration", False),
        ("members_in_city", 21),
        ("members_count", 0),
        ("name", " "),
        ("phone", "なし"),
        ("community_group", 999999),
    ],
)
def test_bad_input_is_refused_with_nothing_written(resident: User, field: str, value: object) -> None:
    overrides = {"community_group_id" if field == "community_group" else field: value}
    with pytest.raises(ValidationError) as raised:
        _register(resident, **overrides)
    assert field in raised.value.message_dict
    assert not UserGroup.objects.exists()


@translation.override("en")
def test_another_group_with_the_same_details_is_flagged(resident: User) -> None:
    first = UserGroupFactory(
        name="ひばり合唱の会",
        representative_name="歌　好子",
        address="西東京市ひばりが丘1-2-3",
        phone="０４２（１１１）２２２２",
        email="other@example.jp",
    )
    UserGroupFactory(name="無関係の会", status=UserGroup.Status.REJECTED, email="hibari@example.jp")
    group = _register(resident)
    (duplicate,) = selectors.user_group_duplicates(group)
    assert duplicate.group == first
    assert duplicate.matches == ["same representative", "same address", "same phone"]
    assert AuditEntry.objects.get(action="venues.group.registered").data["duplicates"] == [first.pk]
    report = selectors.duplicate_report()
    assert [(row.name, [d.group.name for d in dups]) for row, dups in report] == [
        ("ひばり合唱の会", ["ひばり合唱団"]),
        ("ひばり合唱団", ["ひばり合唱の会"]),
    ]


def test_groups_with_nothing_in_common_are_not_flagged(resident: User) -> None:
    UserGroupFactory()
    assert selectors.user_group_duplicates(_register(resident)) == []


def test_staff_approve_and_the_group_is_mailed(
    resident: User,
    make_persona: Callable[..., User],
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = make_persona(Role.FACILITY_STAFF, email="staff@example.jp")
    group = _register(resident)
    with pytest.raises(PermissionDenied):
        user_group_review(actor=resident, group=group, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        user_group_review(actor=staff, group=group, approve=True)
    group.refresh_from_db()
    assert (group.status, group.reviewed_by) == (UserGroup.Status.APPROVED, staff)
    (message,) = smtp_server.to("hibari@example.jp")
    assert smtp_server.subject(message) == "施設の利用団体に登録されました：ひばり合唱団"
    with pytest.raises(ValidationError):
        user_group_review(actor=staff, group=group, approve=False, note="重複")


def test_rejecting_needs_a_reason(resident: User, coordinator: User) -> None:
    group = _register(resident)
    with pytest.raises(ValidationError):
        user_group_review(actor=coordinator, group=group, approve=False)
    user_group_review(actor=coordinator, group=group, approve=False, note="同じ団体が登録済みです")
    assert AuditEntry.objects.filter(action="venues.group.rejected", actor_id=coordinator.pk).exists()


def test_a_group_from_the_community_station_registers_under_it(resident: User) -> None:
    from manabiba.communities.models import CommunityGroup, Membership

    station = CommunityGroup.objects.create(
        name="ひばり合唱団",
        name_kana="ひばりがっしょうだん",
        kind=CommunityGroup.Kind.CULTURE,
        purpose="合唱",
        activities="練習",
        representative_name="歌 好子",
        status=CommunityGroup.Status.APPROVED,
    )
    Membership.objects.create(group=station, user=resident, role=Membership.Role.OWNER)
    assert _register(resident, community_group_id=station.pk).community_group == station
