"""Who may do what at an exchange meeting: the staff who run the programme coordinate it; a group's
owner and editors act for their group (apply, register members, upload materials, ask for introductions)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.permissions import has_permission
from manabiba.communities.models import CommunityGroup
from manabiba.communities.permissions import can_edit_group
from manabiba.programs.models import Program
from manabiba.programs.permissions import can_manage_program

AnyUser = AbstractBaseUser | AnonymousUser


def can_coordinate(user: AnyUser, program: Program) -> bool:
    """Staff who hold ``exchanges.manage`` and run this programme (the coordinator runs every one, a
    department its own): they decide presentations and tables, build the timetable, see attendance.
    A group that organises a programme does not coordinate other groups through it."""
    return has_permission(user, "exchanges.manage") and can_manage_program(user, program)


def can_act_for_group(user: AnyUser, group: CommunityGroup) -> bool:
    """A listed group's owner and editors act for it at meetings."""
    return group.is_listed and can_edit_group(user, group)
