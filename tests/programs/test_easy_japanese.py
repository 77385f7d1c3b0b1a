"""やさしい日本語: a programme's optional summary in easy Japanese, written by staff or a group, shown with
furigana behind its own switch (a cookie, like the furigana and contrast switches), marked and filtered in
the listing, in the API and the search index (issue 15 item 21)."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.core.search import search_ids
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Program
from manabiba.programs.selectors import SEARCH_KIND, ProgramFilters, program_search
from tests.programs.test_staff_views import form_data

pytestmark = pytest.mark.django_db

EASY = "スマホの使い方を習います。\n電話のかけ方を練習します。"


def _page(client: Client, program: Program, language: str = "ja") -> str:
    return client.get(f"/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_switch_shows_the_summary_with_furigana_and_is_remembered(client: Client) -> None:
    program = ProgramFactory(published=True, easy_summary=EASY)

    off = _page(client, program)
    assert 'name="easy" value="on" aria-pressed="false"' in off
    assert "やさしい日本語" in off
    assert "電話" not in off

    response = client.post("/easy-japanese/", {"easy": "on", "next": f"/programs/{program.pk}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.pk}/"
    assert response.cookies["easy"].value == "on"
    assert response.cookies["easy"]["httponly"]

    on = _page(client, program)
    assert 'name="easy" value="off" aria-pressed="true"' in on
    section = on[on.index('class="easy-japanese"') :]
    # Every kanji of the summary has its reading, whether or not furigana is on for the rest of the page.
    assert "<ruby>電話<rp>(</rp><rt>でんわ</rt><rp>)</rp></ruby>" in section
    assert "<ruby>練習<rp>(</rp><rt>れんしゅう</rt><rp>)</rp></ruby>" in section
    assert "<br>" in section.split("</p>")[0]

    client.post("/easy-japanese/", {"easy": "off", "next": "/"})
    assert "でんわ" not in _page(client, program)


def test_an_unknown_value_sets_nothing_and_no_summary_means_no_switch(client: Client) -> None:
    assert "easy" not in client.post("/easy-japanese/", {"easy": "always", "next": "/"}).cookies
    plain = ProgramFactory(published=True)
    client.cookies["easy"] = "on"
    page = _page(client, plain)
    assert 'name="easy"' not in page
    assert "easy-japanese" not in page


def test_the_page_cache_keeps_easy_japanese_pages_apart() -> None:
    program = ProgramFactory(published=True, easy_summary=EASY)
    plain, easy = Client(), Client()
    easy.cookies["easy"] = "on"

    first, second, third = _page(plain, program), _page(easy, program), _page(plain, program)

    assert "でんわ" not in first
    assert "でんわ" in second
    assert "でんわ" not in third


def test_in_english_the_switch_says_what_it_shows_and_the_summary_is_marked_japanese(client: Client) -> None:
    program = ProgramFactory(published=True, easy_summary=EASY)
    client.cookies["easy"] = "on"

    page = _page(client, program, "en")

    assert ">Easy Japanese</button>" in page
    assert "A short explanation in simple Japanese, with furigana." in page
    assert re.search(r'<p class="easy-japanese__text" lang="ja">', page)


def test_the_listing_marks_and_filters_programmes_with_a_summary(client: Client) -> None:
    easy = ProgramFactory(published=True, title="やさしい講座", easy_summary=EASY)
    ProgramFactory(published=True, title="ふつうの講座")

    listing = client.get("/programs/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert listing.count('class="tag tag--easy"') == 1
    assert 'id="f-easy"' in listing

    filtered = client.get("/programs/?easy=on", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "やさしい講座" in filtered
    assert "ふつうの講座" not in filtered
    assert [p.pk for p in program_search(ProgramFilters(easy_japanese=True)).programs] == [easy.pk]


def test_the_summary_is_searchable() -> None:
    program = ProgramFactory(published=True, summary="", easy_summary="ふろしきの包み方を習います。")
    assert search_ids(kind=SEARCH_KIND, query="ふろしき", now=timezone.now()) == [program.pk]


def test_staff_write_it_in_the_programme_form(client: Client, make_persona: Any) -> None:
    department = DepartmentFactory(name="社会教育課")
    clerk = make_persona(Role.DEPARTMENT_STAFF, department=department)
    client.force_login(clerk)

    form = client.get("/staff/programs/new/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'name="easy_summary"' in form
    assert "「です・ます」" in form

    assert client.post("/staff/programs/new/", form_data(easy_summary=EASY)).status_code == 302
    assert Program.objects.get(title="はじめてのスマホ教室").easy_summary == EASY


def test_the_api_reads_filters_and_writes_it(client: Client, make_persona: Callable[..., User]) -> None:
    clerk = make_persona(Role.DEPARTMENT_STAFF, department=DepartmentFactory())
    organizer = OrganizerFactory(name="社会教育課", department=clerk.department)
    easy = ProgramFactory(published=True, organizer=organizer, easy_summary=EASY)
    ProgramFactory(published=True, organizer=organizer)

    assert client.get(f"/api/v1/programs/{easy.pk}").json()["easy_summary"] == EASY
    found = client.get("/api/v1/programs", {"easy_japanese": "true"}).json()
    assert [item["id"] for item in found["items"]] == [easy.pk]

    token = api_token_create(user=clerk, name="test").secret
    changed = client.patch(
        f"/api/v1/programs/{easy.pk}",
        {"easy_summary": "あたらしい説明です。"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["easy_summary"] == "あたらしい説明です。"
