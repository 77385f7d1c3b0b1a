"""Group mail is rendered from templates in each recipient's language and labelled with it
(``Content-Language``); members are greeted by name (様 in Japanese), and a group's name reaches
the mail as written, not HTML-escaped."""

from collections.abc import Callable
from typing import Any

import pytest

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup

pytestmark = pytest.mark.django_db


def test_each_recipient_of_a_group_mail_gets_it_in_their_language(
    make_group: Callable[..., CommunityGroup],
    make_persona: Callable[..., User],
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = make_persona(Role.RESIDENT, email="owner@example.jp", full_name="Alex Brown", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        make_group(owner=owner, approved=False, name="Tai Chi & Friends", contact_email="contact@example.jp")

    [to_owner] = smtp_server.to("owner@example.jp")
    assert to_owner["Content-Language"] == "en"
    assert smtp_server.subject(to_owner) == "We have received the application of Tai Chi & Friends"
    body = smtp_server.body(to_owner)
    assert body.splitlines()[0] == "Dear Alex Brown,"
    assert "Thank you for applying to list Tai Chi & Friends" in body
    assert "&amp;" not in body

    # The group's contact address has no account: it is written to in the site's language.
    [to_contact] = smtp_server.to("contact@example.jp")
    assert to_contact["Content-Language"] == "ja"
    assert smtp_server.subject(to_contact) == "Tai Chi & Friendsの登録申請を受け付けました"
    assert smtp_server.body(to_contact).splitlines()[0] == "連絡 花子 様"
