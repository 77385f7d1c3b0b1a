"""Room booking's cards on the staff workspace: rounds to draw, attendance to mark, regular slots to approve."""

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.facilities.models import Facility
from manabiba.venues.models import Booking, LotteryRound, RegularSlot
from manabiba.venues.selectors import attendance_due_filter, regular_slots_for_review_filter, rounds_due_filter


def managed_facilities(user: Any) -> Any:
    """The facilities whose rounds, bookings and requests ``user`` handles."""
    if has_permission(user, "venues.manage_all_facilities"):
        return Facility.objects.all()
    return Facility.objects.filter(staff=user)


def venue_cards(user: Any, now: datetime) -> list[Card]:
    # Facility staff see their own facilities' work; coordinators every facility's.
    if not has_permission(user, "venues.manage_facility"):
        return []
    facilities = managed_facilities(user)
    rounds = LotteryRound.objects.filter(facility__in=facilities).aggregate(
        due=Count("pk", filter=rounds_due_filter(now))
    )["due"]
    marks = Booking.objects.filter(room__facility__in=facilities).aggregate(
        due=Count("pk", filter=attendance_due_filter(now))
    )["due"]
    regular = RegularSlot.objects.filter(room__facility__in=facilities).aggregate(
        due=Count("pk", filter=regular_slots_for_review_filter())
    )["due"]
    index = reverse("staff_venues:allocation")
    group = _("Room booking")
    return [
        card(
            key="venues.rounds_due",
            title=_("Room lottery rounds to draw"),
            count=rounds,
            url=f"{index}#rounds-due",
            group=group,
            when_any=Severity.OVERDUE,
        ),
        card(
            key="venues.attendance_due",
            title=_("Bookings to mark as attended or no-show"),
            count=marks,
            url=f"{index}#attendance",
            group=group,
            when_any=Severity.ATTENTION,
        ),
        card(
            key="venues.regular_requests",
            title=_("Regular weekly slots to approve"),
            count=regular,
            url=f"{index}#regular",
            group=group,
            when_any=Severity.ATTENTION,
        ),
    ]
