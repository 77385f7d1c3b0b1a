import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _login(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


def test_login_by_email_then_logout(client: Client, resident: User) -> None:
    response = _login(client, resident.email.upper(), DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.user.logged_in", actor=resident).exists()
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_password_gets_a_clear_message(client: Client, resident: User) -> None:
    response = _login(client, resident.email, "wrong password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(client: Client, resident: User) -> None:
    url = reverse("accounts:login")
    ok = client.post(f"{url}?next=/accounts/profile/edit/", {"email": resident.email, "password": DEFAULT_PASSWORD})
    assert ok["Location"] == "/accounts/profile/edit/"
    client.post(reverse("accounts:logout"))
    evil = client.post(url, {"email": resident.email, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"})
    assert evil["Location"] == reverse("accounts:profile")


def test_repeated_failures_lock_the_address_even_with_the_right_password_then_unlock(
    client: Client, resident: User, settings: SettingsWrapper
) -> None:
    settings.LOGIN_FAILURES_BEFORE_LOCKOUT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900
    for _attempt in range(3):
        _login(client, resident.email, "guess")
    response = _login(client, resident.email, DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert "15" in str(response.context["form"].non_field_errors())
    assert AuditEntry.objects.filter(action="accounts.login.locked").count() == 1
    # Another address is not affected.
    other = User.objects.create_user("other@example.jp", DEFAULT_PASSWORD)
    assert _login(client, other.email, DEFAULT_PASSWORD).status_code == 302


def test_lockout_expires(client: Client, resident: User, settings: SettingsWrapper) -> None:
    settings.LOGIN_FAILURES_BEFORE_LOCKOUT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 1
    for _attempt in range(2):
        _login(client, resident.email, "guess")
    assert _login(client, resident.email, DEFAULT_PASSWORD).status_code == 200
    # A real wait: Redis expires keys by its own clock, which no test can move.
    time.sleep(1.2)
    assert _login(client, resident.email, DEFAULT_PASSWORD).status_code == 302


def test_too_many_attempts_from_one_address_are_refused(
    client: Client, resident: User, settings: SettingsWrapper
) -> None:
    settings.LOGIN_ATTEMPTS_PER_IP = 4
    for n in range(4):
        _login(client, f"someone{n}@example.jp", "guess")
    assert _login(client, resident.email, DEFAULT_PASSWORD).status_code == 200


def test_an_inactive_account_cannot_log_in(client: Client, resident: User) -> None:
    resident.is_active = False
    resident.save()
    assert _login(client, resident.email, DEFAULT_PASSWORD).status_code == 200
