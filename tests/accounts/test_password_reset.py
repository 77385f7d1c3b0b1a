import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db


def test_password_reset_mail_arrives_over_smtp_and_the_link_sets_a_new_password(
    client: Client, resident: User, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": resident.email})
    assert response.status_code == 302
    [mail] = smtp_server.to(resident.email)
    match = re.search(r"https?://\S+", SmtpServer.body(mail))
    assert match
    response = client.get(urlsplit(match.group(0)).path, follow=True)
    assert response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    new_password = "a brand new passphrase"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert (
        client.post(reverse("accounts:login"), {"email": resident.email, "password": new_password}).status_code == 302
    )


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client: Client, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.jp"})
    assert response.status_code == 302
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "typed", ["res\u0131dent@example.jp", "ｒｅｓｉｄｅｎｔ@example.jp"], ids=["dotless-i", "full-width"]
)
def test_password_reset_finds_the_account_from_its_address_typed_another_way(
    client: Client, resident: User, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any, typed: str
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": typed})
    assert response.status_code == 302
    # The mail goes to the address the account has, never to the one typed.
    assert [str(mail["To"]) for mail in smtp_server.messages] == [resident.email]
