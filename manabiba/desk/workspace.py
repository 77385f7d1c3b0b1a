"""The desk's cards on the staff workspace: appointments today and tomorrow, gaps in this week's roster."""

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.desk import selectors
from manabiba.desk.models import Appointment

ROSTER_WEEK = 7


def desk_cards(user: Any, now: datetime) -> list[Card]:
    today = timezone.localtime(now, selectors.local_zone()).date()
    group = _("One-stop desk")
    cards = []
    if has_permission(user, "desk.view_appointments"):
        days = {"today": today, "tomorrow": today + timedelta(days=1)}

        def on(day: Any) -> Q:
            return Q(
                starts_at__gte=selectors.at(day, time.min),
                starts_at__lt=selectors.at(day + timedelta(days=1), time.min),
            )

        counts = Appointment.objects.filter(status=Appointment.Status.BOOKED).aggregate(
            **{name: Count("pk", filter=on(day)) for name, day in days.items()}
        )
        appointments = reverse("staff_desk:appointments")
        titles = {"today": _("Desk appointments today"), "tomorrow": _("Desk appointments tomorrow")}
        cards += [
            card(
                key=f"desk.appointments_{name}",
                title=titles[name],
                count=counts[name],
                url=f"{appointments}?from={day.isoformat()}&days=1",
                group=group,
            )
            for name, day in days.items()
        ]
    if has_permission(user, "desk.manage_roster"):
        gaps = selectors.roster_gaps(today, ROSTER_WEEK)
        cards.append(
            card(
                key="desk.roster_gaps",
                title=_("Roster gaps in the next seven days"),
                count=len(gaps),
                url=f"{reverse('staff_desk:roster')}?from={today.isoformat()}&days={ROSTER_WEEK}",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
    return cards
