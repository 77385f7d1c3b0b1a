"""Object checks for room booking: whose facility, whose group, whose booking."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.permissions import has_permission
from manabiba.facilities.models import Facility
from manabiba.programs.permissions import can_manage_program
from manabiba.venues.models import Booking, UserGroup

Person = AbstractBaseUser | AnonymousUser


def can_manage_facility(user: Person, facility: Facility) -> bool:
    """Coordinators manage every facility; facility staff the ones they are assigned to."""
    if has_permission(user, "venues.manage_all_facilities"):
        return True
    return has_permission(user, "venues.manage_facility") and facility.staff.filter(pk=user.pk).exists()


def can_book_on_behalf(user: Person, facility: Facility) -> bool:
    """Desk staff and coordinators book any room for a caller; facility staff only their facility's."""
    if not has_permission(user, "venues.book_on_behalf"):
        return False
    return has_permission(user, "venues.book_any_facility") or facility.staff.filter(pk=user.pk).exists()


def can_manage_school(user: Person, school: Facility) -> bool:
    """School staff run their own school's calendar, 学校開放 rules, projects and volunteers; coordinators
    every school's. A school is a facility whose staff (``Facility.staff``) are the school's staff."""
    return school.is_school and can_manage_facility(user, school)


def is_group_owner(user: Person, group: UserGroup | None) -> bool:
    return group is not None and user.is_authenticated and group.owner_id == user.pk


def can_view_booking(user: Person, booking: Booking) -> bool:
    if is_group_owner(user, booking.group):
        return True
    if booking.program is not None and can_manage_program(user, booking.program):
        return True
    return has_permission(user, "venues.book_on_behalf") or can_manage_facility(user, booking.room.facility)


def can_cancel_booking(user: Person, booking: Booking) -> bool:
    if booking.program is not None and can_manage_program(user, booking.program):
        return True
    return is_group_owner(user, booking.group) or can_book_on_behalf(user, booking.room.facility)
