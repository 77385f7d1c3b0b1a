from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.core.audit import audit_log
from manabiba.core.models import AuditEntry
from manabiba.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_looking_at_people_is_logged(client: Client, make_persona: Any) -> None:
    desk = make_persona(Role.DESK_STAFF)
    someone = make_persona(Role.RESIDENT, full_name="相談 太郎", email="taro@example.jp")
    client.force_login(desk)
    page = client.get(reverse("staff:people"), {"q": "相談"}).content.decode()
    assert "taro@example.jp" in page
    assert AuditEntry.objects.filter(action="accounts.personal_data.viewed", actor=desk, data__query="相談").exists()
    detail = client.get(reverse("staff:person", args=[someone.pk]))
    assert detail.status_code == 200
    assert AuditEntry.objects.filter(
        action="accounts.personal_data.viewed", actor=desk, target_id=str(someone.pk)
    ).exists()
    # Desk staff may look, not change roles.
    assert (
        client.post(reverse("staff:person_role", args=[someone.pk]), {"role": "talent", "action": "grant"}).status_code
        == 403
    )


def test_the_people_list_has_a_fixed_number_of_queries(
    client: Client, make_persona: Any, django_assert_max_num_queries: Any
) -> None:
    coordinator = make_persona(Role.COORDINATOR)
    for n in range(15):
        make_persona(Role.TALENT, email=f"t{n}@example.jp")
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("staff:people")).status_code == 200


def test_coordinator_grants_and_removes_roles_and_sets_the_department(client: Client, make_persona: Any) -> None:
    coordinator = make_persona(Role.COORDINATOR)
    person = make_persona(Role.RESIDENT, email="new.staff@example.jp")
    department = Department.objects.create(name="社会教育課", division="教育部")
    client.force_login(coordinator)
    client.post(reverse("staff:person_role", args=[person.pk]), {"role": "department_staff", "action": "grant"})
    client.post(
        reverse("staff:person_settings", args=[person.pk]), {"department": department.pk, "totp_required": "on"}
    )
    person = User.objects.get(pk=person.pk)
    assert Role.DEPARTMENT_STAFF in person.role_set
    assert person.department == department
    assert person.totp_required
    assert AuditEntry.objects.filter(action="accounts.role.granted", actor=coordinator).exists()
    client.post(reverse("staff:person_role", args=[person.pk]), {"role": "department_staff", "action": "revoke"})
    assert Role.DEPARTMENT_STAFF not in User.objects.get(pk=person.pk).role_set
    assert AuditEntry.objects.filter(action="accounts.role.revoked", actor=coordinator).exists()


def test_only_an_administrator_can_make_an_administrator(client: Client, make_persona: Any) -> None:
    coordinator = make_persona(Role.COORDINATOR)
    person = make_persona(Role.RESIDENT, email="p@example.jp")
    client.force_login(coordinator)
    response = client.post(
        reverse("staff:person_role", args=[person.pk]), {"role": "administrator", "action": "grant"}, follow=True
    )
    assert response.status_code == 200
    assert not User.objects.get(pk=person.pk).is_superuser
    admin = make_persona(Role.ADMINISTRATOR, email="admin@example.jp")
    client.force_login(admin)
    client.post(reverse("staff:person_role", args=[person.pk]), {"role": "administrator", "action": "grant"})
    assert User.objects.get(pk=person.pk).is_superuser


def test_departments_are_added_as_data(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("staff:departments"),
        {"name": "スポーツ振興課", "division": "生活文化スポーツ部", "name_en": "", "phone": ""},
    )
    assert response.status_code == 302
    assert "スポーツ振興課" in client.get(reverse("staff:departments")).content.decode()
    duplicate = client.post(
        reverse("staff:departments"), {"name": "スポーツ振興課", "division": "", "name_en": "", "phone": ""}
    )
    assert duplicate.status_code == 200
    assert "name" in duplicate.context["form"].errors
    assert Department.objects.filter(name="スポーツ振興課").count() == 1


def test_the_audit_log_page_filters_by_action(client: Client, coordinator: User) -> None:
    AuditEntry.objects.create(action="accounts.role.granted")
    AuditEntry.objects.create(action="core.something.else")
    client.force_login(coordinator)
    page = client.get(reverse("staff:audit"), {"action": "accounts."}).content.decode()
    assert "accounts.role.granted" in page
    assert "core.something.else" not in page


def test_the_audit_log_says_what_happened_in_words_and_links_the_object(client: Client, coordinator: User) -> None:
    program = ProgramFactory(title="朝のヨガ")
    audit_log(action="programs.program.published", actor=coordinator, target=program)
    client.force_login(coordinator)
    with translation.override("ja"):
        page = client.get(reverse("staff:audit"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "講座・イベントを公開" in page
    assert '<code class="audit-log__code">programs.program.published</code>' in page
    assert f'<a href="/staff/programs/{program.pk}/">講座・イベント：朝のヨガ</a>' in page
    assert "programs.program " + str(program.pk) not in page
