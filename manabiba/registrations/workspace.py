"""Registrations' cards on the staff workspace: lotteries to draw, offers expiring, courses below minimum."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card, counts_where_any
from manabiba.programs.models import Program
from manabiba.programs.permissions import program_manager_q
from manabiba.registrations.models import Registration
from manabiba.registrations.selectors import below_minimum_filter, lottery_due_filter, offers_expiring_filter


def registration_cards(user: Any, now: datetime) -> list[Card]:
    # Drawing, deciding on minimum enrolment and following offers are for whoever runs the programme.
    if not has_permission(user, "registrations.manage"):
        return []
    counts = counts_where_any(
        Program.objects.filter(program_manager_q(user)),
        {"draw": lottery_due_filter(now), "below": below_minimum_filter(now)},
    )
    offers = Registration.objects.filter(offers_expiring_filter(now), program_manager_q(user, "program__")).count()
    index = reverse("staff_registrations:index")
    group = _("Registrations")
    return [
        card(
            key="registrations.draw_due",
            title=_("Lotteries to draw"),
            count=counts["draw"],
            url=f"{index}#draw-due",
            group=group,
            when_any=Severity.OVERDUE,
        ),
        card(
            key="registrations.offers_expiring",
            title=_("Waiting-list offers expiring within a day"),
            count=offers,
            url=f"{index}#offers",
            group=group,
            when_any=Severity.ATTENTION,
        ),
        card(
            key="registrations.below_minimum",
            title=_("Courses below minimum enrolment"),
            count=counts["below"],
            url=f"{index}#below-minimum",
            group=group,
            when_any=Severity.ATTENTION,
        ),
    ]
