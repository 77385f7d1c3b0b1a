import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Hanako@Example.jp",
    "full_name": "西東 花子",
    "password1": "hibari-ga-oka 2026",
    "password2": "hibari-ga-oka 2026",
    "accept_terms": "on",
}


def _link_in(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_signup_sends_a_verification_mail_over_smtp_and_the_link_activates_the_account(
    client: Client, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 200
    assert "hanako@example.jp" in response.content.decode()
    user = User.objects.get(email="hanako@example.jp")
    assert not user.is_active

    [mail] = smtp_server.to("hanako@example.jp")
    assert "メールアドレス" in str(mail["Subject"]) or "e-mail" in str(mail["Subject"])
    link = _link_in(SmtpServer.body(mail))

    # Before confirming, logging in explains what to do instead of "wrong password".
    response = client.post(reverse("accounts:login"), {"email": "hanako@example.jp", "password": SIGNUP["password1"]})
    assert "confirm" in response.content.decode() or "確認" in response.content.decode()

    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active
    assert user.email_verified_at is not None

    response = client.post(reverse("accounts:login"), {"email": "HANAKO@example.jp", "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


def test_signup_with_an_existing_address_shows_the_same_page_and_warns_the_owner_by_mail(
    client: Client, resident: User, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": resident.email})
    assert response.status_code == 200
    assert User.objects.filter(email=resident.email).count() == 1
    [mail] = smtp_server.to(resident.email)
    assert "/accounts/password/reset/" in SmtpServer.body(mail)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password2": "something else 1"}, "password2"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1"),
        ({"email": "not-an-address"}, "email"),
        ({"accept_terms": ""}, "accept_terms"),
    ],
)
def test_signup_errors_are_explained_and_nothing_is_created(client: Client, change: dict[str, str], field: str) -> None:
    response = client.post(reverse("accounts:signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert not User.objects.exists()


def test_a_tampered_verification_link_is_refused(client: Client) -> None:
    response = client.get(reverse("accounts:verify_email", args=["not-a-token"]))
    assert response.status_code == 400


def test_verification_mail_is_written_in_the_language_the_person_signed_up_in(
    client: Client, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {**SIGNUP, "email": "visitor@example.com"})
    [mail] = smtp_server.to("visitor@example.com")
    assert "Please confirm your e-mail address" in str(mail["Subject"])
    assert User.objects.get(email="visitor@example.com").language == "en"


@pytest.mark.parametrize(
    ("language", "name", "subject", "greeting"),
    [
        ("en", "Alex Brown", "Please confirm your e-mail address - Manabiba", "Dear Alex Brown,"),
        ("ja", "西東 花子", "メールアドレスの確認をお願いします - 学び場", "西東 花子 様"),
    ],
)
def test_the_verification_mail_is_labelled_with_its_language_and_greets_the_person(
    client: Client,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Any,
    language: str,
    name: str,
    subject: str,
    greeting: str,
) -> None:
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {**SIGNUP, "email": "someone@example.com", "full_name": name})
    [mail] = smtp_server.to("someone@example.com")
    assert mail["Content-Language"] == language
    assert SmtpServer.subject(mail) == subject
    assert SmtpServer.body(mail).splitlines()[0] == greeting
