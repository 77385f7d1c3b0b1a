"""Applying in three steps (入力 → 確認 → 完了), for tests that only need the application made."""

import re

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from manabiba.programs.models import Program


def confirmation_token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found is not None, "no confirmation form on the page"
    return found.group(1)


def apply_through(client: Client, program: Program, data: dict[str, str], follow: bool = True) -> HttpResponse:
    """Send the form, read the confirmation page, press 「申し込む」 (following to the result unless asked not to)."""
    sent = client.post(reverse("registrations:apply", args=[program.pk]), data)
    assert sent.status_code == 302, sent.content.decode()
    assert sent["Location"] == reverse("registrations:apply_confirm", args=[program.pk])
    check = client.get(sent["Location"])
    assert check.status_code == 200
    token = confirmation_token(check.content.decode())
    return client.post(sent["Location"], {"token": token}, follow=follow)  # type: ignore[no-any-return]
