"""Who may see and handle which programme's registrations.

Organisers (whoever ``can_manage_program``) see their own programmes' registrants and nobody
else's; the coordinator and the desk see everyone's (the desk finds a caller's registration).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from manabiba.accounts.permissions import has_permission
from manabiba.programs.models import Program
from manabiba.programs.permissions import ALL_PROGRAMS, NO_PROGRAM, can_manage_program, program_manager_q
from manabiba.registrations.models import Registration

AnyUser = AbstractBaseUser | AnonymousUser


def can_view_registrants(user: AnyUser, program: Program) -> bool:
    """Names and contact details of a programme's registrants."""
    if not user.is_authenticated:
        return False
    if has_permission(user, "registrations.view_all_participants"):
        return True
    return can_manage_program(user, program)


def can_manage_registrations(user: AnyUser, program: Program) -> bool:
    """Run the draw, reorder the waiting list, cancel others, decide on minimum enrolment, settings."""
    return has_permission(user, "registrations.manage") and can_manage_program(user, program)


def can_register_on_behalf(user: AnyUser, program: Program) -> bool:
    """Register a phone caller, a visitor at the counter or a postcard (代理申込).

    Only for programmes whose registrants the person may see: the desk registers for any, a
    department only for its own (the duplicate warning and the slip show registrants' details).
    """
    if has_permission(user, "registrations.register_on_behalf") and can_view_registrants(user, program):
        return True
    return can_manage_registrations(user, program)


# The same rules as filters on programmes, for the staff lists (a test holds each pair together).


def registrants_viewer_q(user: AnyUser) -> Q:
    """``can_view_registrants`` as a filter on programmes."""
    if not user.is_authenticated:
        return NO_PROGRAM
    if has_permission(user, "registrations.view_all_participants"):
        return ALL_PROGRAMS
    return program_manager_q(user)


def registrations_manager_q(user: AnyUser) -> Q:
    """``can_manage_registrations`` as a filter on programmes."""
    return program_manager_q(user) if has_permission(user, "registrations.manage") else NO_PROGRAM


def register_on_behalf_q(user: AnyUser) -> Q:
    """``can_register_on_behalf`` as a filter on programmes."""
    on_behalf = registrants_viewer_q(user) if has_permission(user, "registrations.register_on_behalf") else NO_PROGRAM
    return on_behalf | registrations_manager_q(user)


def can_check_in(user: AnyUser, program: Program) -> bool:
    """Record attendance: the programme's organisers, and staff at the door who may see its registrants."""
    if can_manage_program(user, program):
        return True
    return has_permission(user, "registrations.check_in") and can_view_registrants(user, program)


def can_export_participants(user: AnyUser, program: Program) -> bool:
    """The participant list as CSV: for the organiser only."""
    return can_manage_program(user, program)


def can_cancel_registration(user: AnyUser, registration: Registration) -> bool:
    """The person themself (within the cut-off, checked by the service), the desk, or the organiser's staff."""
    if not user.is_authenticated:
        return False
    if registration.user_id is not None and registration.user_id == user.pk:
        return True
    return is_staff_canceller(user, registration)


def is_staff_canceller(user: AnyUser, registration: Registration) -> bool:
    """Whether ``user`` cancels as staff (no cut-off) rather than as the registrant: the desk, or the
    programme's own staff."""
    program = registration.program
    if not can_view_registrants(user, program):
        return False
    return has_permission(user, "registrations.register_on_behalf") or can_manage_registrations(user, program)
