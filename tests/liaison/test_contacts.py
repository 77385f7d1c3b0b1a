"""Department contacts: who names them, the directory, routing mail to them, erasure with the account."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import DepartmentContact
from manabiba.accounts.roles import Role
from manabiba.accounts.selectors import department_addresses, department_contacts
from manabiba.accounts.services import department_contact_remove, department_contact_save, user_delete
from manabiba.consultations.models import Consultation
from manabiba.consultations.services import consultation_assign
from manabiba.core.models import AuditEntry, OutboxMessage
from tests.workspace.conftest import Office, build_work

pytestmark = pytest.mark.django_db


def test_a_department_names_its_own_contacts_and_the_coordinator_any_departments(office: Office) -> None:
    mine = department_contact_save(
        department=office.sports,
        actor=office.sports_staff,
        user=office.sports_staff,
        role_note="地域施策担当",
        extension="2345",
    )
    assert list(department_contacts(office.sports)) == [mine]
    assert mine.display_name == office.sports_staff.full_name
    assert AuditEntry.objects.filter(action="accounts.department_contact.added", actor=office.sports_staff).exists()
    with pytest.raises(PermissionDenied):
        department_contact_save(department=office.childcare, actor=office.sports_staff, name="よその人")
    with pytest.raises(PermissionDenied):
        department_contact_save(department=office.sports, actor=office.childcare_staff, contact=mine, name="書き換え")
    theirs = department_contact_save(
        department=office.childcare, actor=office.coordinator, name="子育て 係長", phone="042-1"
    )
    department_contact_save(
        department=office.childcare, actor=office.childcare_staff, contact=theirs, name="子育て 課長", phone="042-2"
    )
    theirs.refresh_from_db()
    assert theirs.name == "子育て 課長"
    with pytest.raises(PermissionDenied):
        department_contact_remove(contact=theirs, actor=office.desk)
    department_contact_remove(contact=theirs, actor=office.coordinator)
    assert not DepartmentContact.objects.filter(pk=theirs.pk).exists()


def test_a_contact_needs_a_name_or_an_account_and_is_named_once(office: Office) -> None:
    with pytest.raises(ValidationError):
        department_contact_save(department=office.sports, actor=office.coordinator, name="  ")
    department_contact_save(department=office.sports, actor=office.coordinator, user=office.sports_staff)
    with pytest.raises(ValidationError):
        department_contact_save(department=office.sports, actor=office.coordinator, user=office.sports_staff)


@pytest.mark.parametrize(
    ("who", "sees", "edits_sports", "edits_childcare"),
    [
        ("coordinator", True, True, True),
        ("sports_staff", True, True, False),
        ("desk", True, False, False),
    ],
)
def test_the_directory_per_role(
    client: Client, office: Office, who: str, sees: bool, edits_sports: bool, edits_childcare: bool
) -> None:
    department_contact_save(department=office.sports, actor=office.coordinator, name="スポーツ 担当", phone="042-9")
    client.force_login(getattr(office, who))
    response = client.get(reverse("staff_liaison:directory"))
    assert (response.status_code == 200) == sees
    page = response.content.decode()
    assert "スポーツ 担当" in page
    assert (reverse("staff_liaison:contact_new", args=[office.sports.pk]) in page) == edits_sports
    assert (reverse("staff_liaison:contact_new", args=[office.childcare.pk]) in page) == edits_childcare
    expected = 200 if edits_childcare else 403
    assert client.get(reverse("staff_liaison:contact_new", args=[office.childcare.pk])).status_code == expected


def test_residents_cannot_see_the_directory(client: Client, resident: Any) -> None:
    client.force_login(resident)
    assert client.get(reverse("staff_liaison:directory")).status_code in {302, 403}


def test_the_department_adds_a_contact_through_the_form(client: Client, office: Office) -> None:
    client.force_login(office.sports_staff)
    url = reverse("staff_liaison:contact_new", args=[office.sports.pk])
    response = client.post(url, {"user": "", "name": "", "sort_order": "0"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    response = client.post(
        url,
        {
            "user": str(office.sports_staff.pk),
            "name": "",
            "role_note": "地域施策",
            "extension": "123",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302
    [contact] = department_contacts(office.sports)
    assert contact.user == office.sports_staff
    assert contact.extension == "123"


def test_a_consultation_routed_with_nobody_named_is_mailed_to_the_departments_contacts(
    make_persona: Any, office: Office
) -> None:
    colleague = make_persona(Role.DEPARTMENT_STAFF, email="sports2@example.jp", department=office.sports, language="en")
    department_contact_save(department=office.sports, actor=office.coordinator, user=colleague)
    department_contact_save(
        department=office.sports, actor=office.coordinator, name="課の共用", email="sports-office@example.jp"
    )
    build_work(office, 1)
    consultation = Consultation.objects.filter(department=office.sports, assignee=None).first()
    assert consultation is not None
    Consultation.objects.filter(pk=consultation.pk).update(department=None)
    consultation.refresh_from_db()
    OutboxMessage.objects.all().delete()
    consultation_assign(consultation=consultation, actor=office.desk, department=office.sports, assignee=None)
    mailed = {m.to: m.language for m in OutboxMessage.objects.all()}
    # The named contacts, each in their language; not the department's other staff, who are not named.
    assert mailed == {colleague.email: "en", "sports-office@example.jp": "ja"}


def test_a_department_with_no_contacts_falls_back_to_its_staff(office: Office) -> None:
    assert [a.email for a in department_addresses(office.sports)] == [office.sports_staff.email]
    assert department_addresses(office.sports, exclude=office.sports_staff) == []


def test_a_deleted_account_is_no_longer_a_contact(office: Office) -> None:
    contact = department_contact_save(department=office.sports, actor=office.coordinator, user=office.sports_staff)
    user_delete(user=office.sports_staff, actor=office.sports_staff)
    assert not DepartmentContact.objects.filter(pk=contact.pk).exists()
    assert department_addresses(office.sports) == []


def test_a_persons_export_says_where_they_are_named_as_a_contact(office: Office) -> None:
    from manabiba.accounts.selectors import user_export_data

    department_contact_save(
        department=office.sports, actor=office.coordinator, user=office.sports_staff, extension="2345"
    )
    [named] = user_export_data(office.sports_staff)["accounts.department_contacts"]
    assert named["department"] == "スポーツ振興課"
    assert named["extension"] == "2345"
