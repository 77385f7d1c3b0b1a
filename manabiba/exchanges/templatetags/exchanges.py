"""``{% exchange_section program %}`` on a programme's page and ``{% exchange_training_history group %}``
on a group's staff page: the programmes and communities apps show them without importing this app
(as they show registrations' box). The section shows nothing personal: the page may be cached whole."""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from manabiba.communities.models import CommunityGroup
from manabiba.exchanges import selectors
from manabiba.exchanges.models import ExchangeMeeting, TimetableSlot
from manabiba.programs.models import Program

register = template.Library()


@register.inclusion_tag("exchanges/_section.html")
def exchange_section(program: Program) -> dict[str, Any]:
    meeting = selectors.meeting_for(program)
    if meeting is None or not selectors.is_public(program):
        return {"meeting": None}
    return {
        "program": program,
        "meeting": meeting,
        "stages": selectors.timetable(program) if meeting.timetable_published_at else [],
        "tables": selectors.floor_list(program),
        "materials": selectors.public_materials(program),
        "mix": selectors.generation_mix(program),
        "refresh": False,
        # After the day the group page is for introductions and the survey, not for taking part.
        "ended": program.last_ends_at is not None and program.last_ends_at < timezone.now(),
    }


@register.inclusion_tag("exchanges/_training_history.html")
def exchange_training_history(group: CommunityGroup) -> dict[str, Any]:
    return {"rows": selectors.group_training_history(group), "training": ExchangeMeeting.Format.TRAINING}


@register.filter
def slot_time(slot: TimetableSlot) -> str:
    """``13:30〜13:50`` (Japanese) or ``13:30–13:50``."""
    starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    dash = "–" if (get_language() or "ja").startswith("en") else "〜"
    return f"{starts:%H:%M}{dash}{ends:%H:%M}"
