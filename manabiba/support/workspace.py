"""Support requests' cards on the staff workspace: requests to split, a department's open parts, late parts.

The overdue card is the reminder: the morning digest (``send_staff_digest``) mails every person the
overdue cards of their workspace, as it does for late consultations."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.support.permissions import can_manage
from manabiba.support.selectors import queue_counts


def support_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "support.answer"):
        return []
    counts = queue_counts(user=user, now=now)
    queue = reverse("staff_support:queue")
    group = _("Support requests")
    cards: list[Card] = []
    if can_manage(user):
        cards.append(
            card(
                key="support.to_split",
                title=_("Support requests to split"),
                count=counts["to_split"],
                url=f"{queue}?view=to_split",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
    cards += [
        card(
            key="support.department_open",
            title=_("Open support tasks") if can_manage(user) else _("My department's open support tasks"),
            count=counts["department_open"],
            url=f"{queue}?view=department_open",
            group=group,
            when_any=Severity.ATTENTION,
        ),
        card(
            key="support.overdue",
            title=_("Support tasks overdue"),
            count=counts["overdue"],
            url=f"{queue}?view=overdue",
            group=group,
            when_any=Severity.OVERDUE,
        ),
    ]
    return cards
