"""Who may do what with liaison meetings: the coordinator records them; a department closes its own items."""

from typing import Any

from manabiba.accounts.permissions import has_permission
from manabiba.liaison.models import ActionItem


def can_manage_meetings(user: Any) -> bool:
    return has_permission(user, "liaison.manage_meetings")


def can_close_action(user: Any, item: ActionItem) -> bool:
    """The coordinator closes any item; department staff only their own department's."""
    if can_manage_meetings(user):
        return True
    return has_permission(user, "liaison.close_actions") and getattr(user, "department_id", None) == item.owner_id
