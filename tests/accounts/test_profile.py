import json

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import ApiToken, User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.core.models import Area, AuditEntry

pytestmark = pytest.mark.django_db


def test_profile_shows_the_persons_details(client: Client, resident: User) -> None:
    client.force_login(resident)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert resident.email in page
    assert resident.full_name in page


def test_profile_edit_saves_the_fields_used_for_lottery_priority(client: Client, resident: User) -> None:
    area = Area.objects.create(name="田無町", kana="たなしちょう")
    client.force_login(resident)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "full_name": "西東 花子",
            "full_name_kana": "にしとう はなこ",
            "phone": "042-000-0000",
            "area": area.pk,
            "age_band": "70s",
            "lives_in_city": "",
            "works_in_city": "on",
            "studies_in_city": "",
            "language": "ja",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.area, resident.age_band, resident.lives_in_city, resident.works_in_city) == (
        area,
        "70s",
        False,
        True,
    )
    assert AuditEntry.objects.filter(action="accounts.profile.updated", actor=resident).exists()


def test_profile_edit_refuses_a_reading_that_is_not_kana_and_keeps_the_old_value(
    client: Client, resident: User
) -> None:
    before = resident.full_name_kana
    client.force_login(resident)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"full_name": "x", "full_name_kana": "Hanako", "age_band": "", "language": "ja"},
    )
    assert response.status_code == 200
    assert "full_name_kana" in response.context["form"].errors
    resident.refresh_from_db()
    assert resident.full_name_kana == before
    assert resident.full_name != "x"


def test_export_downloads_everything_held_about_the_person_as_json(client: Client, resident: User) -> None:
    api_token_create(user=resident, name="家計簿")
    client.force_login(resident)
    response = client.get(reverse("accounts:profile_export"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == resident.email
    assert data["account"]["full_name"] == resident.full_name
    assert data["roles"] == ["resident"]
    assert data["api_tokens"][0]["name"] == "家計簿"
    assert "digest" not in json.dumps(data)
    assert AuditEntry.objects.filter(action="accounts.personal_data.exported", actor=resident).exists()


def test_every_part_that_erases_a_persons_data_gives_it_to_them_first() -> None:
    # What deleting the account removes, the person can download before: one exporter per eraser.
    from manabiba.accounts.selectors import personal_data_exporters
    from manabiba.accounts.services import account_eraser_names

    assert set(personal_data_exporters()) == account_eraser_names()


def test_the_download_holds_the_persons_saved_searches_and_nobody_elses(
    client: Client, resident: User, make_persona: object
) -> None:
    from manabiba.alerts.models import SavedSearch

    other: User = make_persona(Role.RESIDENT, email="other@example.jp")  # type: ignore[operator]
    SavedSearch.objects.create(user=resident, name="ヨガ、田無町", query="q=ヨガ", language="ja")
    SavedSearch.objects.create(user=other, name="囲碁", query="q=囲碁", language="ja")
    client.force_login(resident)
    data = json.loads(client.get(reverse("accounts:profile_export")).content)
    assert [(s["name"], s["query"]) for s in data["alerts"]] == [("ヨガ、田無町", "q=ヨガ")]


def test_delete_needs_the_password_and_keeps_everything_when_it_is_wrong(client: Client, resident: User) -> None:
    client.force_login(resident)
    response = client.post(reverse("accounts:profile_delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    resident.refresh_from_db()
    assert resident.is_active
    assert resident.anonymised_at is None


def test_delete_anonymises_the_account_and_keeps_only_anonymous_figures(client: Client, make_persona: object) -> None:
    area = Area.objects.create(name="谷戸町")
    person: User = make_persona(  # type: ignore[operator]
        Role.TALENT, email="leaving@example.jp", full_name="去る 人", phone="090-1111-2222", area=area, age_band="60s"
    )
    api_token_create(user=person, name="x")
    client.force_login(person)
    response = client.post(reverse("accounts:profile_delete"), {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.email.endswith("@deleted.invalid")
    assert (person.full_name, person.phone, person.full_name_kana) == ("", "", "")
    assert not person.is_active
    assert not person.has_usable_password()
    assert (person.area, person.age_band, person.lives_in_city) == (area, "60s", True)
    assert not ApiToken.objects.filter(user=person).exists()
    assert not person.role_grants.exists()
    assert AuditEntry.objects.filter(action="accounts.user.deleted", target_id=str(person.pk)).exists()
    # Logged out, and the old address can neither log in nor is it taken.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not User.objects.filter(email="leaving@example.jp").exists()


def test_pages_of_my_account_need_login(client: Client) -> None:
    for name in ["profile", "profile_edit", "profile_export", "profile_delete", "totp_setup"]:
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
