"""The consultations' cards on the staff workspace: what waits for an answer, and what is late."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.consultations.selectors import queue_counts
from manabiba.core.workspace import Card, Severity, card


def consultation_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "consultations.answer"):
        return []
    titles = {
        "new": (_("New consultations"), Severity.ATTENTION),
        "unassigned": (_("Consultations with nobody assigned"), Severity.ATTENTION),
        "due_today": (_("Consultations due today"), Severity.ATTENTION),
        "overdue": (_("Consultations overdue"), Severity.OVERDUE),
        "waiting": (_("Consultations waiting for the resident"), Severity.NORMAL),
    }
    counts = queue_counts(user=user, views=tuple(titles), now=now)
    queue = reverse("staff_consultations:queue")
    return [
        card(
            key=f"consultations.{view}",
            title=title,
            count=counts[view],
            url=f"{queue}?view={view}",
            group=_("Learning consultations"),
            when_any=severity,
        )
        for view, (title, severity) in titles.items()
    ]
