"""A programme written by city staff goes out under their department or facility, never under their
own name as a citizen lecturer (issue 15 item 5)."""

from typing import Any

import pytest
from django.test import Client

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.facilities.factories import FacilityFactory
from manabiba.facilities.models import Facility
from manabiba.programs.models import Organizer, Program
from manabiba.programs.services import program_publish
from tests.programs.test_staff_views import form_data

pytestmark = pytest.mark.django_db


def _write_and_publish(client: Client, author: User, coordinator: User) -> Program:
    client.force_login(author)
    response = client.post("/staff/programs/new/", form_data(title="公民館のスマホ教室"))
    assert response.status_code == 302
    program = Program.objects.get(title="公民館のスマホ教室")
    return program_publish(program=program, actor=coordinator)


def _public_page(client: Client, program: Program) -> str:
    client.logout()
    return client.get(f"/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()


def test_facility_staff_write_for_their_facility(make_persona: Any, coordinator: User, client: Client) -> None:
    hall = FacilityFactory(name="田無公民館", kind=Facility.Kind.KOMINKAN)
    clerk = make_persona(Role.FACILITY_STAFF, full_name="公民館 花子")
    hall.staff.add(clerk)

    program = _write_and_publish(client, clerk, coordinator)

    organizer = program.organizer
    assert (organizer.kind, organizer.name, organizer.facility, organizer.user) == (
        Organizer.Kind.DEPARTMENT,
        "田無公民館",
        hall,
        None,
    )
    page = _public_page(client, program)
    assert "田無公民館" in page
    assert "公民館 花子" not in page
    assert "市民講師" not in page


def test_school_staff_write_for_their_school(make_persona: Any, coordinator: User, client: Client) -> None:
    school = FacilityFactory(name="田無小学校", kind=Facility.Kind.SCHOOL_ELEMENTARY)
    teacher = make_persona(Role.FACILITY_STAFF, full_name="学校 先生")
    school.staff.add(teacher)

    program = _write_and_publish(client, teacher, coordinator)

    assert (program.organizer.kind, program.organizer.name) == (Organizer.Kind.SCHOOL, "田無小学校")


def test_department_staff_write_for_their_department(make_persona: Any, coordinator: User, client: Client) -> None:
    department = DepartmentFactory(name="文化振興課")
    clerk = make_persona(Role.DEPARTMENT_STAFF, department=department, full_name="文化 職員")

    program = _write_and_publish(client, clerk, coordinator)

    assert (program.organizer.kind, program.organizer.name) == (Organizer.Kind.DEPARTMENT, "文化振興課")


def test_staff_with_neither_department_nor_facility_write_for_the_city(
    make_persona: Any, coordinator: User, client: Client, settings: Any
) -> None:
    settings.CITY_NAME = "西東京市"
    clerk = make_persona(Role.FACILITY_STAFF, full_name="所属 未設定")

    program = _write_and_publish(client, clerk, coordinator)

    assert (program.organizer.kind, program.organizer.name) == (Organizer.Kind.DEPARTMENT, "西東京市")
    assert "所属 未設定" not in _public_page(client, program)


def test_a_talent_still_writes_as_a_citizen_lecturer(make_persona: Any, client: Client) -> None:
    lecturer = make_persona(Role.TALENT, full_name="講師 一郎")
    client.force_login(lecturer)
    client.post("/staff/programs/new/", form_data(title="朗読の会"))

    organizer = Program.objects.get(title="朗読の会").organizer
    assert (organizer.kind, organizer.name, organizer.user) == (Organizer.Kind.CITIZEN, "講師 一郎", lecturer)
