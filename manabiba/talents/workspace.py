"""The talent bank's cards on the staff workspace: cards to screen, introductions to forward."""

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.workspace import Card, Counted, counted_cards
from manabiba.talents.models import IntroductionRequest, TalentProfile
from manabiba.talents.selectors import SCREENING_STATUSES


def talent_cards(user: Any, now: datetime) -> list[Card]:
    if not has_permission(user, "talents.review"):
        return []
    queue = reverse("staff_talents:queue")
    return counted_cards(
        [
            Counted(
                key="talents.screening",
                title=_("Talent cards to screen"),
                rows=TalentProfile.objects.all(),
                where=Q(status__in=SCREENING_STATUSES),
                url=f"{queue}#screening",
            ),
            Counted(
                key="talents.introductions",
                title=_("Introduction requests to forward"),
                rows=IntroductionRequest.objects.all(),
                where=Q(status=IntroductionRequest.Status.SUBMITTED),
                url=f"{queue}#introductions",
            ),
        ],
        group=_("Talent bank"),
    )
