"""Residents' e-mail replies land in the thread: a real SMTP exchange, then the fetch command or the webhook."""

import mailbox
import smtplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.consultations.inbound import reply_text
from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.services import consultation_reply
from manabiba.core.smtp_catcher import SmtpCatcher

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]


@pytest.fixture
def inbound_server(tmp_path: Path) -> Iterator[tuple[SmtpCatcher, Path]]:
    """The city's inbound mail server: what it receives is written to a folder, as the catcher does."""
    folder = tmp_path / "inbound"
    catcher = SmtpCatcher(maildir=folder).start()
    try:
        yield catcher, folder
    finally:
        catcher.stop()


def resident_sends(catcher: SmtpCatcher, *, to: str, subject: str, body: str, sender: str = "guest@example.jp") -> None:
    """The resident's mail program: composes a reply and hands it over SMTP."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{abs(hash((to, body)))}@mail.example.jp>"
    mail.set_content(body)
    with smtplib.SMTP(catcher.host, catcher.port) as client:
        client.send_message(mail)


def fetch(source: Path) -> str:
    out = StringIO()
    call_command("consultations_fetch_mail", source=str(source), stdout=out)
    return out.getvalue()


def test_a_reply_sent_over_smtp_lands_in_the_thread(
    ask: Ask, coordinator: User, inbound_server: tuple[SmtpCatcher, Path], client: Client
) -> None:
    catcher, folder = inbound_server
    consultation = ask()
    consultation_reply(
        consultation=consultation, actor=coordinator, body="土曜の午前は空いていますか？", wait_for_resident=True
    )
    address = consultation.reply_address

    resident_sends(
        catcher,
        to=address,
        subject=f"Re: [{consultation.reference}] An answer to your question",
        body="はい、土曜の午前なら大丈夫です。\n\nOn Mon, 1 Jun 2026 the city wrote:\n> 土曜の午前は空いていますか？\n",
    )
    assert len(catcher.messages) == 1

    assert "1 added" in fetch(folder)

    consultation.refresh_from_db()
    [reply] = consultation.messages.filter(kind=Message.Kind.RESIDENT)
    assert reply.body == "はい、土曜の午前なら大丈夫です。"
    assert reply.via == Message.Via.EMAIL
    assert consultation.status == Consultation.Status.IN_PROGRESS
    page = client.get(reverse("consultations:thread", args=[consultation.access_token])).content.decode()
    assert "はい、土曜の午前なら大丈夫です。" in page

    # Reading the mailbox again adds nothing.
    assert "0 added" in fetch(folder)
    assert consultation.messages.filter(kind=Message.Kind.RESIDENT).count() == 1


def test_a_mail_to_an_unknown_token_or_from_a_stranger_is_ignored(
    ask: Ask, inbound_server: tuple[SmtpCatcher, Path]
) -> None:
    catcher, folder = inbound_server
    consultation = ask()
    resident_sends(catcher, to=Consultation(reply_token="0" * 24).reply_address, subject="hello", body="誰でしょう")
    # The reference number alone is not enough: the sender must be the one who asked.
    resident_sends(
        catcher,
        to="reply@example.jp",
        subject=f"Re: [{consultation.reference}]",
        body="なりすまし",
        sender="x@evil.example",
    )
    assert "2 not for a consultation" in fetch(folder)
    assert consultation.messages.count() == 0


def test_a_reply_to_the_plain_address_from_the_asker_is_matched_by_reference(
    ask: Ask, inbound_server: tuple[SmtpCatcher, Path]
) -> None:
    catcher, folder = inbound_server
    consultation = ask()
    resident_sends(catcher, to="noreply@example.jp", subject=f"Re: [{consultation.reference}] 回答", body="ありがとう")
    fetch(folder)
    assert consultation.messages.get().body == "ありがとう"


def test_a_maildir_is_read_and_its_mail_marked_read(ask: Ask, tmp_path: Path) -> None:
    consultation = ask()
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    mail = EmailMessage()
    mail["From"] = "guest@example.jp"
    mail["To"] = consultation.reply_address
    mail["Subject"] = "Re: 質問"
    mail["Message-ID"] = "<maildir-1@example.jp>"
    mail.set_content("Maildirからの返信")
    box.add(mail)

    assert "1 added" in fetch(tmp_path / "Maildir")
    assert "0 added, 0 seen" in fetch(tmp_path / "Maildir")  # moved to cur: not read again
    assert consultation.messages.get().body == "Maildirからの返信"


def test_the_webhook_needs_the_shared_secret(ask: Ask, client: Client, settings: object) -> None:
    settings.CONSULTATIONS_WEBHOOK_SECRET = "s3cret-value"  # type: ignore[attr-defined]
    consultation = ask()
    mail = EmailMessage()
    mail["From"] = "guest@example.jp"
    mail["To"] = consultation.reply_address
    mail["Subject"] = "Re"
    mail.set_content("webhook経由の返信")
    url = reverse("consultations:inbound_webhook")

    refused = client.post(url, mail.as_bytes(), content_type="message/rfc822", HTTP_X_MANABIBA_SECRET="wrong")
    assert refused.status_code == 403
    accepted = client.post(url, mail.as_bytes(), content_type="message/rfc822", HTTP_X_MANABIBA_SECRET="s3cret-value")
    assert accepted.status_code == 202
    assert accepted.json()["reference"] == consultation.reference
    assert consultation.messages.get().body == "webhook経由の返信"


def test_the_webhook_is_off_without_a_secret(client: Client, settings: object) -> None:
    settings.CONSULTATIONS_WEBHOOK_SECRET = ""  # type: ignore[attr-defined]
    response = client.post(reverse("consultations:inbound_webhook"), b"x", content_type="message/rfc822")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        "了解です\n\n2026年6月1日(月) 10:00 city <reply@example.jp>:\n> 前のメール",
        "了解です\n-----Original Message-----\nFrom: city",
        "了解です\n> 引用",
    ],
)
def test_the_quoted_mail_below_a_reply_is_cut_off(body: str) -> None:
    mail = EmailMessage()
    mail.set_content(body)
    assert reply_text(mail) == "了解です"
