"""Open action items from liaison meetings on the staff workspace, until the owner department closes them.

Department staff see their own department's items, the coordinator every department's; both cards
count from ``selectors.action_items_scope`` with the same filters as the list they link to.
"""

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.liaison.selectors import ActionState, action_items_scope, state_q


def liaison_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "liaison.view_meetings"):
        return []
    if getattr(user, "department_id", None) is None and not has_permission(user, "liaison.manage_meetings"):
        return []  # department staff not yet placed in a department own no items
    today = timezone.localdate(now)
    counts = action_items_scope(user).aggregate(
        open=Count("pk", filter=state_q(ActionState.OPEN, today)),
        overdue=Count("pk", filter=state_q(ActionState.OVERDUE, today)),
    )
    group = _("Liaison meetings")
    url = reverse("staff_liaison:actions")
    return [
        card(
            key="liaison.actions_open",
            title=_("Open action items from liaison meetings"),
            count=counts["open"],
            url=f"{url}?state={ActionState.OPEN}",
            group=group,
            when_any=Severity.ATTENTION,
        ),
        card(
            key="liaison.actions_overdue",
            title=_("Overdue action items"),
            count=counts["overdue"],
            url=f"{url}?state={ActionState.OVERDUE}",
            group=group,
            when_any=Severity.OVERDUE,
        ),
    ]
