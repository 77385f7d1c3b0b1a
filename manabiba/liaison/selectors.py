"""Reads for liaison meetings and their action items."""

from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from manabiba.liaison.models import ActionItem, LiaisonMeeting
from manabiba.liaison.permissions import can_manage_meetings


class ActionState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    ALL = "all"


OPEN_Q = Q(status=ActionItem.Status.OPEN)


def overdue_q(today: date) -> Q:
    """Open and past its due date (an item due today is not overdue yet)."""
    return OPEN_Q & Q(due_on__lt=today)


def action_items_scope(user: Any) -> QuerySet[ActionItem]:
    """The items a person's workspace follows: every item for the coordinator, the department's own for its staff.

    The workspace card counts from this, and the list it links to filters it, so the two agree.
    """
    items = ActionItem.objects.all()
    if can_manage_meetings(user):
        return items
    department_id = getattr(user, "department_id", None)
    if department_id is None:
        return items.none()
    return items.filter(owner_id=department_id)


def state_q(state: ActionState, today: date) -> Q:
    if state == ActionState.OPEN:
        return OPEN_Q
    if state == ActionState.OVERDUE:
        return overdue_q(today)
    if state == ActionState.DONE:
        return Q(status=ActionItem.Status.DONE)
    return Q()


def action_items_for(user: Any, *, state: ActionState, today: date) -> QuerySet[ActionItem]:
    return (
        action_items_scope(user)
        .filter(state_q(state, today))
        .select_related("owner", "meeting", "done_by")
        .order_by("status", "due_on", "pk")
    )


def meeting_list() -> QuerySet[LiaisonMeeting]:
    return LiaisonMeeting.objects.prefetch_related("departments", "action_items").order_by("-held_on", "-pk")


def meeting_detail(meeting_id: int) -> LiaisonMeeting | None:
    return (
        LiaisonMeeting.objects.select_related("created_by")
        .prefetch_related(
            "departments",
            Prefetch(
                "action_items", queryset=ActionItem.objects.select_related("owner", "done_by").order_by("due_on", "pk")
            ),
        )
        .filter(pk=meeting_id)
        .first()
    )


def action_item_detail(item_id: int) -> ActionItem | None:
    return ActionItem.objects.select_related("owner", "meeting", "done_by").filter(pk=item_id).first()
