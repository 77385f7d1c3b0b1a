"""Who may see and handle which support request.

- The coordinator (and administrators) see every request in full, split it, close it and publish
  case studies.
- Every department's staff see every request's summary (what is asked, its parts and their
  states), so that a department knows what the others are doing for a group; the contact details
  and the thread only when their department holds a part of it, and they answer only their own
  department's parts.
- A group's owner and editors ask for help in the group's name and see only their group's
  requests: the parts' states and the thread without the staff's internal notes.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.permissions import has_permission
from manabiba.communities.models import CommunityGroup
from manabiba.communities.permissions import membership_of
from manabiba.support.models import SupportRequest, SupportTask

AnyUser = AbstractBaseUser | AnonymousUser


def can_ask_for(user: AnyUser, group: CommunityGroup) -> bool:
    """A group's owner or editor asks in its name, once the coordinator has approved the group."""
    return group.status == CommunityGroup.Status.APPROVED and membership_of(user, group) is not None


def is_requesting_group_member(user: AnyUser, request: SupportRequest) -> bool:
    return (
        request.group is not None and request.anonymised_at is None and membership_of(user, request.group) is not None
    )


def can_view_summary(user: AnyUser) -> bool:
    return has_permission(user, "support.view")


def can_manage(user: AnyUser) -> bool:
    return has_permission(user, "support.manage")


def _department_id(user: AnyUser) -> int | None:
    department_id = getattr(user, "department_id", None)
    return int(department_id) if department_id is not None else None


def holds_a_part(user: AnyUser, request: SupportRequest) -> bool:
    department_id = _department_id(user)
    return department_id is not None and request.tasks.filter(department_id=department_id).exists()


def can_handle_request(user: AnyUser, request: SupportRequest) -> bool:
    """Sees the contact details and the whole thread, and writes in it: the coordinator, and the
    departments that hold a part."""
    if can_manage(user):
        return True
    return has_permission(user, "support.answer") and holds_a_part(user, request)


def can_answer_task(user: AnyUser, task: SupportTask) -> bool:
    """A department's staff answer their own department's part; the coordinator any part."""
    if task.request.anonymised_at is not None:
        return False
    if can_manage(user):
        return True
    return has_permission(user, "support.answer") and _department_id(user) == task.department_id
