"""Organisers see only their own programmes' registrants; the desk and the coordinator see all."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry
from manabiba.programs.factories import OrganizerFactory
from manabiba.registrations.permissions import (
    can_cancel_registration,
    can_export_participants,
    can_manage_registrations,
    can_register_on_behalf,
    can_view_registrants,
)
from manabiba.registrations.selectors import program_registrants
from manabiba.registrations.services import registration_submit

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db


def test_who_sees_a_programmes_registrants(
    make_program: MakeProgram, make_persona: Callable[..., User], resident: User
) -> None:
    group = OrganizerFactory(group=True)
    editor = make_persona(Role.GROUP_ORGANISER)
    group.editors.add(editor)
    own = make_program(program_fields={"organizer": group})
    other = make_program()
    coordinator = make_persona(Role.COORDINATOR)
    desk = make_persona(Role.DESK_STAFF)
    department = make_persona(Role.DEPARTMENT_STAFF, department=other.organizer.department)
    foreign_department = make_persona(Role.DEPARTMENT_STAFF)

    assert can_view_registrants(editor, own)
    assert not can_view_registrants(editor, other)
    assert can_view_registrants(coordinator, own)
    assert can_view_registrants(desk, own)
    assert can_view_registrants(department, other)
    assert not can_view_registrants(department, own)
    assert not can_view_registrants(foreign_department, other)
    assert not can_view_registrants(resident, own)

    assert can_manage_registrations(department, other)
    assert not can_manage_registrations(desk, other)
    assert not can_manage_registrations(editor, own)
    assert can_register_on_behalf(desk, own)
    assert not can_register_on_behalf(resident, own)
    assert can_export_participants(editor, own)
    assert not can_export_participants(desk, own)


def test_looking_at_registrants_is_logged_and_refused_to_others(
    make_program: MakeProgram, make_persona: Callable[..., User], resident: User
) -> None:
    program = make_program()
    registration = registration_submit(program=program, user=resident, consent=True)
    outsider = make_persona(Role.FACILITY_STAFF)
    with pytest.raises(PermissionDenied):
        program_registrants(program=program, viewer=outsider, view="list")
    desk = make_persona(Role.DESK_STAFF)
    assert list(program_registrants(program=program, viewer=desk, view="list")) == [registration]
    entry = AuditEntry.objects.get(action="registrations.personal_data.viewed", actor=desk)
    assert entry.target_id == str(program.pk)
    assert entry.data == {"view": "list"}
    assert not AuditEntry.objects.filter(action="registrations.personal_data.viewed", actor=outsider).exists()


def test_who_may_cancel(make_program: MakeProgram, make_persona: Callable[..., User], resident: User) -> None:
    program = make_program()
    registration = registration_submit(program=program, user=resident, consent=True)
    assert can_cancel_registration(resident, registration)
    assert can_cancel_registration(make_persona(Role.DESK_STAFF), registration)
    assert not can_cancel_registration(make_persona(Role.FACILITY_STAFF), registration)
    assert not can_cancel_registration(make_persona(Role.DEPARTMENT_STAFF), registration)
