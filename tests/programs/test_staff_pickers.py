"""The programme form's organiser and co-host pickers: only this city's bodies, searchable without
script, a search never saves and never loses what was typed; the fee is labelled 参加費."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import organizers_of_the_city
from manabiba.programs.staff_forms import ProgramForm

from .test_staff_views import form_data, page_of

pytestmark = pytest.mark.django_db
NEW = "/staff/programs/new/"


@pytest.fixture
def coordinator_client(client: Client, make_persona: Any) -> Client:
    client.force_login(make_persona(Role.COORDINATOR, full_name="推進 担当"))
    return client


@pytest.fixture
def bodies() -> dict[str, Organizer]:
    return {
        "library": OrganizerFactory(name="中央図書館", name_kana="ちゅうおうとしょかん", kind=Organizer.Kind.OTHER),
        "sports": OrganizerFactory(name="スポーツ振興課", name_kana="すぽーつしんこうか"),
        "group": OrganizerFactory(name="ひばり読書会", name_kana="ひばりどくしょかい", group=True),
        # Named only by a neighbouring city's open data: no body of this city.
        "brigade": OrganizerFactory(
            name="武蔵野市消防団", name_kana="むさしのししょうぼうだん", kind=Organizer.Kind.OTHER, outside_city=True
        ),
    }


def _checkbox_values(page: str, name: str) -> set[int]:
    return {int(v) for v in re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"', page)}


def _checked_values(page: str, name: str) -> set[int]:
    return {int(v) for v in re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"[^>]*checked', page)}


def test_co_hosts_and_organisers_are_this_citys_bodies_only(
    coordinator_client: Client, bodies: dict[str, Organizer]
) -> None:
    page = page_of(coordinator_client.get(NEW))
    offered = _checkbox_values(page, "co_organizers")
    city = {bodies[key].pk for key in ("library", "sports", "group")}
    assert city <= offered
    assert bodies["brigade"].pk not in offered
    assert "武蔵野市消防団" not in page
    assert set(organizers_of_the_city().values_list("pk", flat=True)) == city
    # A programme that already names one keeps it (editing does not drop it silently).
    program = ProgramFactory(organizer=bodies["brigade"])
    program.co_organizers.add(bodies["brigade"])
    form = ProgramForm(instance=program)
    assert bodies["brigade"] in form.fields["co_organizers"].queryset  # type: ignore[attr-defined]
    assert bodies["brigade"] in form.fields["organizer"].queryset  # type: ignore[attr-defined]


def test_the_co_host_search_narrows_the_list_keeps_what_was_typed_and_saves_nothing(
    coordinator_client: Client, bodies: dict[str, Organizer]
) -> None:
    data = form_data(
        title="typed before searching",
        organizer=bodies["sports"].pk,
        co_organizers=[bodies["group"].pk],
        co_organizers__q="トショ",  # katakana finds the hiragana reading
        _search="co_organizers",
    )
    response = coordinator_client.post(NEW, data)
    page = page_of(response)
    assert response.status_code == 200
    assert not Program.objects.exists()
    assert 'value="typed before searching"' in page
    assert "error-summary" not in page
    # The match, and the body already ticked (kept, ticked, although it does not match).
    assert _checkbox_values(page, "co_organizers") == {bodies["library"].pk, bodies["group"].pk}
    assert _checked_values(page, "co_organizers") == {bodies["group"].pk}
    # The count says what the list is, and the list and the search box are described by it.
    assert "全3件中、「トショ」に合うもの1件。" in page  # the staff pages are in Japanese
    assert 'id="id_co_organizers_count"' in page
    assert 'aria-describedby="id_co_organizers_count"' in page
    assert 'name="co_organizers__applied" value="トショ"' in page


def test_enter_in_a_search_box_searches_and_a_save_after_the_search_saves(
    coordinator_client: Client, bodies: dict[str, Organizer]
) -> None:
    # Enter in the search box presses the form's first button (Save); the search not yet applied
    # tells the view it was a search.
    data = form_data(organizer=bodies["sports"].pk, co_organizers__q="図書", co_organizers__applied="")
    assert coordinator_client.post(NEW, data).status_code == 200
    assert not Program.objects.exists()
    data.update(co_organizers__applied="図書", co_organizers=[bodies["library"].pk])
    response = coordinator_client.post(NEW, data)
    assert response.status_code == 302
    assert list(Program.objects.get().co_organizers.all()) == [bodies["library"]]


def test_the_organiser_picker_narrows_by_name_or_reading(
    coordinator_client: Client, bodies: dict[str, Organizer]
) -> None:
    page = page_of(coordinator_client.post(NEW, form_data(organizer__q="すぽーつ", _search="organizer")))
    options = re.search(r'<select name="organizer".*?</select>', page, re.S)
    assert options is not None
    assert "スポーツ振興課" in options.group(0)
    assert "中央図書館" not in options.group(0)


def test_the_fee_is_labelled_as_the_fee_and_its_choices_as_free_or_paid(department_staff_user: User) -> None:
    with translation.override("ja"):
        form = ProgramForm(organizer_choice=False)
        assert str(form["fee"].label) == "参加費"
        assert [str(label) for _value, label in form.fields["fee"].choices] == ["無料", "有料", "材料費のみ"]  # type: ignore[attr-defined]
        assert str(Program._meta.get_field("fee").verbose_name) == "参加費"


@pytest.fixture
def department_staff_user(make_persona: Any) -> User:
    return make_persona(Role.DEPARTMENT_STAFF)
