"""Room booking's cards on the staff workspace: rounds to draw, attendance to mark, regular slots to
approve; user groups to approve and those flagged as possible duplicates; offers to help with a
school's projects waiting for an answer."""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Counted, Severity, counted_cards
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
    index = reverse("staff_venues:allocation")
    return counted_cards(
        [
            Counted(
                key="venues.rounds_due",
                title=_("Room lottery rounds to draw"),
                rows=LotteryRound.objects.filter(facility__in=facilities),
                where=rounds_due_filter(now),
                url=f"{index}#rounds-due",
                when_any=Severity.OVERDUE,
            ),
            Counted(
                key="venues.attendance_due",
                title=_("Bookings to mark as attended or no-show"),
                rows=Booking.objects.filter(room__facility__in=facilities),
                where=attendance_due_filter(now),
                url=f"{index}#attendance",
            ),
            Counted(
                key="venues.regular_requests",
                title=_("Regular weekly slots to approve"),
                rows=RegularSlot.objects.filter(room__facility__in=facilities),
                where=regular_slots_for_review_filter(),
                url=f"{index}#regular",
            ),
        ],
        group=_("Room booking"),
    )


def _duplicate_of_another() -> Exists:
    """Whether another group not rejected shares a representative, address, phone or e-mail: the same
    test as ``selectors.user_group_duplicates``, as one subquery so the card costs one query."""
    same = Q()
    for key in ("representative_key", "address_key", "phone_key", "email_key"):
        same |= Q(**{key: OuterRef(key)}) & ~Q(**{key: ""})
    others = UserGroup.objects.exclude(pk=OuterRef("pk")).exclude(status=UserGroup.Status.REJECTED).filter(same)
    return Exists(others)


def _group_and_school_cards(user: Any) -> list[Card]:
    cards = []
    if has_permission(user, "venues.review_groups"):
        pending = UserGroup.objects.filter(status=UserGroup.Status.PENDING).annotate(duplicate=_duplicate_of_another())
        groups = reverse("staff_venues:groups")
        cards += [
            Counted(
                key="venues.groups_to_approve", title=_("User groups to approve"), rows=pending, url=f"{groups}#pending"
            ),
            Counted(
                key="venues.duplicates_flagged",
                title=_("Groups to approve flagged as possible duplicates"),
                rows=pending,
                where=Q(duplicate=True),
                url=f"{groups}#flagged",
            ),
        ]
    answer = volunteers_to_answer_q(user) if has_permission(user, "venues.manage_facility") else None
    if answer is not None:
        cards.append(
            Counted(
                key="venues.volunteers_to_answer",
                title=_("Offers to help with school projects to answer"),
                rows=ProjectVolunteer.objects.all(),
                where=answer,
                url=f"{reverse('staff_venues:schools')}#offers",
            )
        )
    return counted_cards(cards, group=_("Room booking"))
