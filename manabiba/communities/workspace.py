"""The community groups' cards on the staff workspace: sign-ups to review, reports, stale groups."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.communities.models import AbuseReport, CommunityGroup
from manabiba.communities.selectors import REVIEW_STATUSES
from manabiba.core.workspace import Card, Severity, card


def community_cards(user: Any, now: datetime) -> list[Card]:
    cards: list[Card] = []
    group = _("Community groups")
    if has_permission(user, "communities.review"):
        counts = CommunityGroup.objects.aggregate(
            review=Count("pk", filter=Q(status__in=REVIEW_STATUSES)),
            stale=Count("pk", filter=Q(status=CommunityGroup.Status.APPROVED, confirmation_requested_at__isnull=False)),
        )
        cards.append(
            card(
                key="communities.review",
                title=_("Groups awaiting approval or changes"),
                count=counts["review"],
                url=reverse("staff_communities:review"),
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
        cards.append(
            card(
                key="communities.stale",
                title=_("Groups that have not confirmed they are active"),
                count=counts["stale"],
                url=reverse("staff_communities:stale"),
                group=group,
            )
        )
    if has_permission(user, "communities.moderate"):
        reported = AbuseReport.objects.filter(status=AbuseReport.Status.OPEN).count()
        cards.append(
            card(
                key="communities.reported",
                title=_("Groups and posts reported"),
                count=reported,
                url=reverse("staff_communities:moderation") + "#reports",
                group=group,
                when_any=Severity.ATTENTION,
            )
        )
    return cards
