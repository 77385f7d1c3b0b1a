"""Liaison meetings: the coordinator records them and assigns action items; owners close theirs."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.services import department_contact_save
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.liaison.models import ActionItem, LiaisonMeeting
from manabiba.liaison.services import action_item_assign, action_item_close, action_item_reopen, meeting_record
from tests.workspace.conftest import Office, cards_on, rows_behind

pytestmark = pytest.mark.django_db


def _meeting(office: Office) -> LiaisonMeeting:
    return meeting_record(
        actor=office.coordinator,
        title="第3回 庁内連絡会議",
        held_on=timezone.localdate() - timedelta(days=7),
        departments=[office.sports, office.childcare],
        minutes="子育て行事の日程が重なる件を協議。",
    )


def test_only_the_coordinator_records_meetings_and_assigns_items(office: Office) -> None:
    with pytest.raises(PermissionDenied):
        meeting_record(actor=office.sports_staff, title="x", held_on=timezone.localdate(), departments=[])
    meeting = _meeting(office)
    assert set(meeting.departments.all()) == {office.sports, office.childcare}
    with pytest.raises(PermissionDenied):
        action_item_assign(
            meeting=meeting, actor=office.sports_staff, title="x", owner=office.sports, due_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        action_item_assign(
            meeting=meeting,
            actor=office.coordinator,
            title="日付が会議より前",
            owner=office.sports,
            due_on=meeting.held_on - timedelta(days=1),
        )
    assert AuditEntry.objects.filter(action="liaison.meeting.recorded", actor=office.coordinator).exists()


def test_an_assigned_item_is_mailed_to_the_owner_departments_contacts(office: Office, make_persona: Any) -> None:
    department_contact_save(department=office.childcare, actor=office.coordinator, user=office.childcare_staff)
    office.childcare_staff.language = "en"
    office.childcare_staff.save()
    meeting = _meeting(office)
    OutboxMessage.objects.all().delete()
    item = action_item_assign(
        meeting=meeting,
        actor=office.coordinator,
        title="夏休み行事の日程を調整する",
        owner=office.childcare,
        due_on=timezone.localdate() + timedelta(days=14),
    )
    [mail] = OutboxMessage.objects.all()
    assert mail.to == office.childcare_staff.email
    assert mail.language == "en"
    assert "夏休み行事の日程を調整する" in mail.subject
    assert reverse("staff_liaison:action", args=[item.pk]) in mail.body
    assert AuditEntry.objects.filter(action="liaison.action.assigned", target_id=str(item.pk)).exists()


def test_the_owner_closes_its_own_items_only_and_the_coordinator_any(office: Office) -> None:
    meeting = _meeting(office)
    due = timezone.localdate() + timedelta(days=3)
    sports_item = action_item_assign(
        meeting=meeting, actor=office.coordinator, title="A", owner=office.sports, due_on=due
    )
    childcare_item = action_item_assign(
        meeting=meeting, actor=office.coordinator, title="B", owner=office.childcare, due_on=due
    )
    with pytest.raises(PermissionDenied):
        action_item_close(item=childcare_item, actor=office.sports_staff, note="済み")
    with pytest.raises(PermissionDenied):
        action_item_close(item=sports_item, actor=office.desk, note="済み")
    with pytest.raises(ValidationError):
        action_item_close(item=sports_item, actor=office.sports_staff, note=" ")
    closed = action_item_close(item=sports_item, actor=office.sports_staff, note="会場を変更しました。")
    assert closed.status == ActionItem.Status.DONE
    assert closed.done_by == office.sports_staff
    with pytest.raises(ValidationError):
        action_item_close(item=sports_item, actor=office.sports_staff, note="もう一度")
    action_item_close(item=childcare_item, actor=office.coordinator, note="代わりに記録")
    with pytest.raises(PermissionDenied):
        action_item_reopen(item=closed, actor=office.sports_staff, reason="")
    reopened = action_item_reopen(item=closed, actor=office.coordinator, reason="未完了だった")
    assert reopened.status == ActionItem.Status.OPEN
    assert reopened.done_at is None


def test_an_open_item_stays_on_the_owners_workspace_until_done(client: Client, office: Office) -> None:
    meeting = _meeting(office)
    item = action_item_assign(
        meeting=meeting,
        actor=office.coordinator,
        title="期限切れの件",
        owner=office.sports,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    action_item_assign(
        meeting=meeting,
        actor=office.coordinator,
        title="まだ先の件",
        owner=office.sports,
        due_on=timezone.localdate() + timedelta(days=10),
    )
    client.force_login(office.sports_staff)
    cards = cards_on(client)
    assert cards["liaison.actions_open"].count == 2
    assert cards["liaison.actions_overdue"].count == 1
    assert cards["liaison.actions_overdue"].severity == "overdue"
    for key in ("liaison.actions_open", "liaison.actions_overdue"):
        assert rows_behind(client, cards[key].url) == cards[key].count
    # The other department has nothing of its own to do.
    client.force_login(office.childcare_staff)
    assert cards_on(client)["liaison.actions_open"].count == 0
    # Closed through the page: gone from the owner's open count.
    client.force_login(office.sports_staff)
    response = client.post(reverse("staff_liaison:action", args=[item.pk]), {"action": "close", "note": "対応済み"})
    assert response.status_code == 302
    cards = cards_on(client)
    assert cards["liaison.actions_open"].count == 1
    assert cards["liaison.actions_overdue"].count == 0


def test_the_desk_and_residents_see_no_liaison_cards_or_pages(client: Client, office: Office, resident: Any) -> None:
    _meeting(office)
    client.force_login(office.desk)
    assert not [key for key in cards_on(client) if key.startswith("liaison.")]
    assert client.get(reverse("staff_liaison:meetings")).status_code == 403
    client.force_login(resident)
    assert client.get(reverse("staff_liaison:actions")).status_code in {302, 403}


def test_a_department_cannot_close_anothers_item_through_the_page(client: Client, office: Office) -> None:
    meeting = _meeting(office)
    item = action_item_assign(
        meeting=meeting, actor=office.coordinator, title="B", owner=office.childcare, due_on=timezone.localdate()
    )
    client.force_login(office.sports_staff)
    page = client.get(reverse("staff_liaison:action", args=[item.pk])).content.decode()
    assert 'name="note"' not in page
    assert client.post(reverse("staff_liaison:action", args=[item.pk]), {"note": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


def test_the_coordinator_records_a_meeting_and_adds_an_item_through_the_pages(client: Client, office: Office) -> None:
    client.force_login(office.coordinator)
    response = client.post(
        reverse("staff_liaison:meeting_new"),
        {
            "title": "第4回 庁内連絡会議",
            "held_on": timezone.localdate().isoformat(),
            "departments": [office.sports.pk, office.childcare.pk],
            "minutes": "議事録",
        },
    )
    assert response.status_code == 302
    meeting = LiaisonMeeting.objects.get(title="第4回 庁内連絡会議")
    url = reverse("staff_liaison:meeting", args=[meeting.pk])
    response = client.post(url, {"title": "", "owner": office.sports.pk, "due_on": ""})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "広報の一本化",
            "owner": office.sports.pk,
            "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert meeting.action_items.get().owner == office.sports
    # Department staff read the meeting but cannot add to it.
    client.force_login(office.sports_staff)
    assert "広報の一本化" in client.get(url).content.decode()
    assert client.post(url, {"title": "x", "owner": office.sports.pk, "due_on": "2030-01-01"}).status_code == 403
    assert client.get(reverse("staff_liaison:meeting_new")).status_code == 403
