"""An attacker's regression suite for logging in (issue 17, items 2 and 4): each test is named
after what it prevents."""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.core.addresses import normalise_email

from .hashers import CountingHasher

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
# resident@example.jp as an attacker might type it: each reaches the same account on PostgreSQL
# (UPPER folds ı and ſ) and so must meet the same lockout.
LOOKALIKES = {
    "dotless i": "res\u0131dent@example.jp",
    "long s": "re\u017fident@example.jp",
    "full-width": "ｒｅｓｉｄｅｎｔ＠ｅｘａｍｐｌｅ．ｊｐ",
    "upper case": "RESIDENT@Example.JP",
    "spaces": "  resident@example.jp ",
}


@pytest.fixture(autouse=True)
def _lock_after_three(settings: SettingsWrapper) -> None:
    settings.LOGIN_FAILURES_BEFORE_LOCKOUT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900


def _token(client: Client, email: str, password: str) -> int:
    return client.post(TOKEN, {"email": email, "password": password}, content_type="application/json").status_code


def _login(client: Client, email: str, password: str) -> bool:
    """Whether the web login let the person in."""
    response = client.post(reverse("accounts:login"), {"email": email, "password": password})
    return response.status_code == 302


def test_every_lookalike_is_the_plain_address_in_normal_form() -> None:
    assert {normalise_email(variant) for variant in LOOKALIKES.values()} == {"resident@example.jp"}


@pytest.mark.parametrize("variant", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalike_email_does_not_reset_token_lockout(client: Client, resident: User, variant: str) -> None:
    for _guess in range(3):
        assert _token(client, resident.email, "guess") == 401

    assert _token(client, variant, DEFAULT_PASSWORD) == 429


def test_lookalike_emails_add_up_on_one_token_lockout_counter(client: Client, resident: User) -> None:
    for variant in list(LOOKALIKES.values())[:3]:
        assert _token(client, variant, "guess") == 401

    assert _token(client, resident.email, DEFAULT_PASSWORD) == 429


@pytest.mark.parametrize("variant", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalike_email_does_not_reset_web_login_lockout(client: Client, resident: User, variant: str) -> None:
    for _guess in range(3):
        assert not _login(client, resident.email, "guess")

    assert not _login(client, variant, DEFAULT_PASSWORD)
    assert not _login(client, resident.email, DEFAULT_PASSWORD)


def test_lookalike_email_logs_in_to_the_same_account_not_another(client: Client, resident: User) -> None:
    assert _token(client, LOOKALIKES["dotless i"], DEFAULT_PASSWORD) == 200
    assert _login(client, LOOKALIKES["full-width"], DEFAULT_PASSWORD)
    assert client.get("/api/v1/me").status_code == 401  # the session is not a token
    assert User.objects.count() == 1


def test_lookalike_email_cannot_sign_up_a_second_account(client: Client, resident: User) -> None:
    client.post(
        reverse("accounts:signup"),
        {
            "email": LOOKALIKES["long s"],
            "full_name": "別人",
            "password1": "another long passphrase",
            "password2": "another long passphrase",
            "accept_terms": "on",
        },
    )

    assert list(User.objects.values_list("email", flat=True)) == ["resident@example.jp"]


@pytest.fixture
def counting_hasher(settings: SettingsWrapper) -> Iterator[list[str]]:
    settings.PASSWORD_HASHERS = ["tests.security.hashers.CountingHasher"]
    CountingHasher.encodings.clear()
    yield CountingHasher.encodings
    CountingHasher.encodings.clear()


def test_unknown_email_on_token_endpoint_costs_a_password_hash_like_a_known_one(
    client: Client, make_persona: object, counting_hasher: list[str]
) -> None:
    person: User = make_persona(email="known@example.jp", password="the real one")  # type: ignore[operator]
    counting_hasher.clear()

    assert _token(client, "nobody@example.jp", "guess one") == 401
    unknown = list(counting_hasher)
    counting_hasher.clear()
    assert _token(client, person.email, "guess two") == 401
    known = list(counting_hasher)

    assert unknown == ["guess one"]
    assert known == ["guess two"]


def test_unknown_email_on_web_login_costs_a_password_hash_like_a_known_one(
    client: Client, make_persona: object, counting_hasher: list[str]
) -> None:
    person: User = make_persona(email="known@example.jp", password="the real one")  # type: ignore[operator]
    counting_hasher.clear()

    assert not _login(client, "nobody@example.jp", "guess one")
    unknown = list(counting_hasher)
    counting_hasher.clear()
    assert not _login(client, person.email, "guess two")

    assert unknown == ["guess one"]
    assert counting_hasher == ["guess two"]
