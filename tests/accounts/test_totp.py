import time
from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def next_code(secret: str) -> str:
    """The code the authenticator shows in the next 30-second step (accepted: clocks drift)."""
    return str(pyotp.TOTP(secret).at(time.time() + 30))


def _enable_totp(client: Client, user: User) -> str:
    client.force_login(user)
    page = client.get(reverse("accounts:totp_setup"))
    secret = "".join(page.context["secret_groups"])
    wrong = client.post(reverse("accounts:totp_setup"), {"code": "000000"})
    assert "code" in wrong.context["form"].errors
    response = client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    client.logout()
    return secret


def test_with_a_second_factor_login_asks_for_the_code(client: Client, coordinator: User) -> None:
    secret = _enable_totp(client, coordinator)
    response = client.post(reverse("accounts:login"), {"email": coordinator.email, "password": DEFAULT_PASSWORD})
    assert response["Location"].startswith(reverse("accounts:login_verify"))
    assert client.get(reverse("accounts:profile")).status_code == 302  # not logged in yet
    bad = client.post(reverse("accounts:login_verify"), {"code": "123456"})
    assert bad.status_code == 200
    # The code that turned the factor on is spent; the phone's next code lets the person in.
    good = client.post(reverse("accounts:login_verify"), {"code": next_code(secret)})
    assert good.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_code_step_cannot_be_reached_without_the_password(client: Client) -> None:
    response = client.get(reverse("accounts:login_verify"))
    assert response["Location"] == reverse("accounts:login")


def test_api_token_needs_the_code_too(client: Client, coordinator: User) -> None:
    secret = _enable_totp(client, coordinator)
    body = {"email": coordinator.email, "password": DEFAULT_PASSWORD}
    assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 401
    body["otp"] = next_code(secret)
    assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 200


def test_staff_required_to_use_a_second_factor_are_sent_to_set_it_up(client: Client, make_persona: Any) -> None:
    staff = make_persona(Role.DESK_STAFF, totp_required=True)
    client.force_login(staff)
    response = client.get(reverse("staff:dashboard"))
    assert response["Location"] == reverse("accounts:totp_setup")
    page = client.get(reverse("accounts:totp_setup"))
    secret = "".join(page.context["secret_groups"])
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(reverse("staff:dashboard")).status_code == 200
    # And a required factor cannot be switched off.
    response = client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.has_totp


def test_a_second_factor_can_be_turned_off_with_a_valid_code(client: Client, resident: User) -> None:
    secret = _enable_totp(client, resident)
    client.force_login(resident)
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    resident.refresh_from_db()
    assert not resident.has_totp


def test_the_city_can_require_a_second_factor_of_all_staff(client: Client, make_persona: Any, settings: Any) -> None:
    settings.STAFF_REQUIRE_TOTP = True
    client.force_login(make_persona(Role.COORDINATOR))
    assert client.get(reverse("staff:dashboard"))["Location"] == reverse("accounts:totp_setup")
    # Residents are not staff and are not asked.
    client.force_login(make_persona(Role.RESIDENT))
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_login_code_cannot_be_used_twice(client: Client, coordinator: User) -> None:
    secret = _enable_totp(client, coordinator)
    code = next_code(secret)
    for attempt in ("first", "replay"):
        other = Client()
        other.post(reverse("accounts:login"), {"email": coordinator.email, "password": DEFAULT_PASSWORD})
        response = other.post(reverse("accounts:login_verify"), {"code": code})
        if attempt == "first":
            assert response.status_code == 302
        else:
            assert response.status_code == 200
            assert other.get(reverse("accounts:profile")).status_code == 302
    body = {"email": coordinator.email, "password": DEFAULT_PASSWORD, "otp": code}
    assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 401
