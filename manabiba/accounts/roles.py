"""The roles people hold on the portal; what each may do is declared in permissions.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    GROUP_ORGANISER = "group_organiser", _("group organiser")
    TALENT = "talent", _("talent-bank member")
    DEPARTMENT_STAFF = "department_staff", _("department staff")
    DESK_STAFF = "desk_staff", _("desk staff")
    FACILITY_STAFF = "facility_staff", _("school or facility staff")
    COORDINATOR = "coordinator", _("lifelong-learning coordinator")
    ADMINISTRATOR = "administrator", _("administrator")
    # An external member of the proposal review committee: sees the proposals assigned to them, nothing else.
    REVIEWER = "reviewer", _("proposal review committee member")


STAFF_ROLES = frozenset(
    {Role.DEPARTMENT_STAFF, Role.DESK_STAFF, Role.FACILITY_STAFF, Role.COORDINATOR, Role.ADMINISTRATOR}
)
