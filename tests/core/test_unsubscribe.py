"""The shared one-click unsubscribe: signed links per list, List-Unsubscribe headers (RFC 8058), and a
page that asks on GET and unsubscribes only on POST (a mail program's one-click POST included)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from manabiba.core import unsubscribe
from manabiba.core.mail import mail_send
from manabiba.core.unsubscribe import UnsubscribeList, unsubscribe_link, unsubscribe_list_register
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db

stopped: list[dict[str, Any]] = []


@pytest.fixture
def newsletter() -> Iterator[str]:
    stopped.clear()

    def stop(data: dict[str, Any]) -> bool:
        if data in stopped:
            return False
        stopped.append(data)
        return True

    unsubscribe_list_register(
        UnsubscribeList(
            name="tests.newsletter",
            salt="tests.newsletter",
            unsubscribe=stop,
            title="Newsletter",
            question="Stop the newsletter?",
            done="No more newsletters.",
            describe=lambda data: f"Newsletter number {data['n']}",
        )
    )
    unsubscribe_list_register(
        UnsubscribeList(name="tests.other", salt="tests.other", unsubscribe=stop, title="Other", question="?", done="!")
    )
    yield "tests.newsletter"
    del unsubscribe._lists["tests.newsletter"]
    del unsubscribe._lists["tests.other"]


def test_a_list_mail_carries_the_one_click_headers(
    newsletter: str, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    link = unsubscribe_link(newsletter, {"n": 7})
    assert link.startswith("http")
    assert f"/unsubscribe/{newsletter}/" in link
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(
            to="reader@example.jp",
            template="accounts/mail/verify_email",
            language="ja",
            context={"user": None, "link": "x"},
            unsubscribe=link,
        )
    [mail] = smtp_server.to("reader@example.jp")
    # A long header is folded; unfolded it keeps a leading space.
    assert str(mail["List-Unsubscribe"]).strip() == f"<{link}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_other_mail_has_no_unsubscribe_header(smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(to="reader@example.jp", template="accounts/mail/verify_email", language="ja", context={"link": "x"})
    [mail] = smtp_server.to("reader@example.jp")
    assert mail["List-Unsubscribe"] is None


def test_the_link_asks_first_and_the_button_unsubscribes_without_logging_in(newsletter: str, client: Client) -> None:
    path = unsubscribe_link(newsletter, {"n": 7})
    path = path[path.index("/unsubscribe/") :]
    page = client.get(path)
    assert page.status_code == 200
    assert "Newsletter number 7" in page.content.decode()
    assert stopped == []  # a scanner opening the link stops nothing
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert stopped == [{"n": 7}]
    # Twice is harmless.
    assert client.post(path).status_code == 200
    assert stopped == [{"n": 7}]


def test_a_mail_programs_one_click_post_needs_no_csrf_token(newsletter: str) -> None:
    client = Client(enforce_csrf_checks=True)
    path = unsubscribe_link(newsletter, {"n": 8})
    path = path[path.index("/unsubscribe/") :]
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert stopped == [{"n": 8}]


def test_a_forged_or_foreign_link_is_refused(newsletter: str, client: Client) -> None:
    other = unsubscribe_link("tests.other", {"n": 9})
    token = other.rstrip("/").rsplit("/", 1)[-1]
    # A link of one list is no good for another.
    assert client.post(f"/unsubscribe/{newsletter}/{token}/").status_code == 400
    assert client.get(f"/unsubscribe/{newsletter}/forged/").status_code == 400
    assert client.get("/unsubscribe/no-such-list/forged/").status_code == 400
    assert stopped == []
