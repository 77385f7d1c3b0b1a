"""Who may open which staff programme page, and who may edit and publish which programme."""

from typing import Any

import pytest
from django.test import Client

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Program
from manabiba.programs.permissions import can_edit_program, can_publish_program

pytestmark = pytest.mark.django_db

R, G, T, DEPT, DESK, FAC, COORD, ADMIN = (
    Role.RESIDENT,
    Role.GROUP_ORGANISER,
    Role.TALENT,
    Role.DEPARTMENT_STAFF,
    Role.DESK_STAFF,
    Role.FACILITY_STAFF,
    Role.COORDINATOR,
    Role.ADMINISTRATOR,
)
WRITERS = {G, T, DEPT, FAC, COORD, ADMIN}


@pytest.fixture
def department() -> Department:
    return DepartmentFactory(name="社会教育課")


@pytest.fixture
def people(make_persona: Any, department: Department) -> dict[Role, User]:
    return {role: make_persona(role, email=f"{role.value}@example.jp", department=department) for role in Role}


@pytest.fixture
def department_programme(department: Department) -> Program:
    return ProgramFactory(organizer=OrganizerFactory(department=department, name=department.name))


def _status(client: Client, user: User | None, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize("role", list(Role))
def test_the_list_and_the_form_are_for_those_who_write_programmes(
    client: Client, people: dict[Role, User], role: Role
) -> None:
    expected = 200 if role in WRITERS else 403
    assert _status(client, people[role], "/staff/programs/") == expected
    assert _status(client, people[role], "/staff/programs/new/") == expected


@pytest.mark.parametrize("url", ["/staff/programs/", "/staff/programs/new/"])
def test_anonymous_visitors_are_sent_to_log_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "detail", "edit"),
    [
        (R, 403, 403),
        (G, 403, 403),
        (T, 403, 403),
        (DEPT, 200, 200),  # the same department
        (DESK, 403, 403),
        (FAC, 200, 200),  # facility staff of the same department publish its programmes too
        (COORD, 200, 200),
        (ADMIN, 200, 200),
    ],
)
def test_a_department_programme_is_open_to_its_department_and_the_coordinator(
    client: Client, people: dict[Role, User], department_programme: Program, role: Role, detail: int, edit: int
) -> None:
    pk = department_programme.pk
    assert _status(client, people[role], f"/staff/programs/{pk}/") == detail
    assert _status(client, people[role], f"/staff/programs/{pk}/edit/") == edit


def test_staff_of_another_department_cannot_open_or_act_on_it(
    client: Client, make_persona: Any, department_programme: Program
) -> None:
    other = make_persona(Role.DEPARTMENT_STAFF, department=DepartmentFactory(name="図書館"))
    client.force_login(other)
    pk = department_programme.pk
    assert client.get(f"/staff/programs/{pk}/").status_code == 403
    assert client.get(f"/staff/programs/{pk}/edit/").status_code == 403
    assert client.post(f"/staff/programs/{pk}/publish/").status_code == 403
    assert client.post(f"/staff/programs/{pk}/cancel/", {"reason": "x"}).status_code == 403
    assert Program.objects.get(pk=pk).status == Program.Status.DRAFT


def test_only_the_coordinator_returns_submissions(
    client: Client, people: dict[Role, User], department_programme: Program
) -> None:
    program = ProgramFactory(submitted=True)
    for role in (DEPT, G, T, FAC):
        client.force_login(people[role])
        assert client.post(f"/staff/programs/{program.pk}/return/", {"reason": "直して"}).status_code == 403
    assert Program.objects.get(pk=program.pk).status == Program.Status.SUBMITTED


def test_workflow_actions_only_take_posts(
    client: Client, people: dict[Role, User], department_programme: Program
) -> None:
    client.force_login(people[COORD])
    for action in ("submit", "publish", "return", "cancel"):
        assert client.get(f"/staff/programs/{department_programme.pk}/{action}/").status_code == 405


def test_an_author_edits_a_draft_or_a_submission_but_not_once_published(make_persona: Any) -> None:
    author = make_persona(G, full_name="団体 代表")
    program = ProgramFactory(organizer=OrganizerFactory(citizen=True, name="団体 代表"), created_by=author)
    assert can_edit_program(author, program)
    assert not can_publish_program(author, program)
    program.status = Program.Status.SUBMITTED
    assert can_edit_program(author, program)
    program.status = Program.Status.PUBLISHED
    assert not can_edit_program(author, program)
    someone_else = make_persona(G, email="other@example.jp")
    program.status = Program.Status.DRAFT
    assert not can_edit_program(someone_else, program)


def test_an_author_still_sees_their_published_programme(client: Client, make_persona: Any) -> None:
    author = make_persona(T, full_name="講師 一郎")
    program = ProgramFactory(
        organizer=OrganizerFactory(citizen=True, name="講師 一郎"), created_by=author, published=True
    )
    client.force_login(author)
    assert client.get(f"/staff/programs/{program.pk}/").status_code == 200
    assert client.get(f"/staff/programs/{program.pk}/edit/").status_code == 403
