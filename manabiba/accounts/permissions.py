"""Named permissions and the roles that hold them: the one place that says who may do what.

Staff views declare ``permission = "<app>.<verb>"``; object checks are ``can_<verb>(user, obj)``.
Other apps add their permissions here as they arrive, so the whole matrix can be read at once.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.roles import STAFF_ROLES, Role

_COORDINATION = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # The staff workspace at /staff/.
    "staff.access_workspace": STAFF_ROLES,
    # People's names and contact details, as listed in the staff workspace.
    "accounts.view_people": _COORDINATION | {Role.DESK_STAFF},
    "accounts.manage_roles": _COORDINATION,
    "accounts.manage_departments": _COORDINATION,
    # "Sign out everywhere" for someone else: ends their sessions and revokes their API tokens.
    "accounts.end_sessions": _COORDINATION,
    "core.view_audit_log": _COORDINATION,
    # Mail that could not be delivered after every retry (the recipients' addresses are shown).
    "core.view_failed_mail": _COORDINATION,
    # Programmes: department staff publish their own department's; groups and citizens submit
    # theirs for the coordinator to review (see programs/permissions.py for the object checks).
    "programs.create": _COORDINATION | {Role.DEPARTMENT_STAFF, Role.FACILITY_STAFF, Role.GROUP_ORGANISER, Role.TALENT},
    "programs.publish_own": _COORDINATION | {Role.DEPARTMENT_STAFF, Role.FACILITY_STAFF},
    "programs.review": _COORDINATION,
    # Registrations: who may see and handle applicants (object checks in registrations/permissions.py).
    "registrations.register_on_behalf": _COORDINATION | {Role.DESK_STAFF, Role.DEPARTMENT_STAFF},
    "registrations.view_participants": _COORDINATION | {Role.DEPARTMENT_STAFF, Role.DESK_STAFF, Role.FACILITY_STAFF},
    "registrations.manage": _COORDINATION | {Role.DEPARTMENT_STAFF},
    "registrations.check_in": STAFF_ROLES,
    # The desk finds anyone's registration (a caller who wants to cancel); organisers see only theirs.
    "registrations.view_all_participants": _COORDINATION | {Role.DESK_STAFF},
    # Community groups: the coordinator screens sign-ups and moderates posts.
    "communities.review": _COORDINATION,
    "communities.moderate": _COORDINATION,
    # Learning consultations: the desk logs and routes them; departments answer what is routed to them.
    "consultations.log": _COORDINATION | {Role.DESK_STAFF, Role.DEPARTMENT_STAFF},
    "consultations.answer": _COORDINATION | {Role.DESK_STAFF, Role.DEPARTMENT_STAFF},
    "consultations.route": _COORDINATION | {Role.DESK_STAFF},
    "consultations.view_figures": _COORDINATION,
    # Coordinators see every consultation; others see what is routed to them (consultations/permissions.py).
    "consultations.view_all": _COORDINATION,
    "consultations.manage_canned": _COORDINATION,
    # The one-stop desk's calendar.
    "desk.manage_hours": _COORDINATION,
    "desk.manage_roster": _COORDINATION,
    "desk.view_appointments": _COORDINATION | {Role.DESK_STAFF},
    # Booking for a caller on the phone or at the counter, and cancelling anyone's appointment.
    "desk.manage_appointments": _COORDINATION | {Role.DESK_STAFF},
    # The talent bank: every signed-in person may register or ask for an introduction; the coordinator
    # screens cards, forwards introductions and sees contact details (talents/permissions.py).
    "talents.register": frozenset(Role),
    "talents.request_introduction": frozenset(Role),
    "talents.review": _COORDINATION,
    # Room booking: staff approve user groups (seeing possible duplicates); facility staff manage their own
    # facility's frames, closures and bookings, coordinators every facility's (venues/permissions.py).
    "venues.review_groups": _COORDINATION | {Role.FACILITY_STAFF},
    "venues.manage_facility": _COORDINATION | {Role.FACILITY_STAFF},
    "venues.manage_all_facilities": _COORDINATION,
    # Booking for a group that calls or comes to the counter, and seeing who booked what.
    "venues.book_on_behalf": _COORDINATION | {Role.DESK_STAFF, Role.FACILITY_STAFF},
    "venues.book_any_facility": _COORDINATION | {Role.DESK_STAFF},
    "venues.view_bookings": _COORDINATION | {Role.DESK_STAFF, Role.FACILITY_STAFF},
    # The figures at /staff/reports/: a department sees its own department's slice; the coordinator
    # sees the whole city and any department's (reports/selectors.py).
    "reports.view": _COORDINATION | {Role.DEPARTMENT_STAFF},
    "reports.view_all": _COORDINATION,
    # Citizen-proposal lectures: anyone signed in may propose (a committee member only as a resident);
    # the coordinator runs the calls and decides; staff and committee members review what they are
    # assigned, and nothing else (object checks in proposals/permissions.py).
    "proposals.propose": frozenset(Role) - {Role.REVIEWER},
    "proposals.manage": _COORDINATION,
    "proposals.review": STAFF_ROLES | {Role.REVIEWER},
    # One city across its departments: every member of staff reads the contact directory; a department
    # names its own contacts, the coordinator any department's (can_manage_department_contacts below).
    "accounts.view_department_contacts": STAFF_ROLES,
    "accounts.manage_department_contacts": _COORDINATION | {Role.DEPARTMENT_STAFF},
    # The planning calendar of every department's programmes, drafts included, and the editor's clash
    # warnings (programs/planning.py).
    "programs.view_planning": _COORDINATION | {Role.DEPARTMENT_STAFF, Role.FACILITY_STAFF},
    # Liaison meetings (庁内連絡会議): the coordinator records them and assigns action items; a department
    # closes its own items, the coordinator any (liaison/permissions.py).
    "liaison.view_meetings": _COORDINATION | {Role.DEPARTMENT_STAFF},
    "liaison.manage_meetings": _COORDINATION,
    "liaison.close_actions": _COORDINATION | {Role.DEPARTMENT_STAFF},
    # Support requests for community activities: the coordinator splits them into departments' tasks;
    # every department sees all requests' summaries and answers only its own tasks (support/permissions.py).
    "support.view": _COORDINATION | {Role.DEPARTMENT_STAFF},
    "support.answer": _COORDINATION | {Role.DEPARTMENT_STAFF},
    "support.manage": _COORDINATION,
    # Exchange meetings and joint training: the staff who run the programme decide presentations and
    # tables, build the timetable and record attendance (object check in exchanges/permissions.py).
    "exchanges.manage": _COORDINATION | {Role.DEPARTMENT_STAFF},
}


def roles_with(permission: str) -> frozenset[Role]:
    return PERMISSIONS.get(permission, frozenset())


def has_permission(user: AbstractBaseUser | AnonymousUser, permission: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    role_set: frozenset[str] = getattr(user, "role_set", frozenset())
    return bool(role_set & roles_with(permission))


def permissions_of(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    return sorted(name for name in PERMISSIONS if has_permission(user, name))


def can_manage_department_contacts(user: AbstractBaseUser | AnonymousUser | None, department: object) -> bool:
    """The coordinator edits any department's contacts; department staff only their own department's."""
    if user is None:
        return False
    if has_permission(user, "accounts.manage_departments"):
        return True
    return has_permission(user, "accounts.manage_department_contacts") and getattr(
        user, "department_id", None
    ) == getattr(department, "pk", object())
