"""The desk's phone, address, map link and directions: reference data staff edit, shown on /desk/
and in every page's footer."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry
from manabiba.desk.models import DeskContact
from manabiba.desk.reference import desk_contact_load

pytestmark = pytest.mark.django_db


def test_the_reference_loads_the_city_main_number_once_and_never_overwrites_staff_edits() -> None:
    assert desk_contact_load().created == 1
    contact = DeskContact.objects.get()
    assert contact.phone == "042-464-1311"
    assert contact.address == ""  # no stored source gives it: staff set it
    contact.phone = "042-000-0000"
    contact.save()
    assert desk_contact_load().created == 0
    assert DeskContact.objects.get().phone == "042-000-0000"


def test_a_coordinator_sets_the_address_and_every_page_shows_it_at_once(
    client: Client, make_persona: Callable[..., User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    desk_contact_load()
    coordinator = make_persona(Role.COORDINATOR, email="coord@example.jp")
    client.force_login(coordinator)
    page = client.get(reverse("staff_desk:contact")).content.decode()
    assert "まだ設定されていないため" in page  # the missing address is flagged

    with django_capture_on_commit_callbacks(execute=True):  # the cached contact is dropped on commit
        response = client.post(
            reverse("staff_desk:contact"),
            {
                "name": "生涯学習情報総合窓口",
                "phone": "042-111-0000",
                "phone_note": "",
                "address": "西東京市南町五丁目6番13号",
                "map_url": "",
                "access": "田無駅南口から徒歩5分",
            },
        )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="desk.contact.saved", actor=coordinator).exists()

    client.logout()
    desk_page = client.get(reverse("desk:hours")).content.decode()
    assert "西東京市南町五丁目6番13号" in desk_page
    assert "田無駅南口から徒歩5分" in desk_page
    assert "https://www.openstreetmap.org/search?query=" in desk_page
    assert "<iframe" not in desk_page  # a plain link, no embedded map
    footer = client.get(reverse("consultations:ask")).content.decode().split("<footer")[1]
    assert 'href="tel:0421110000"' in footer
    assert "西東京市南町五丁目6番13号" in footer


def test_desk_staff_cannot_change_the_contact_details(client: Client, make_persona: Callable[..., User]) -> None:
    client.force_login(make_persona(Role.DESK_STAFF, email="desk@example.jp"))
    assert client.get(reverse("staff_desk:contact")).status_code == 403
    response = client.post(reverse("staff_desk:contact"), {"name": "x"})
    assert response.status_code == 403
    assert not DeskContact.objects.exists()


def test_a_blank_name_is_refused_in_the_user_language(client: Client, make_persona: Callable[..., User]) -> None:
    client.force_login(make_persona(Role.COORDINATOR, email="coord@example.jp"))
    response = client.post(reverse("staff_desk:contact"), {"name": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not DeskContact.objects.exists()
