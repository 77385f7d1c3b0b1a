"""One-click unsubscribe from the mail the portal sends regularly (RFC 8058), for every app that does.

An app that mails people on a schedule (the groups' weekly digest, the new-programme alerts) registers
its list once from ``AppConfig.ready()`` with ``unsubscribe_list_register``: a name, the salt its links
are signed with, what to do when someone unsubscribes, and the words of the page. Each mail then
carries ``unsubscribe_link(name, data)``, a signed link that works without logging in, in its body and,
through ``mail_send(unsubscribe=…)``, as the List-Unsubscribe and List-Unsubscribe-Post headers.

The page behind the link (``core.views.unsubscribe``) asks first: a GET shows what would stop and a
button, and only a POST unsubscribes, so a mail scanner that opens every link stops nothing. A mail
program's own button POSTs ``List-Unsubscribe=One-Click`` to the same link (RFC 8058), which is why
the POST needs no CSRF token: the signature is the proof, and unsubscribing is all it can do.
Unsubscribing twice is harmless: the second time there is nothing left to stop.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

UnsubscribeData = dict[str, Any]


@dataclass(frozen=True)
class UnsubscribeList:
    """One kind of regular mail a person can stop with one click."""

    name: str  # in the link, e.g. "communities.digest"
    salt: str  # signs the links; a list's own, so a link of one list is no good for another
    # Stops the mail for the person the link's data names; returns whether anything changed.
    unsubscribe: Callable[[UnsubscribeData], bool]
    title: str | Promise  # the page's heading: "Weekly mail from the groups you follow"
    question: str | Promise  # above the button: "Stop these weekly mails?"
    done: str | Promise  # after it: "You will receive no more …"
    # What exactly would stop, in the reader's words (a saved search's name), or "" when it is gone.
    describe: Callable[[UnsubscribeData], str] | None = None
    back_url_name: str = "web:home"  # where the page sends the reader afterwards
    back_label: str | Promise = ""


_lists: dict[str, UnsubscribeList] = {}


def unsubscribe_list_register(unsubscribe_list: UnsubscribeList) -> None:
    """Make a list's links work (called from the app's ``AppConfig.ready()``)."""
    _lists[unsubscribe_list.name] = unsubscribe_list


def unsubscribe_list(name: str) -> UnsubscribeList:
    try:
        return _lists[name]
    except KeyError:
        raise ValidationError(_("This link is not valid."), code="invalid") from None


def unsubscribe_token(name: str, data: UnsubscribeData) -> str:
    return signing.dumps(data, salt=unsubscribe_list(name).salt)


def unsubscribe_link(name: str, data: UnsubscribeData) -> str:
    """The absolute one-click link that stops list ``name`` for ``data`` (the person, the saved search …)."""
    path = reverse("unsubscribe", args=[name, unsubscribe_token(name, data)])
    return str(settings.SITE_URL) + path


def unsubscribe_data(name: str, token: str) -> tuple[UnsubscribeList, UnsubscribeData]:
    """The list and what the link names, or ``ValidationError`` for a link that is not one of ours."""
    target = unsubscribe_list(name)
    try:
        data = signing.loads(token, salt=target.salt)
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid."), code="invalid") from error
    if not isinstance(data, dict):
        raise ValidationError(_("This link is not valid."), code="invalid")
    return target, data


def unsubscribe_by_link(name: str, token: str) -> tuple[UnsubscribeList, bool]:
    """Stop what the link names; returns the list and whether anything changed (False: stopped already)."""
    target, data = unsubscribe_data(name, token)
    return target, target.unsubscribe(data)
