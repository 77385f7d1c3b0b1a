"""Room booking's cards on the staff workspace: rounds to draw, attendance to mark, regular slots to
approve; user groups to approve and those flagged as possible duplicates; offers to help with a
school's projects waiting for an answer."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.facilities.models import Facility
from manabiba.venues.models import Booking, LotteryRound, ProjectVolunteer, RegularSlot, UserGroup
from manabiba.venues.school_selectors import volunteers_to_answer_q
from manabiba.venues.selectors import attendance_due_filter, regular_slots_for_review_filter, rounds_due_filter


def managed_facilities(user: Any) -> Any:
    """The facilities whose rounds, bookings and requests ``user`` handles."""
    if has_permission(user, "venues.manage_all_facilities"):
        return Facility.objects.all()
    return Facility.objects.filter(staff=user)


def venues_cards(user: Any, now: datetime) -> list[Card]:
    return [*_allocation_cards(user, now), *_group_and_school_cards(user)]


def _allocation_cards(user: Any, now: datetime) -> list[Card]:
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


def _duplicate_of_another() -> Exists:
    """Whether another group not rejected shares a representative, address, phone or e-mail: the same
    test as ``selectors.user_group_duplicates``, as one subquery so the card costs one query."""
    same = Q()
    for key in ("representative_key", "address_key", "phone_key", "email_key"):
        same |= Q(**{key: OuterRef(key)}) & ~Q(**{key: ""})
    others = UserGroup.objects.exclude(pk=OuterRef("pk")).exclude(status=UserGroup.Status.REJECTED).filter(same)
    return Exists(others)


def _group_and_school_cards(user: Any) -> list[Card]:
    group = _("Room booking")
    cards = []
    if has_permission(user, "venues.review_groups"):
        counts = (
            UserGroup.objects.filter(status=UserGroup.Status.PENDING)
            .annotate(duplicate=_duplicate_of_another())
            .aggregate(pending=Count("pk"), flagged=Count("pk", filter=Q(duplicate=True)))
        )
        cards.append(
            card(
                key="venues.groups_to_approve",
                title=_("User groups to approve"),
                count=counts["pending"],
                url=f"{reverse('staff_venues:groups')}#pending",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
        cards.append(
            card(
                key="venues.duplicates_flagged",
                title=_("Groups to approve flagged as possible duplicates"),
                count=counts["flagged"],
                url=f"{reverse('staff_venues:groups')}#flagged",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
    answer = volunteers_to_answer_q(user) if has_permission(user, "venues.manage_facility") else None
    if answer is not None:
        cards.append(
            card(
                key="venues.volunteers_to_answer",
                title=_("Offers to help with school projects to answer"),
                count=ProjectVolunteer.objects.filter(answer).count(),
                url=f"{reverse('staff_venues:schools')}#offers",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
    return cards
