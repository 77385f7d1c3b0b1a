"""A staff reply survives the programme search, goes by the channel the resident asked for, and
mail to residents is addressed with 様."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.services import consultation_reply
from manabiba.core.models import OutboxMessage
from manabiba.programs.factories import ProgramFactory

from .steps import send_question

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]


def test_searching_for_programmes_keeps_the_reply_being_typed_and_the_ticked_programmes(
    client: Client, ask: Ask, coordinator: User
) -> None:
    consultation = ask()
    pottery = ProgramFactory(published=True, title="陶芸入門講座")
    ProgramFactory(published=True, title="書道教室")
    client.force_login(coordinator)
    url = reverse("staff_consultations:detail", args=[consultation.pk])

    page = client.post(
        url, {"body": "まずは体験をおすすめします。", "program_q": "陶芸", "search": "1"}
    ).content.decode()
    assert "まずは体験をおすすめします。" in page
    assert "陶芸入門講座" in page

    page = client.post(
        url,
        {"body": "まずは体験をおすすめします。", "program_q": "書道", "programs": [pottery.pk], "search": "1"},
    ).content.decode()
    assert "書道教室" in page
    ticked = re.search(rf'<input type="checkbox" name="programs" value="{pottery.pk}"[^>]*>', page)
    assert ticked is not None
    assert "checked" in ticked.group(0)
    assert not consultation.messages.filter(kind=Message.Kind.REPLY).exists()  # searching sends nothing


def test_a_reply_to_a_resident_who_asked_for_a_call_is_a_call_note_and_not_mailed(
    client: Client, coordinator: User
) -> None:
    send_question(
        client,
        {
            "topic": "learn",
            "body": "書道",
            "reply_channel": "phone",
            "phone": "042-111-2222",
            "email": "has-mail@example.jp",
        },
    )
    consultation = Consultation.objects.get()
    client.force_login(coordinator)
    page = client.get(reverse("staff_consultations:detail", args=[consultation.pk])).content.decode()
    assert "042-111-2222" in page

    message = consultation_reply(consultation=consultation, actor=coordinator, body="電話で講座を案内しました。")

    assert message.via == Message.Via.PHONE
    assert not OutboxMessage.objects.filter(to="has-mail@example.jp").exists()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED


def test_a_reply_by_email_is_mailed_with_sama(ask: Ask, coordinator: User) -> None:
    consultation = ask(name="来庁 花子", language="ja")
    consultation_reply(consultation=consultation, actor=coordinator, body="ご案内します。")
    mail = OutboxMessage.objects.filter(to="guest@example.jp").order_by("pk").last()
    assert mail is not None
    assert mail.body.startswith("来庁 花子 様")


def test_the_confirmation_mail_is_addressed_with_sama(ask: Ask) -> None:
    ask(confirmed=False, name="来庁 花子", language="ja")
    [mail] = OutboxMessage.objects.filter(to="guest@example.jp")
    assert mail.body.startswith("来庁 花子 様")
