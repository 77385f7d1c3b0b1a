"""The staff workspace: counted cards from every app, as each role sees them, at a fixed cost."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry
from tests.workspace.conftest import Office, build_work, cards_on, rows_behind

pytestmark = pytest.mark.django_db

EVERY_CARD = {
    "consultations.new",
    "consultations.unassigned",
    "consultations.due_today",
    "consultations.overdue",
    "consultations.waiting",
    "programs.review",
    "programs.returned",
    "communities.review",
    "communities.stale",
    "communities.reported",
    "registrations.draw_due",
    "registrations.offers_expiring",
    "registrations.below_minimum",
    "desk.appointments_today",
    "desk.appointments_tomorrow",
    "desk.roster_gaps",
    "core.failed_mail",
    "talents.screening",
    "talents.introductions",
    "proposals.to_handle",
    "venues.rounds_due",
    "venues.attendance_due",
    "venues.regular_requests",
    "venues.groups_to_approve",
    "venues.duplicates_flagged",
    "venues.volunteers_to_answer",
    "liaison.actions_open",
    "liaison.actions_overdue",
    "support.to_split",
    "support.department_open",
    "support.overdue",
    "exchanges.to_decide",
    "exchanges.materials_missing",
}


@pytest.mark.parametrize("who", ["coordinator", "sports_staff", "desk"])
def test_every_card_counts_the_rows_of_the_list_it_links_to(client: Client, office: Office, who: str) -> None:
    build_work(office, 2)
    person = getattr(office, who)
    client.force_login(person)
    cards = cards_on(client)
    assert cards, "a member of staff sees some cards"
    for shown in cards.values():
        assert shown.count > 0, shown.key  # the data makes every card count something
        assert rows_behind(client, shown.url) == shown.count, shown.key


def test_the_coordinator_sees_every_card_with_the_whole_citys_work(client: Client, office: Office) -> None:
    build_work(office, 2)
    client.force_login(office.coordinator)
    cards = cards_on(client)
    assert set(cards) == EVERY_CARD
    # Two departments, two of each: the coordinator sees both departments' work.
    assert cards["consultations.overdue"].count == 4
    assert cards["consultations.overdue"].severity == "overdue"
    assert cards["consultations.unassigned"].count == 8  # new + overdue per department, not the assigned one
    assert cards["programs.review"].count == 4
    assert cards["registrations.draw_due"].count == 4
    assert cards["registrations.offers_expiring"].count == 4  # not the offers days away
    assert cards["communities.review"].count == 4  # pending and changes requested
    assert cards["core.failed_mail"].count == 2
    assert cards["venues.groups_to_approve"].count == 4
    assert cards["venues.duplicates_flagged"].count == 2
    assert cards["venues.volunteers_to_answer"].count == 2
    assert cards["support.to_split"].count == 2
    assert cards["support.overdue"].count == 4


def test_a_department_sees_only_its_own_departments_work(client: Client, office: Office) -> None:
    build_work(office, 2)
    client.force_login(office.sports_staff)
    cards = cards_on(client)
    # Reviewing, moderating, the desk's calendar and failed mail are not a department's work.
    assert set(cards) == {
        "consultations.new",
        "consultations.unassigned",
        "consultations.due_today",
        "consultations.overdue",
        "consultations.waiting",
        "programs.returned",
        "registrations.draw_due",
        "registrations.offers_expiring",
        "registrations.below_minimum",
        "liaison.actions_open",
        "liaison.actions_overdue",
        "support.department_open",
        "support.overdue",
        "exchanges.to_decide",
        "exchanges.materials_missing",
    }
    assert cards["consultations.overdue"].count == 2
    assert cards["liaison.actions_overdue"].count == 2
    assert cards["support.department_open"].count == 4  # two requests, two parts each
    assert cards["support.overdue"].count == 2
    assert cards["programs.returned"].count == 2
    assert cards["registrations.draw_due"].count == 2
    overdue_queue = client.get(cards["consultations.overdue"].url).content.decode()
    assert "スポーツ振興課" in overdue_queue
    assert "子育て支援課" not in overdue_queue


def test_the_desk_sees_appointments_and_its_intake_but_not_the_coordinators_cards(
    client: Client, office: Office
) -> None:
    build_work(office, 1)
    client.force_login(office.desk)
    cards = cards_on(client)
    assert {"desk.appointments_today", "desk.appointments_tomorrow"} <= set(cards)
    assert not {"desk.roster_gaps", "programs.review", "core.failed_mail", "communities.review"} & set(cards)


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.GROUP_ORGANISER, Role.TALENT])
def test_residents_and_group_organisers_cannot_open_the_workspace(
    client: Client, make_persona: Any, role: Role
) -> None:
    client.force_login(make_persona(role))
    assert client.get(reverse("staff:dashboard")).status_code == 403


def test_the_workspace_asks_visitors_to_log_in(client: Client) -> None:
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_workspace_keeps_the_tools_below_the_cards(client: Client, office: Office) -> None:
    client.force_login(office.coordinator)
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert page.index('class="work-card') < page.index(reverse("staff:people"))
    assert reverse("staff:failed_mail") in page


# The session (when it is kept in the database rather than Redis), user, roles, permissions (2) and
# department; then one aggregate per model and app:
# consultations 1, programmes 1, groups 2, registrations 2, desk 1 + the roster's hours, special
# days and shifts, failed mail 1, citizen proposals 1 to handle + 1 post-course reports to check
# (the coordinator) + 1 for the reviews assigned to me (staff review too), room booking 3 (rounds,
# bookings, regular slots) + 1 for the groups + 1 for the schools + 1 for the offers to answer,
# liaison action items 1, support requests 2 (requests to split, tasks), exchange meetings 2. A
# department's page leaves out what is not its work (of support requests, the requests to split).
@pytest.mark.parametrize(("who", "queries"), [("coordinator", 31), ("sports_staff", 14)])
def test_the_workspace_costs_the_same_number_of_queries_whatever_the_data(
    client: Client, office: Office, who: str, queries: int, django_assert_num_queries: Any, time_machine: Any
) -> None:
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        queries += 1
    # The footer's "desk open now" is cached by the minute: the clock stands still so that it stays cached.
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(getattr(office, who))
    build_work(office, 1)
    client.get(reverse("staff:dashboard"))
    with django_assert_num_queries(queries):
        assert client.get(reverse("staff:dashboard")).status_code == 200
    build_work(office, 6)
    with django_assert_num_queries(queries):
        assert client.get(reverse("staff:dashboard")).status_code == 200


def test_failed_mail_is_listed_for_the_coordinator_only_and_each_look_is_logged(client: Client, office: Office) -> None:
    build_work(office, 1)
    client.force_login(office.sports_staff)
    assert client.get(reverse("staff:failed_mail")).status_code == 403
    client.force_login(office.coordinator)
    page = client.get(reverse("staff:failed_mail")).content.decode()
    assert "gone0@example.jp" in page
    assert AuditEntry.objects.filter(
        action="accounts.personal_data.viewed", actor=office.coordinator, data__view="failed_mail"
    ).exists()
