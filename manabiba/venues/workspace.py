"""Room booking's cards on the staff workspace: user groups to approve, those flagged as possible
duplicates, and offers to help with a school's projects waiting for an answer."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.venues.models import ProjectVolunteer, UserGroup
from manabiba.venues.school_selectors import volunteers_to_answer_q


def _duplicate_of_another() -> Exists:
    """Whether another group not rejected shares a representative, address, phone or e-mail: the same
    test as ``selectors.user_group_duplicates``, as one subquery so the card costs one query."""
    same = Q()
    for key in ("representative_key", "address_key", "phone_key", "email_key"):
        same |= Q(**{key: OuterRef(key)}) & ~Q(**{key: ""})
    others = UserGroup.objects.exclude(pk=OuterRef("pk")).exclude(status=UserGroup.Status.REJECTED).filter(same)
    return Exists(others)


def venues_cards(user: Any, now: datetime) -> list[Card]:
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
