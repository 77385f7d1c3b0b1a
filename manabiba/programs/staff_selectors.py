"""Reads for the staff programme pages: whose programmes a person works on, and the review queue."""

from typing import Any

from django.db.models import Q, QuerySet

from manabiba.accounts.permissions import has_permission
from manabiba.programs.models import Organizer, Program


def programs_for_staff(user: Any) -> QuerySet[Program]:
    """The coordinator sees every programme; department staff their department's; others what they wrote."""
    programs = Program.objects.select_related("organizer").order_by("-updated_at", "-pk")
    if has_permission(user, "programs.review"):
        return programs
    # What they wrote, and what their organisers run (a group's events, written through the group's pages).
    mine = Q(created_by_id=user.pk) | Q(organizer__in=Organizer.objects.filter(editors=user.pk).values("pk"))
    department_id = getattr(user, "department_id", None)
    if department_id is not None and has_permission(user, "programs.publish_own"):
        mine |= Q(organizer__department_id=department_id)
    return programs.filter(mine)


def programs_waiting_for_review() -> QuerySet[Program]:
    """Submissions from groups and citizens, the longest-waiting first."""
    return (
        Program.objects.select_related("organizer", "created_by")
        .filter(status=Program.Status.SUBMITTED)
        .order_by("updated_at", "pk")
    )


# A returned submission goes back to draft with the coordinator's reason kept beside it.
RETURNED = Q(status=Program.Status.DRAFT) & ~Q(status_reason="")


def programs_returned(user: Any) -> QuerySet[Program]:
    """Submissions sent back to their authors and not yet submitted again, the oldest first."""
    return programs_for_staff(user).filter(RETURNED).order_by("updated_at", "pk")
