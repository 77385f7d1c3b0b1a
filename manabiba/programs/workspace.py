"""The programmes' cards on the staff workspace: submissions to review, and those sent back."""

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card, counts_where_any
from manabiba.programs.models import Program
from manabiba.programs.staff_selectors import RETURNED, programs_for_staff


def program_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "programs.create"):
        return []
    reviewer = has_permission(user, "programs.review")
    counts = counts_where_any(
        programs_for_staff(user), {"review": Q(status=Program.Status.SUBMITTED), "returned": RETURNED}
    )
    programs = reverse("staff_programs:list")
    group = _("Programmes")
    cards = []
    if reviewer:
        cards.append(
            card(
                key="programs.review",
                title=_("Programmes awaiting review"),
                count=counts["review"],
                url=f"{programs}?tab=review",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
    cards.append(
        card(
            key="programs.returned",
            title=_("Programmes returned to their authors"),
            count=counts["returned"],
            url=f"{programs}?tab=returned",
            group=group,
        )
    )
    return cards
