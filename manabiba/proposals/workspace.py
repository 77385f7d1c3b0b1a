"""Citizen proposals on the staff workspace: proposals waiting for the coordinator, reviews assigned to me."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.proposals.selectors import proposals_to_handle, reports_to_check, reviews_waiting_for


def proposal_cards(user: Any, now: datetime) -> list[Card]:
    group = _("Citizen proposals")
    cards = []
    if has_permission(user, "proposals.manage"):
        cards.append(
            card(
                key="proposals.to_handle",
                title=_("Proposals to assign or decide"),
                count=proposals_to_handle().count(),
                url=reverse("staff_proposals:queue") + "#to_handle",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
        # Shown only while a report waits: they come a few times a year, after each round's lectures.
        reports = reports_to_check().count()
        if reports:
            cards.append(
                card(
                    key="proposals.reports_to_check",
                    title=_("Post-course reports to check"),
                    count=reports,
                    url=reverse("staff_proposals:queue") + "#reports",
                    group=group,
                    when_any=Severity.ATTENTION,
                )
            )
    # Only for those who have reviews waiting: most staff never review a proposal.
    waiting = reviews_waiting_for(user) if has_permission(user, "proposals.review") else 0
    if waiting:
        cards.append(
            card(
                key="proposals.my_reviews",
                title=_("Proposals assigned to me for review"),
                count=waiting,
                url=reverse("proposals:reviews"),
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
    return cards
