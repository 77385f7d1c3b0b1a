"""Object checks for the desk: who may see and cancel an appointment."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.permissions import has_permission
from manabiba.desk.models import Appointment


def can_view_appointment(user: AbstractBaseUser | AnonymousUser, appointment: Appointment) -> bool:
    if not user.is_authenticated:
        return False
    return appointment.resident_id == user.pk or has_permission(user, "desk.view_appointments")


def can_cancel_appointment(user: AbstractBaseUser | AnonymousUser, appointment: Appointment) -> bool:
    if not user.is_authenticated:
        return False
    return appointment.resident_id == user.pk or has_permission(user, "desk.manage_appointments")
