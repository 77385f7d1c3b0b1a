"""Every form page of the site, sent wrong: the error summary is at the top, takes the focus, and links
to fields that are on the page; the page title says "Error:". And every template that shows a form's
fields also shows the summary.

Four small forms answer a mistake by going back to their page with a message instead of showing the form
again (API token, staff roles and settings, a staff reply or note on a consultation): they are not walked.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from manabiba.accounts.factories import UserFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services as communities
from manabiba.consultations.services import confirmation_token, consultation_confirm, consultation_submit
from manabiba.desk.models import WeeklyHours
from manabiba.programs.factories import CategoryFactory, ProgramFactory
from manabiba.programs.models import Program
from manabiba.registrations.models import RegistrationSettings
from manabiba.registrations.services import registration_settings_update, registration_submit
from tests.communities.conftest import group_fields

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "manabiba"


class Page(HTMLParser):
    """The ids on a page, the page title, and the error summary's attributes and links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.title = ""
        self.summary: dict[str, str | None] | None = None
        self.summary_links: list[str] = []
        self.summaries = 0
        self._in_title = False
        self._summary_depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "title":
            self._in_title = True
        if "data-error-summary" in found:
            self.summaries += 1
            self.summary = found
            self._summary_depth = 1
        elif self._summary_depth and tag not in {"br", "img", "input"}:
            self._summary_depth += 1
            if tag == "a":
                self.summary_links.append(str(found.get("href", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif self._summary_depth:
            self._summary_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class World:
    staff: User
    resident: User
    objects: dict[str, Any]


@pytest.fixture
def world(db: None) -> World:
    now = timezone.now()
    staff = UserFactory(
        roles=[Role.ADMINISTRATOR, Role.COORDINATOR, Role.DESK_STAFF], full_name="職員 一郎", email="staff@example.jp"
    )
    resident = UserFactory(full_name="市民 花子", email="resident@example.jp")
    program = ProgramFactory(
        published=True,
        capacity=20,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=3),
    )
    registration_settings_update(program=program, actor=None, allocation=RegistrationSettings.Allocation.FIRST_COME)
    registration = registration_submit(program=program, user=resident, consent=True)
    CategoryFactory(major="芸術・文化", minor="")
    category = CategoryFactory(major="スポーツ・レクリエーション", minor="")
    group = communities.group_apply(
        actor=resident, agreed_to_rules=True, categories=[category], areas=[], **group_fields()
    )
    group = communities.group_approve(group=group, actor=staff)
    consultation = consultation_submit(
        topic="learn", body="パソコンを学びたい。", reply_channel="email", email="guest@example.jp", language="en"
    )
    consultation = consultation_confirm(token=confirmation_token(consultation))
    WeeklyHours.objects.create(weekday=5, opens_at="09:00", closes_at="17:00")
    return World(
        staff=staff,
        resident=resident,
        objects={
            "program": program,
            "registration": registration,
            "session": program.sessions.first(),
            "group": group,
            "consultation": consultation,
        },
    )


def _next_saturday() -> str:
    today = timezone.localdate()
    return (today + timedelta(days=(5 - today.weekday()) % 7 or 7)).isoformat()


@dataclass(frozen=True)
class Case:
    """A form page sent wrong: who sends it, how, where, and what."""

    who: str  # "guest", "resident" (owns the group and the registration) or "staff"
    method: str
    url: Callable[[World], str]
    data: dict[str, str]
    # A page to open before, as a browser would have (the password link puts its token in the session).
    opened_first: Callable[[World], str] | None = None


CASES: dict[str, Case] = {
    # Accounts
    "sign up": Case("guest", "post", lambda w: "/accounts/signup/", {}),
    "log in": Case("guest", "post", lambda w: "/accounts/login/", {}),
    "password reset": Case("guest", "post", lambda w: "/accounts/password/reset/", {"email": "not an address"}),
    "password reset confirm": Case(
        "guest",
        "post",
        lambda w: f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(w.resident.pk))}/set-password/",
        {"new_password1": "a", "new_password2": "b"},
        opened_first=lambda w: (
            f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(w.resident.pk))}/"
            f"{default_token_generator.make_token(w.resident)}/"
        ),
    ),
    "password change": Case("resident", "post", lambda w: "/accounts/password/change/", {}),
    "profile": Case("resident", "post", lambda w: "/accounts/profile/edit/", {"email": "not an address"}),
    "profile delete": Case("resident", "post", lambda w: "/accounts/profile/delete/", {}),
    "second factor": Case("resident", "post", lambda w: "/accounts/profile/second-factor/", {"code": "1"}),
    "departments": Case("staff", "post", lambda w: "/staff/departments/", {}),
    # Groups
    "group sign-up": Case("resident", "post", lambda w: "/groups/register/", {}),
    "group contact": Case("guest", "post", lambda w: f"/groups/{w.objects['group'].pk}/contact/", {}),
    "group report": Case("guest", "post", lambda w: f"/groups/{w.objects['group'].pk}/report/", {}),
    "group edit": Case("resident", "post", lambda w: f"/groups/{w.objects['group'].pk}/manage/edit/", {}),
    "group post": Case("resident", "post", lambda w: f"/groups/{w.objects['group'].pk}/manage/posts/new/", {}),
    "group event": Case("resident", "post", lambda w: f"/groups/{w.objects['group'].pk}/manage/events/new/", {}),
    "group invitation": Case(
        "resident", "post", lambda w: f"/groups/{w.objects['group'].pk}/manage/members/", {"action": "invite"}
    ),
    # Consultations
    "ask": Case("guest", "post", lambda w: "/consultations/", {}),
    "consultation thread": Case(
        "guest", "post", lambda w: f"/consultations/t/{w.objects['consultation'].access_token}/", {}
    ),
    "consultation log": Case("staff", "post", lambda w: "/staff/consultations/log/", {}),
    "canned reply": Case("staff", "post", lambda w: "/staff/consultations/canned/new/", {}),
    # Desk
    "desk booking": Case("resident", "post", lambda w: f"/desk/book/{_next_saturday()}/", {}),
    "desk booking for a caller": Case("staff", "post", lambda w: f"/staff/desk/book/{_next_saturday()}/", {}),
    "desk weekly hours": Case("staff", "post", lambda w: "/staff/desk/hours/", {"form": "weekly"}),
    "desk special day": Case("staff", "post", lambda w: "/staff/desk/hours/", {"form": "special"}),
    "desk roster": Case("staff", "post", lambda w: "/staff/desk/roster/", {}),
    # Programmes
    "programme": Case(
        "staff",
        "post",
        lambda w: "/staff/programs/new/",
        {"sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "0", "sessions-0-date": "tomorrow"},
    ),
    "catalogue filter": Case("guest", "get", lambda w: "/programs/", {"date_from": "yesterday"}),
    "places filter": Case("guest", "get", lambda w: "/facilities/", {"area": "99999"}),
    # Registrations
    "apply": Case("staff", "post", lambda w: f"/registrations/programs/{w.objects['program'].pk}/apply/", {}),
    "register a caller": Case(
        "staff", "post", lambda w: f"/staff/registrations/programs/{w.objects['program'].pk}/register/", {}
    ),
    "registration settings": Case(
        "staff",
        "post",
        lambda w: f"/staff/registrations/programs/{w.objects['program'].pk}/settings/",
        {"questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0", "questions-0-kind": "nonsense"},
    ),
    "cancel a programme": Case(
        "staff", "post", lambda w: f"/staff/registrations/programs/{w.objects['program'].pk}/cancel/", {}
    ),
    "cancel a registration": Case(
        "staff", "post", lambda w: f"/staff/registrations/registrations/{w.objects['registration'].pk}/cancel/", {}
    ),
    "session notice": Case(
        "staff", "post", lambda w: f"/staff/registrations/sessions/{w.objects['session'].pk}/cancel-notice/", {}
    ),
    "check-in": Case(
        "staff", "post", lambda w: f"/staff/registrations/sessions/{w.objects['session'].pk}/check-in/", {"code": "?"}
    ),
}


