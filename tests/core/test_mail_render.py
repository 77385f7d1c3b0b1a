"""One way to write mail: ``mail_send`` renders the templates in the recipient's language, labels the
message with it, and keeps what the outbox carries (attachments, Reply-To, Message-ID)."""

import re
from pathlib import Path
from typing import Any

import pytest

from manabiba.core.mail import mail_send
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2] / "manabiba"
TEMPLATE = "accounts/mail/verify_email"


class Person:
    full_name = "Tom & Jerry <Smith>"


@pytest.mark.parametrize(
    ("language", "greeting", "city"),
    [("en", "Dear Tom & Jerry <Smith>,", "Nishitokyo City"), ("ja", "Tom & Jerry <Smith> 様", "西東京市")],
)
def test_mail_is_rendered_in_the_language_given_and_goes_out_labelled_with_it(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any, language: str, greeting: str, city: str
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(
            to="tom@example.jp",
            template=TEMPLATE,
            language=language,
            context={"user": Person(), "link": "https://example.jp/v/1?a=1&b=2"},
            attachments=[("note.txt", b"hello", "text/plain")],
            reply_to="desk@example.jp",
        )
    [mail] = smtp_server.to("tom@example.jp")
    assert mail["Content-Language"] == language
    body = SmtpServer.body(mail)
    # Plain text: a name or a link with & or < reaches the reader as written.
    assert body.splitlines()[0] == greeting
    assert "https://example.jp/v/1?a=1&b=2" in body
    assert city in body
    assert "&amp;" not in body
    assert "&lt;" not in body
    assert mail["Reply-To"] == "desk@example.jp"
    assert re.fullmatch(r"<.+@.+>", str(mail["Message-ID"]))
    [attachment] = [part for part in mail.walk() if part.get_filename() == "note.txt"]
    assert attachment.get_payload(decode=True) == b"hello"


def test_without_a_language_the_mail_is_in_the_sites() -> None:
    message = mail_send(to="tom@example.jp", template=TEMPLATE, language="", context={"user": Person(), "link": "x"})
    assert message.language == "ja"
    assert message.subject == "メールアドレスの確認をお願いします - 学び場"


def test_no_app_renders_or_queues_mail_another_way() -> None:
    others = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "core" / "mail.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\boutbox_enqueue\(|render_to_string\(\s*f?[\"'][^\"']*/mail/|\bmail_render\(", text):
            others.append(str(path.relative_to(PACKAGE)))
    assert others == []
