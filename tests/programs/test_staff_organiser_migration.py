"""Migration 0008: programmes staff wrote before ``author_organizer`` stop showing the writer as a
citizen lecturer (issue 15 item 5, the existing data)."""

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry
from manabiba.core.search import search_ids
from manabiba.facilities.factories import FacilityFactory
from manabiba.facilities.models import Facility
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import SEARCH_KIND

pytestmark = pytest.mark.django_db

migration = importlib.import_module("manabiba.programs.migrations.0008_staff_programs_organised_by_department")


def _as_citizen(person: User, **fields: Any) -> Program:
    """A programme as the old editor made it for staff: a citizen organiser named after the writer."""
    organizer = OrganizerFactory(citizen=True, name=person.full_name, user=person)
    return ProgramFactory(published=True, organizer=organizer, created_by=person, **fields)


def test_staff_programmes_move_to_the_department_facility_or_city(make_persona: Any, settings: Any) -> None:
    department = DepartmentFactory(name="社会教育課")
    clerk = make_persona(Role.DEPARTMENT_STAFF, full_name="課員 一郎", department=department)
    hall = FacilityFactory(name="田無公民館", kind=Facility.Kind.KOMINKAN)
    hall_clerk = make_persona(Role.FACILITY_STAFF, full_name="公民館 花子")
    hall.staff.add(hall_clerk)
    school = FacilityFactory(name="田無小学校", kind=Facility.Kind.SCHOOL_ELEMENTARY)
    teacher = make_persona(Role.FACILITY_STAFF, full_name="学校 先生")
    school.staff.add(teacher)
    coordinator = make_persona(Role.COORDINATOR, full_name="推進 担当")

    by_clerk = _as_citizen(clerk, title="課の講座")
    by_hall = _as_citizen(hall_clerk, title="公民館の講座")
    by_teacher = _as_citizen(teacher, title="学校の講座")
    by_coordinator = _as_citizen(coordinator, title="推進担当の講座")

    assert migration.staff_programs_organiser_fix(apps, None) == 4

    organisers = {
        p.title: (p.organizer.kind, p.organizer.name)
        for p in Program.objects.select_related("organizer").filter(
            pk__in=[by_clerk.pk, by_hall.pk, by_teacher.pk, by_coordinator.pk]
        )
    }
    assert organisers == {
        "課の講座": (Organizer.Kind.DEPARTMENT, "社会教育課"),
        "公民館の講座": (Organizer.Kind.DEPARTMENT, "田無公民館"),
        "学校の講座": (Organizer.Kind.SCHOOL, "田無小学校"),
        "推進担当の講座": (Organizer.Kind.DEPARTMENT, settings.CITY_NAME),
    }
    assert Organizer.objects.get(kind=Organizer.Kind.DEPARTMENT, name="社会教育課").department == department
    assert Organizer.objects.get(kind=Organizer.Kind.SCHOOL, name="田無小学校").facility == school
    fixed = AuditEntry.objects.filter(action="programs.program.organizer_fixed")
    assert sorted(int(e.target_id) for e in fixed) == sorted(
        [by_clerk.pk, by_hall.pk, by_teacher.pk, by_coordinator.pk]
    )


def test_the_writers_name_leaves_the_search_index(make_persona: Any) -> None:
    hall = FacilityFactory(name="田無公民館", kind=Facility.Kind.KOMINKAN)
    clerk = make_persona(Role.FACILITY_STAFF, full_name="鈴蘭 花子")
    hall.staff.add(clerk)
    program = _as_citizen(clerk, title="公民館の講座")
    assert search_ids(kind=SEARCH_KIND, query="鈴蘭", now=timezone.now()) == [program.pk]

    migration.staff_programs_organiser_fix(apps, None)

    assert search_ids(kind=SEARCH_KIND, query="鈴蘭", now=timezone.now()) == []
    assert search_ids(kind=SEARCH_KIND, query="田無公民館", now=timezone.now()) == [program.pk]


def test_residents_proposals_and_other_writers_are_left_alone(make_persona: Any) -> None:
    talent = make_persona(Role.TALENT, full_name="講師 太郎")
    lecture = _as_citizen(talent, title="市民講師の講座")
    # A member of staff may propose a lecture as a resident: a citizen-proposal lecture keeps its lecturer.
    clerk = make_persona(Role.DEPARTMENT_STAFF, full_name="課員 二郎", department=DepartmentFactory())
    proposed = _as_citizen(clerk, title="提案講座", citizen_proposal=True)
    # The coordinator chose a staff member's citizen organiser for a programme someone else wrote.
    coordinator = make_persona(Role.COORDINATOR)
    chosen = ProgramFactory(
        published=True, organizer=proposed.organizer, created_by=coordinator, title="別の人が書いた講座"
    )
    before = dict(Program.objects.values_list("pk", "organizer_id"))

    assert migration.staff_programs_organiser_fix(apps, None) == 0

    assert dict(Program.objects.values_list("pk", "organizer_id")) == before
    assert {lecture.pk, proposed.pk, chosen.pk} <= set(before)


def test_an_empty_database_and_a_second_run_change_nothing(make_persona: Any) -> None:
    assert migration.staff_programs_organiser_fix(apps, None) == 0

    clerk = make_persona(Role.DEPARTMENT_STAFF, full_name="課員 三郎", department=DepartmentFactory(name="文化振興課"))
    _as_citizen(clerk)
    assert migration.staff_programs_organiser_fix(apps, None) == 1
    assert migration.staff_programs_organiser_fix(apps, None) == 0


# The executor opens its own schema editor, which SQLite refuses inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_both_ways_with_the_executor(make_persona: Any) -> None:
    """Backwards is a no-op (written in the migration why), so going back and forth keeps the fix."""
    clerk = make_persona(Role.DEPARTMENT_STAFF, full_name="課員 四郎", department=DepartmentFactory(name="生涯学習課"))
    program = _as_citizen(clerk)
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("programs")

    try:
        executor.migrate([("programs", "0007_program_easy_summary")])
        # Only the columns that exist before 0008 (a later migration's columns are gone too).
        before = Program.objects.filter(pk=program.pk).values_list("organizer__kind", flat=True).get()
        assert before == Organizer.Kind.CITIZEN
    finally:
        # Whatever happened, the schema goes back to the latest for the tests after this one.
        executor.loader.build_graph()
        executor.migrate(leaf)
    program.refresh_from_db()
    assert (program.organizer.kind, program.organizer.name) == (Organizer.Kind.DEPARTMENT, "生涯学習課")
