"""Who may open a consultation: its department, its assignee, coordinators; the desk before routing;
a guest only through their own link."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation
from manabiba.consultations.permissions import (
    can_answer_consultation,
    can_route_consultation,
    can_view_consultation,
)
from manabiba.consultations.selectors import consultation_queue
from manabiba.consultations.services import consultation_assign
from manabiba.core.audit import audit_entries_for

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]


def staff_page(client: Client, user: User, consultation: Consultation) -> int:
    client.force_login(user)
    return client.get(reverse("staff_consultations:detail", args=[consultation.pk])).status_code


def test_a_staff_member_of_another_department_cannot_open_the_consultation(
    client: Client, ask: Ask, coordinator: User, sports: Department, sports_staff: User, childcare_staff: User
) -> None:
    consultation = ask()
    consultation_assign(consultation=consultation, actor=coordinator, department=sports, assignee=None)

    assert staff_page(client, childcare_staff, consultation) == 403
    assert consultation not in consultation_queue(user=childcare_staff)
    assert staff_page(client, sports_staff, consultation) == 200
    assert consultation in consultation_queue(user=sports_staff, view="department")
    assert staff_page(client, coordinator, consultation) == 200


def test_every_staff_look_is_written_to_the_audit_log(
    client: Client, ask: Ask, coordinator: User, sports_staff: User
) -> None:
    consultation = ask()
    staff_page(client, coordinator, consultation)
    [entry] = audit_entries_for(consultation).filter(action="consultations.personal_data.viewed")
    assert entry.actor == coordinator
    assert entry.data["view"] == "detail"


def test_nobody_on_the_staff_sees_a_guest_consultation_before_the_email_check(
    client: Client, ask: Ask, coordinator: User
) -> None:
    consultation = ask(confirmed=False)
    assert not can_view_consultation(coordinator, consultation)
    assert consultation not in consultation_queue(user=coordinator)
    assert staff_page(client, coordinator, consultation) == 403


def test_the_desk_keeps_reading_what_it_routed_but_no_longer_handles_it(
    client: Client, ask: Ask, coordinator: User, desk_staff: User, sports: Department
) -> None:
    consultation = ask()
    assert can_answer_consultation(desk_staff, consultation)
    consultation_assign(consultation=consultation, actor=desk_staff, department=sports, assignee=None)

    assert can_view_consultation(desk_staff, consultation)
    assert not can_answer_consultation(desk_staff, consultation)
    assert not can_route_consultation(desk_staff, consultation)
    assert staff_page(client, desk_staff, consultation) == 200
    assert consultation in consultation_queue(user=desk_staff, view="routed")
    assert consultation in consultation_queue(user=desk_staff, view="all")
    assert can_view_consultation(coordinator, consultation)


def test_another_desk_member_does_not_see_what_a_colleague_routed(
    make_persona: Callable[..., User], ask: Ask, desk_staff: User, sports: Department
) -> None:
    consultation = ask()
    colleague = make_persona(Role.DESK_STAFF, email="desk2@example.jp")
    consultation_assign(consultation=consultation, actor=desk_staff, department=sports, assignee=None)
    assert not can_view_consultation(colleague, consultation)
    assert consultation not in consultation_queue(user=colleague, view="routed")


def test_an_assignee_from_elsewhere_sees_what_is_assigned_to_them(
    ask: Ask, coordinator: User, childcare_staff: User
) -> None:
    consultation = ask()
    consultation_assign(consultation=consultation, actor=coordinator, department=None, assignee=childcare_staff)
    assert can_view_consultation(childcare_staff, consultation)


def test_residents_have_no_staff_access(client: Client, ask: Ask, resident: User) -> None:
    assert staff_page(client, resident, ask()) == 403
    assert client.get(reverse("staff_consultations:queue")).status_code == 403


def test_a_guest_link_opens_its_consultation_and_no_other(client: Client, ask: Ask) -> None:
    mine, theirs = ask(), ask(email="someone@example.jp", body="他人の相談内容です")
    page = client.get(reverse("consultations:thread", args=[mine.access_token]))
    assert page.status_code == 200
    assert mine.reference in page.content.decode()
    assert "他人の相談内容です" not in page.content.decode()
    # The link is the whole key: neither the other's reference, a prefix, nor a changed token opens anything.
    changed = mine.access_token[:-1] + ("B" if mine.access_token.endswith("A") else "A")
    for token in (theirs.reference, mine.access_token[:-1], changed, mine.reply_token):
        assert client.get(reverse("consultations:thread", args=[token])).status_code == 404
    assert client.get(reverse("consultations:detail", args=[theirs.reference])).status_code == 302  # to login


def test_a_signed_in_resident_opens_their_own_consultations_only(client: Client, ask: Ask, resident: User) -> None:
    theirs = ask()
    client.force_login(resident)
    assert client.get(reverse("consultations:detail", args=[theirs.reference])).status_code == 404


def test_a_guest_link_never_shows_internal_notes(client: Client, ask: Ask, coordinator: User) -> None:
    from manabiba.consultations.services import consultation_note_add

    consultation = ask()
    consultation_note_add(consultation=consultation, actor=coordinator, body="内部だけのメモ")
    consultation_assign(consultation=consultation, actor=coordinator, department=None, assignee=coordinator)
    page = client.get(reverse("consultations:thread", args=[consultation.access_token])).content.decode()
    assert "内部だけのメモ" not in page
    assert coordinator.full_name not in page
