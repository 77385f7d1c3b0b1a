"""Asking in three steps (入力 → 確認 → 完了), for tests that only need the question sent."""

import re
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse


def confirmation_token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found is not None, "no confirmation form on the page"
    return found.group(1)


def send_question(client: Client, data: dict[str, str], follow: bool = False, **extra: Any) -> HttpResponse:
    """Send the form; when it is valid, read the confirmation page and press 「送信する」.

    Returns the form's own answer when it has errors (200), else the answer to the final POST."""
    sent = client.post(reverse("consultations:ask"), data, **extra)
    if sent.status_code != 302:
        return sent  # type: ignore[no-any-return]
    assert sent["Location"] == reverse("consultations:ask_check")
    check = client.get(sent["Location"], **extra)
    assert check.status_code == 200, check.content.decode()
    token = confirmation_token(check.content.decode())
    return client.post(sent["Location"], {"token": token}, follow=follow, **extra)  # type: ignore[no-any-return]
