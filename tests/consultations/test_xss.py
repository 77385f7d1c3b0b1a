"""The usual XSS payloads in what a resident writes come out as harmless text for the resident and the staff."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.services import consultation_note_add, consultation_reply, consultation_resident_reply
from tests.communities.test_xss import PAYLOAD, assert_harmless

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]


def test_payloads_in_a_consultation_are_rendered_harmless(ask: Ask, client: Client, coordinator: User) -> None:
    consultation = ask(body=PAYLOAD, name=PAYLOAD[:100], preferred_times=PAYLOAD[:200], phone=PAYLOAD[:30])
    consultation_resident_reply(consultation=consultation, body=PAYLOAD, via=Message.Via.WEB)
    consultation_note_add(consultation=consultation, actor=coordinator, body=PAYLOAD)
    consultation_reply(consultation=consultation, actor=coordinator, body=PAYLOAD)

    thread = client.get(reverse("consultations:thread", args=[consultation.access_token]))
    assert thread.status_code == 200
    assert_harmless(thread.content.decode())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in thread.content.decode()  # shown as text

    client.force_login(coordinator)
    for url in (
        reverse("staff_consultations:queue"),
        reverse("staff_consultations:detail", args=[consultation.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_harmless(response.content.decode())
    detail = client.get(reverse("staff_consultations:detail", args=[consultation.pk])).content.decode()
    assert detail.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # question, reply, note, answer
