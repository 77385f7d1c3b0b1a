"""Who may change and publish which programme."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from manabiba.accounts.permissions import has_permission
from manabiba.programs.models import Organizer, Program


def _is_own_department(user: AbstractBaseUser | AnonymousUser, organizer: Organizer) -> bool:
    department_id = getattr(user, "department_id", None)
    return department_id is not None and organizer.department_id == department_id


def can_edit_program(user: AbstractBaseUser | AnonymousUser, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    if has_permission(user, "programs.review"):
        return True
    if has_permission(user, "programs.publish_own") and _is_own_department(user, program.organizer):
        return True
    return program.created_by_id == user.pk and program.status in {Program.Status.DRAFT, Program.Status.SUBMITTED}


def can_publish_program(user: AbstractBaseUser | AnonymousUser, program: Program) -> bool:
    """The coordinator publishes anything; department staff their own department's programmes."""
    if has_permission(user, "programs.review"):
        return True
    return has_permission(user, "programs.publish_own") and _is_own_department(user, program.organizer)


def can_manage_program(user: AbstractBaseUser | AnonymousUser, program: Program) -> bool:
    """Whether someone runs this programme: the coordinator, its department's staff, the organiser's
    editors (a group's owner and editors, a citizen lecturer) and whoever created it. They see its
    applicants; nobody else does."""
    if not user.is_authenticated:
        return False
    if has_permission(user, "programs.review"):
        return True
    if has_permission(user, "programs.publish_own") and _is_own_department(user, program.organizer):
        return True
    if program.created_by_id == user.pk or program.organizer.user_id == user.pk:
        return True
    return program.organizer.editors.filter(pk=user.pk).exists()


# Filters that every programme matches and that none does, for the ``*_q`` twins below. (An empty
# ``Q()`` would vanish when ORed with another condition, turning "everything" into "that one".)
ALL_PROGRAMS = Q(pk__isnull=False)
NO_PROGRAM = Q(pk__in=[])


def program_manager_q(user: AbstractBaseUser | AnonymousUser, prefix: str = "") -> Q:
    """``can_manage_program`` as a filter on programmes (``prefix`` = ``"program__"`` from a related
    model), so lists and counts select the same programmes the object check allows, in one query
    whatever their number (a test holds the two together)."""
    if not user.is_authenticated:
        return Q(**{f"{prefix}pk__in": []})
    if has_permission(user, "programs.review"):
        return Q(**{f"{prefix}pk__isnull": False})
    mine = Q(**{f"{prefix}created_by_id": user.pk}) | Q(**{f"{prefix}organizer__user_id": user.pk})
    department_id = getattr(user, "department_id", None)
    if department_id is not None and has_permission(user, "programs.publish_own"):
        mine |= Q(**{f"{prefix}organizer__department_id": department_id})
    # Exists, not a join: a join through the editors would count a programme once per editor.
    editor = Organizer.editors.through.objects.filter(organizer_id=OuterRef(f"{prefix}organizer_id"), user_id=user.pk)
    return mine | Q(Exists(editor))
