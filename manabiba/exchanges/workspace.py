"""Exchange meetings on the staff workspace: presentations to decide, materials still missing."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.exchanges.selectors import materials_missing_for, presentations_to_decide


def exchange_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "exchanges.manage"):
        return []
    group = _("Exchange meetings")
    return [
        card(
            key="exchanges.to_decide",
            title=_("Presentations to decide"),
            count=presentations_to_decide(user).count(),
            url=reverse("staff_exchanges:list") + "#to_decide",
            group=group,
            when_any=Severity.ATTENTION,
        ),
        card(
            key="exchanges.materials_missing",
            title=_("Accepted presentations without materials"),
            count=materials_missing_for(user, now=now).count(),
            url=reverse("staff_exchanges:list") + "#materials_missing",
            group=group,
        ),
    ]
