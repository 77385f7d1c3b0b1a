"""Registrations' cards on the staff workspace: lotteries to draw, offers expiring, courses below minimum."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Counted, Severity, counted_cards
from manabiba.programs.models import Program
from manabiba.programs.permissions import program_manager_q
from manabiba.registrations.models import Registration
from manabiba.registrations.selectors import below_minimum_filter, lottery_due_filter, offers_expiring_filter


def registration_cards(user: Any, now: datetime) -> list[Card]:
    # Drawing, deciding on minimum enrolment and following offers are for whoever runs the programme.
    if not has_permission(user, "registrations.manage"):
        return []
    programs = Program.objects.filter(program_manager_q(user))
    index = reverse("staff_registrations:index")
    return counted_cards(
        [
            Counted(
                key="registrations.draw_due",
                title=_("Lotteries to draw"),
                rows=programs,
                where=lottery_due_filter(now),
                url=f"{index}#draw-due",
                when_any=Severity.OVERDUE,
            ),
            Counted(
                key="registrations.offers_expiring",
                title=_("Waiting-list offers expiring within a day"),
                rows=Registration.objects.filter(program_manager_q(user, "program__")),
                where=offers_expiring_filter(now),
                url=f"{index}#offers",
            ),
            Counted(
                key="registrations.below_minimum",
                title=_("Courses below minimum enrolment"),
                rows=programs,
                where=below_minimum_filter(now),
                url=f"{index}#below-minimum",
            ),
        ],
        group=_("Registrations"),
    )
