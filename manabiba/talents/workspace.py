"""The talent bank's cards on the staff workspace: cards to screen, introductions to forward."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Severity, card
from manabiba.talents.models import IntroductionRequest, TalentProfile
from manabiba.talents.selectors import SCREENING_STATUSES


def talent_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "talents.review"):
        return []
    group = _("Talent bank")
    queue = reverse("staff_talents:queue")
    screening = TalentProfile.objects.aggregate(n=Count("pk", filter=Q(status__in=SCREENING_STATUSES)))["n"]
    forward = IntroductionRequest.objects.filter(status=IntroductionRequest.Status.SUBMITTED).count()
    return [
        card(
            key="talents.screening",
            title=_("Talent cards to screen"),
            count=screening,
            url=f"{queue}#screening",
            group=group,
            when_any=Severity.ATTENTION,
        ),
        card(
            key="talents.introductions",
            title=_("Introduction requests to forward"),
            count=forward,
            url=f"{queue}#introductions",
            group=group,
            when_any=Severity.ATTENTION,
        ),
    ]
