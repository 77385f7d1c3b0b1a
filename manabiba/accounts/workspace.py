"""The accounts app's card on the staff workspace: mail the outbox gave up on."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.accounts.selectors import outbox_failed
from manabiba.core.workspace import Card, Severity, card


def account_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "core.view_failed_mail"):
        return []
    return [
        card(
            key="core.failed_mail",
            title=_("Mail that failed to send"),
            count=outbox_failed().count(),
            url=reverse("staff:failed_mail"),
            group=_("Mail"),
            when_any=Severity.ATTENTION,
        )
    ]