def _client(world: World, who: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if who != "guest":
        client.force_login(world.staff if who == "staff" else world.resident)
    return client


@pytest.mark.parametrize("name", list(CASES))
def test_a_form_sent_wrong_has_the_summary_at_the_top_linking_to_its_fields(world: World, name: str) -> None:
    case = CASES[name]
    client = _client(world, case.who)
    if case.opened_first:
        client.get(case.opened_first(world))
    # A browser always sends the CSRF field, so the form is bound even when every field is empty.
    data = {"csrfmiddlewaretoken": "token", **case.data} if case.method == "post" else case.data
    response = getattr(client, case.method)(case.url(world), data)

    # The contact form answers 400 so that a robot learns nothing from the status; the others 200.
    assert response.status_code in {200, 400}, response.get("Location")
    page = Page(response.content.decode())
    assert page.summaries == 1
    assert page.summary is not None
    assert page.summary.get("tabindex") == "-1"
    assert "autofocus" in page.summary
    assert page.summary_links, "the summary links to no field"
    for href in page.summary_links:
        assert href.startswith("#")
        assert href[1:] in page.ids, f"{href} is not on the page"
    assert page.title.startswith("Error: ")


def test_the_summary_and_title_are_in_japanese(world: World) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="ja").post("/consultations/", {"body": ""})

    html = response.content.decode()
    assert "入力内容を確認してください" in html
    assert Page(html).title.startswith("エラー：")


def test_a_page_without_errors_has_no_summary_and_a_plain_title(world: World) -> None:
    response = _client(world, "guest").get("/consultations/")

    page = Page(response.content.decode())
    assert page.summaries == 0
    assert not page.title.startswith("Error")


def test_every_template_showing_form_fields_shows_the_error_summary() -> None:
    # Templates included into a page (names starting with "_") and the include itself are not pages.
    showing_fields = [
        path
        for path in TEMPLATES.rglob("templates/**/*.html")
        if 'include "core/forms/field' in path.read_text()
        and not path.name.startswith("_")
        and path.parent.name != "forms"
    ]
    assert len(showing_fields) > 30
    missing = [
        str(path.relative_to(TEMPLATES)) for path in showing_fields if "{% error_summary" not in path.read_text()
    ]
    assert not missing


def test_formset_rows_are_named_in_the_summary_in_japanese(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(world.staff)
    data = {"csrfmiddlewaretoken": "token", "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "0"}
    data["sessions-0-date"] = "tomorrow"

    html = client.post("/staff/programs/new/", data).content.decode()

    assert 'href="#id_sessions-0-date">日程1・開催日：' in html
