"""The staff lists of programmes: who may see which programme is decided in the query (the same
number of queries for 5 programmes as for 20), the lists come in pages linked without script (the
desk's choice of programme is a searchable picker instead), and the filters say exactly what the
per-programme permission checks say."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Program
from manabiba.programs.permissions import can_manage_program, program_manager_q
from manabiba.registrations import staff_views
from manabiba.registrations.forms import ProgramPickForm
from manabiba.registrations.permissions import (
    can_manage_registrations,
    can_register_on_behalf,
    can_view_registrants,
    register_on_behalf_q,
    registrants_viewer_q,
    registrations_manager_q,
)

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db
INDEX = "staff_registrations:index"
CHOOSE = "staff_registrations:register_choose"


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _programmes(make_program: MakeProgram, editor: User, n: int) -> list[Program]:
    """``n`` programmes taking registrations, of departments other than the editor's; ``editor``
    runs every other one (as a group's editor does), so the permission check has work to do."""
    programs = []
    for number in range(n):
        program = make_program()
        if number % 2 == 0:
            program.organizer.editors.add(editor)
        programs.append(program)
    return programs


@pytest.mark.parametrize("n", [5, 20])
@pytest.mark.parametrize(
    ("role", "page", "queries"),
    [
        # Before (session read included): 17 queries for 5 programmes and 48 for 20 (department
        # staff on the index), 13 and 28 (a group's organiser), 13 and 36 (department staff
        # choosing for a caller).
        # The index's list of offers expiring soon costs one more for those who manage registrations.
        (Role.DEPARTMENT_STAFF, INDEX, 9),
        (Role.GROUP_ORGANISER, INDEX, 7),
        (Role.COORDINATOR, INDEX, 9),
        # The desk's picker: whether there are any, the first 50 listed, how many there are.
        (Role.DEPARTMENT_STAFF, CHOOSE, 7),
        (Role.DESK_STAFF, CHOOSE, 7),
    ],
)
def test_a_staff_list_reads_the_same_number_of_queries_for_5_and_20_programmes(
    n: int,
    role: Role,
    page: str,
    queries: int,
    make_program: MakeProgram,
    make_persona: Callable[..., User],
    django_assert_num_queries: Any,
) -> None:
    user = make_persona(role, department=Department.objects.create(name="別の課"))
    programs = _programmes(make_program, user, n)
    client = _client(user)
    client.get(reverse(page))
    # Every request reads the user and their roles, and the session too where it is kept in the
    # database (without Redis).
    session_queries = 1 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db" else 0
    with django_assert_num_queries(queries + session_queries):
        response = client.get(reverse(page))
    assert response.status_code == 200
    # The queries are fixed, not the answer: each list holds exactly the programmes allowed.
    if page == INDEX:
        shown = {row.program.pk for row in response.context["open_rows"]}
    else:
        shown = {int(pk) for pk in re.findall(r'<option value="(\d+)"', response.content.decode())}
    allowed = can_view_registrants if page == INDEX else can_register_on_behalf
    assert shown == {p.pk for p in programs if allowed(user, p)}
    assert shown


def _links(content: str, label: str) -> dict[str, str]:
    """The previous/next links of the page navigation called ``label``."""
    nav = re.search(rf'<nav aria-label="{label}">(.*?)</nav>', content, re.S)
    assert nav is not None
    return {
        text: href.replace("&amp;", "&") for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(1))
    }


def test_the_index_comes_in_pages_linked_without_script(
    make_program: MakeProgram, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_views, "STAFF_PAGE_SIZE", 2)
    programs = [make_program() for _n in range(5)]
    client = _client(coordinator)
    seen: list[int] = []
    url = reverse(INDEX)
    for _page in range(3):
        response = client.get(url)
        seen += [row.program.pk for row in response.context["open_rows"]]
        links = _links(response.content.decode(), "Pages of programmes taking registrations")
        if "Next page" not in links:
            break
        url = reverse(INDEX) + links["Next page"]
    assert seen == [p.pk for p in programs]
    assert "Previous page" in links
    assert client.get(reverse(INDEX) + "?page=99").context["open_rows"][0].program == programs[-1]


def _options(response: Any) -> list[int]:
    return [int(pk) for pk in re.findall(r'<option value="(\d+)"', response.content.decode())]


def test_choosing_for_a_caller_is_a_search_and_any_allowed_programme_can_be_chosen(
    make_program: MakeProgram, desk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ProgramPickForm.base_fields["program"].widget, "limit", 2)
    programs = [make_program(program_fields={"title": f"講座{n}"}) for n in range(3)]
    yoga = make_program(program_fields={"title": "朝のヨガ", "title_kana": "あさのよが"})
    client = _client(desk)
    first = client.get(reverse(CHOOSE))
    # The first two (the limit), and a line saying how many there are and that a search narrows them.
    assert _options(first) == [p.pk for p in programs[:2]]
    assert "4 choices. The first 2 are listed" in first.content.decode()
    # The search (its button, without script) narrows the list and goes nowhere; kana in either script.
    for query in ("ヨガ", "アサノ", "あさの"):
        found = client.get(reverse(CHOOSE), {"program__q": query, "_search": "program"})
        assert found.status_code == 200
        assert _options(found) == [yoga.pk], query
        assert f"1 of 4 match “{query}”." in found.content.decode()
    # Enter in the search box sends the form with "Next": a search not yet applied searches.
    entered = client.get(reverse(CHOOSE), {"program": programs[0].pk, "program__q": "ヨガ", "program__applied": ""})
    assert entered.status_code == 200
    # The chosen programme stays listed (first), whatever the search.
    assert _options(entered) == [programs[0].pk, yoga.pk]
    # A programme not listed is still one the desk may choose.
    response = client.get(reverse(CHOOSE), {"program": programs[2].pk, "program__q": "", "program__applied": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff_registrations:register", args=[programs[2].pk])
    cancelled = ProgramFactory(published=True, status=Program.Status.CANCELLED)
    assert client.get(reverse(CHOOSE), {"program": cancelled.pk}).status_code == 200


def test_each_filter_says_what_its_per_programme_check_says(make_persona: Callable[..., User]) -> None:
    department = Department.objects.create(name="社会教育課")
    own = ProgramFactory(published=True, organizer=OrganizerFactory(department=department))
    other = ProgramFactory(published=True)
    lecturer = make_persona(Role.TALENT)
    by_lecturer = ProgramFactory(published=True, organizer=OrganizerFactory(user=lecturer))
    editor = make_persona(Role.GROUP_ORGANISER)
    edited = ProgramFactory(published=True)
    edited.organizer.editors.add(editor)
    creator = make_persona(Role.DEPARTMENT_STAFF)
    created = ProgramFactory(published=True, created_by=creator)
    people: list[Any] = [AnonymousUser(), lecturer, editor, creator]
    people += [make_persona(role) for role in Role]
    people += [make_persona(role, department=department) for role in (Role.DEPARTMENT_STAFF, Role.FACILITY_STAFF)]
    programs = [own, other, by_lecturer, edited, created]
    pairs = [
        (program_manager_q, can_manage_program),
        (registrants_viewer_q, can_view_registrants),
        (registrations_manager_q, can_manage_registrations),
        (register_on_behalf_q, can_register_on_behalf),
    ]
    some = 0
    for as_filter, check in pairs:
        for person in people:
            filtered = set(Program.objects.filter(as_filter(person)).values_list("pk", flat=True))
            assert filtered == {p.pk for p in programs if check(person, p)}, (check.__name__, person)
            some += len(filtered)
    assert some > 0
