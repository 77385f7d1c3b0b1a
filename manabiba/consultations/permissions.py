"""Who may see and handle which consultation.

- Coordinators and administrators see every consultation.
- Department staff see the consultations routed to their department, and any assigned to them.
- Desk staff log consultations and route them: they handle those not yet routed to a department
  (the desk's intake), those they logged and those assigned to them. Once a consultation is
  handed to a department, the department and the coordinator hold it; the desk member who routed
  it keeps reading it (to tell a resident who calls what is happening) but no longer handles it.
- A guest's consultation is seen by nobody on the staff until the guest has confirmed the e-mail
  address, unless a staff member logged it (by phone or at the counter).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from manabiba.accounts.permissions import has_permission
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation, Message

AnyUser = AbstractBaseUser | AnonymousUser


def routed_by_filter(user: AnyUser) -> Q:
    """The consultations ``user`` has routed (each routing is an event in the thread by who did it)."""
    return Q(Exists(Message.objects.filter(consultation=OuterRef("pk"), kind=Message.Kind.EVENT, author_id=user.pk)))


def visible_filter(user: AnyUser, *, handling: bool = False) -> Q | None:
    """The consultations ``user`` may open (with ``handling``: answer and route), as a filter; None when none."""
    if not has_permission(user, "consultations.answer") and not has_permission(user, "consultations.view_all"):
        return None
    ready = Q(confirmed_at__isnull=False) | Q(logged_by__isnull=False)
    if has_permission(user, "consultations.view_all"):
        return ready
    mine = Q(assignee_id=user.pk) | Q(logged_by_id=user.pk)
    allowed = mine
    department_id = getattr(user, "department_id", None)
    role_set: frozenset[str] = getattr(user, "role_set", frozenset())
    if department_id is not None and Role.DEPARTMENT_STAFF in role_set:
        allowed |= Q(department_id=department_id)
    if Role.DESK_STAFF in role_set:
        allowed |= Q(department__isnull=True)
        if not handling:
            allowed |= routed_by_filter(user)
    return ready & allowed


def can_view_consultation(user: AnyUser, consultation: Consultation, *, handling: bool = False) -> bool:
    condition = visible_filter(user, handling=handling)
    if condition is None or consultation.anonymised_at is not None:
        return False
    return Consultation.objects.filter(condition, pk=consultation.pk).exists()


def can_answer_consultation(user: AnyUser, consultation: Consultation) -> bool:
    return has_permission(user, "consultations.answer") and can_view_consultation(user, consultation, handling=True)


def can_route_consultation(user: AnyUser, consultation: Consultation) -> bool:
    return has_permission(user, "consultations.route") and can_view_consultation(user, consultation, handling=True)
