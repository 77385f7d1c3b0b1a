"""Residents' e-mail replies read over IMAP and POP3 from a real server (Dovecot), into the consultation's thread."""

import imaplib
import itertools
import poplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from manabiba.accounts.models import User
from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.services import consultation_reply
from tests.dovecot import HOST, PASSWORD, Dovecot

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]
_mailboxes = itertools.count(1)


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def inbox() -> str:
    """A fresh, empty mailbox on the server (every user name logs in with the test password)."""
    return f"reply{next(_mailboxes)}"


def reply_mail(consultation: Consultation, body: str, *, message_id: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "guest@example.jp"
    mail["To"] = consultation.reply_address
    mail["Subject"] = f"Re: [{consultation.reference}] An answer to your question"
    mail["Message-ID"] = message_id
    mail.set_content(body + "\n\nOn Mon, 1 Jun 2026 the city wrote:\n> 土曜の午前は空いていますか？\n")
    return mail.as_bytes()


def fetch(source: str) -> str:
    out = StringIO()
    call_command("consultations_fetch_mail", source=source, stdout=out)
    return out.getvalue()


@pytest.fixture
def waiting(ask: Ask, coordinator: User) -> Consultation:
    consultation = ask()
    consultation_reply(
        consultation=consultation, actor=coordinator, body="土曜の午前は空いていますか？", wait_for_resident=True
    )
    return consultation


def resident_replies(consultation: Consultation) -> list[str]:
    return list(consultation.messages.filter(kind=Message.Kind.RESIDENT).order_by("pk").values_list("body", flat=True))


def test_a_reply_in_the_imap_mailbox_lands_in_the_thread_and_is_marked_seen(
    dovecot: Dovecot, inbox: str, waiting: Consultation
) -> None:
    dovecot.deliver(
        inbox, reply_mail(waiting, "はい、土曜の午前なら大丈夫です。", message_id="<imap-1@mail.example.jp>")
    )

    assert "1 added" in fetch(dovecot.url("imap", inbox))

    assert resident_replies(waiting) == ["はい、土曜の午前なら大丈夫です。"]
    assert waiting.messages.get(kind=Message.Kind.RESIDENT).via == Message.Via.EMAIL
    waiting.refresh_from_db()
    assert waiting.status == Consultation.Status.IN_PROGRESS
    # The server keeps the mail, flagged as read, so the next run does not read it again ...
    client = imaplib.IMAP4(HOST, dovecot.ports["imap"])
    client.login(inbox, PASSWORD)
    client.select("INBOX", readonly=True)
    assert client.search(None, "SEEN")[1] == [b"1"]
    assert client.search(None, "UNSEEN")[1] == [b""]
    client.logout()
    assert "0 added, 0 seen before or empty, 0 not for" in fetch(dovecot.url("imap", inbox))

    # ... and reads only what arrived since.
    dovecot.deliver(inbox, reply_mail(waiting, "駐車場はありますか？", message_id="<imap-2@mail.example.jp>"))
    assert "1 added, 0 seen before or empty" in fetch(dovecot.url("imap", inbox))
    assert resident_replies(waiting) == ["はい、土曜の午前なら大丈夫です。", "駐車場はありますか？"]


def test_a_reply_in_the_pop3_mailbox_lands_in_the_thread_and_is_deleted_from_the_server(
    dovecot: Dovecot, inbox: str, waiting: Consultation
) -> None:
    dovecot.deliver(inbox, reply_mail(waiting, "POP3で届いた返信です。", message_id="<pop3-1@mail.example.jp>"))
    dovecot.deliver(inbox, reply_mail(waiting, "もう一通。", message_id="<pop3-2@mail.example.jp>"))

    assert "2 added" in fetch(dovecot.url("pop3", inbox))

    assert resident_replies(waiting) == ["POP3で届いた返信です。", "もう一通。"]
    client = poplib.POP3(HOST, dovecot.ports["pop3"])
    client.user(inbox)
    client.pass_(PASSWORD)
    assert client.stat() == (0, 0)
    client.quit()
    assert "0 added" in fetch(dovecot.url("pop3", inbox))


@pytest.mark.parametrize("scheme", ["imap", "pop3"])
def test_a_refused_login_is_a_clear_error_that_does_not_show_the_password(
    dovecot: Dovecot, inbox: str, waiting: Consultation, scheme: str
) -> None:
    dovecot.deliver(inbox, reply_mail(waiting, "届かない返信", message_id=f"<{scheme}-refused@mail.example.jp>"))

    with pytest.raises(CommandError, match=rf"Cannot read {scheme}://{inbox}:\*\*\*@{HOST}:\d+/INBOX") as refused:
        fetch(dovecot.url(scheme, inbox, password="wrong-password"))

    assert "wrong-password" not in str(refused.value)
    assert resident_replies(waiting) == []
    # The mail is still there for the next run with the right password.
    assert "1 added" in fetch(dovecot.url(scheme, inbox))


@pytest.mark.parametrize("scheme", ["imaps", "pop3s"])
def test_over_tls_the_servers_certificate_is_checked(
    dovecot: Dovecot, inbox: str, waiting: Consultation, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dovecot.deliver(inbox, reply_mail(waiting, "暗号化された返信", message_id=f"<{scheme}-1@mail.example.jp>"))

    # A certificate nobody vouches for (anyone on the way could present one) is refused ...
    with pytest.raises(CommandError, match=r"Cannot read .*:\*\*\*@.*certificate verify failed"):
        fetch(dovecot.url(scheme, inbox))
    assert resident_replies(waiting) == []

    # ... and the same server is read once its certificate is trusted.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.certificate))
    assert "1 added" in fetch(dovecot.url(scheme, inbox))
    assert resident_replies(waiting) == ["暗号化された返信"]
