"""The Django admin has no door of its own: the site's login, its throttle and second factor guard it."""

from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from tests.accounts.test_totp import _enable_totp, next_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def administrator(make_persona: Any) -> User:
    return make_persona(Role.ADMINISTRATOR, email="administrator@example.jp")


def _is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_form_does_not_sign_in_and_sends_to_the_site_login(client: Client, administrator: User) -> None:
    response = client.post(
        "/admin/login/?next=/admin/", {"username": administrator.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/admin/" in response["Location"]
    assert not _is_signed_in(client)
    assert client.get("/staff/people/").status_code == 302


def test_admin_password_without_the_code_opens_neither_admin_nor_staff_pages(
    client: Client, administrator: User
) -> None:
    secret = _enable_totp(client, administrator)

    client.post("/admin/login/", {"username": administrator.email, "password": DEFAULT_PASSWORD})
    step = client.post(reverse("accounts:login"), {"email": administrator.email, "password": DEFAULT_PASSWORD})

    assert step["Location"].startswith(reverse("accounts:login_verify"))
    assert not _is_signed_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get("/staff/people/").status_code == 302

    client.post(reverse("accounts:login_verify"), {"code": next_code(secret)})
    assert client.get("/admin/").status_code == 200


def test_a_locked_account_cannot_be_opened_through_the_admin_door(client: Client, administrator: User) -> None:
    for _attempt in range(10):
        client.post(reverse("accounts:login"), {"email": administrator.email, "password": "wrong password"})

    client.post("/admin/login/", {"username": administrator.email, "password": DEFAULT_PASSWORD})
    locked = client.post(reverse("accounts:login"), {"email": administrator.email, "password": DEFAULT_PASSWORD})

    assert locked.status_code == 200
    assert not _is_signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_a_session_from_before_the_second_factor_must_log_in_again_for_the_admin(
    client: Client, administrator: User
) -> None:
    client.post(reverse("accounts:login"), {"email": administrator.email, "password": DEFAULT_PASSWORD})
    assert client.get("/admin/").status_code == 200
    # The second factor is turned on from another device: this session never gave a code.
    administrator.totp_secret = pyotp.random_base32()
    administrator.totp_confirmed_at = timezone.now()
    administrator.save(update_fields=["totp_secret", "totp_confirmed_at"])

    to_login = client.get("/admin/", follow=True)

    assert to_login.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert not _is_signed_in(client)


def test_an_administrator_required_to_use_a_second_factor_is_sent_to_set_it_up(
    client: Client, administrator: User, settings: Any
) -> None:
    settings.STAFF_REQUIRE_TOTP = True
    client.post(reverse("accounts:login"), {"email": administrator.email, "password": DEFAULT_PASSWORD})

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:totp_setup")


def test_signed_in_people_who_are_not_administrators_are_refused(client: Client, coordinator: User) -> None:
    client.post(reverse("accounts:login"), {"email": coordinator.email, "password": DEFAULT_PASSWORD})

    assert client.get("/admin/", follow=True).status_code == 403
