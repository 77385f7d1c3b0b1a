"""The public list of places to learn and each place's page."""

import re

import pytest
from django.conf import settings
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from manabiba.core.factories import AreaFactory
from manabiba.facilities.factories import FacilityFactory, RoomFactory
from manabiba.facilities.models import Facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    """A visitor who chose English, so that assertions on wording survive the Japanese catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def names_listed(html: str) -> list[str]:
    return re.findall(r'<h3 class="card__title"(?: lang="ja")?><a href="/facilities/\d+/">([^<]+)</a>', html)


@pytest.fixture
def places() -> dict[str, Facility]:
    minamicho = AreaFactory(name="南町")
    izumicho = AreaFactory(name="泉町")
    return {
        "tanashi": FacilityFactory(name="田無公民館", area=minamicho, phone="042-000-0001"),
        "library": FacilityFactory(name="中央図書館", area=minamicho, library=True),
        "eco": FacilityFactory(name="エコプラザ西東京", area=izumicho, kind=Facility.Kind.CENTER),
        "school": FacilityFactory(name="田無小学校", area=izumicho, school=True),
    }


def test_list_groups_places_by_kind_with_their_details(client: Client, places: dict[str, Facility]) -> None:
    response = client.get("/facilities/")

    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    headings = re.findall(r'<h2 id="kind-([a-z_]+)">', html)
    assert headings == ["kominkan", "library", "center", "school_elementary"]
    assert "南町一丁目1番1号" in html
    assert '<a href="tel:042-000-0001">042-000-0001</a>' in html
    assert "4 places found." in html


def test_list_filters_by_kind(client: Client, places: dict[str, Facility]) -> None:
    html = client.get("/facilities/", {"kind": "library"}).content.decode()

    assert names_listed(html) == ["中央図書館"]
    assert '<option value="library" selected>' in html


def test_list_filters_by_area(client: Client, places: dict[str, Facility]) -> None:
    area_id = places["eco"].area_id

    html = client.get("/facilities/", {"area": area_id}).content.decode()

    assert sorted(names_listed(html)) == sorted(["エコプラザ西東京", "田無小学校"])


def test_list_filters_by_kind_and_area_together(client: Client, places: dict[str, Facility]) -> None:
    html = client.get("/facilities/", {"kind": "school_elementary", "area": places["tanashi"].area_id}).content.decode()

    assert names_listed(html) == []
    assert "No place matches this filter." in html


def test_an_unknown_filter_value_is_reported_and_the_rest_still_applies(
    client: Client, places: dict[str, Facility]
) -> None:
    response = client.get("/facilities/", {"kind": "library", "area": "99999"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_area"' in html
    assert names_listed(html) == ["中央図書館"]


def test_list_says_so_when_nothing_is_published(client: Client) -> None:
    html = client.get("/facilities/").content.decode()

    assert "The list of places has not been published yet." in html


def test_list_query_count_does_not_grow_with_places_and_rooms(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(6):
        facility = FacilityFactory(name=f"公民館{number}", area=AreaFactory(name=f"町{number}"))
        for room in range(3):
            RoomFactory(facility=facility, name=f"学習室{room}")

    # The places with their areas, their rooms, and the areas for the filter; the footer's desk
    # status (weekly hours and special days, cached for a minute) adds two, its contact details one.
    with django_assert_num_queries(6):
        response = client.get("/facilities/")

    assert response.status_code == 200
    assert response.content.decode().count("学習室2") == 6


def test_detail_shows_rooms_and_capacities(client: Client, places: dict[str, Facility]) -> None:
    RoomFactory(facility=places["tanashi"], name="講座室", capacity=40)
    RoomFactory(facility=places["tanashi"], name="和室", capacity=None)

    response = client.get(f"/facilities/{places['tanashi'].pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert re.search(r'<th scope="row"(?: lang="ja")?>講座室</th>\s*<td>40 people</td>', html)
    assert re.search(r'<th scope="row"(?: lang="ja")?>和室</th>\s*<td>Not yet published</td>', html)


def test_detail_of_a_school_explains_community_use(client: Client, places: dict[str, Facility]) -> None:
    html = client.get(f"/facilities/{places['school'].pk}/").content.decode()

    assert "This is a school." in html


def test_detail_of_an_unknown_place_is_404(client: Client) -> None:
    response = client.get("/facilities/424242/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_place_without_a_known_address_or_phone_sends_the_resident_to_the_desk(
    client: Client, places: dict[str, Facility]
) -> None:
    known = client.get(f"/facilities/{places['tanashi'].pk}/").content.decode()
    places["eco"].address = ""
    places["eco"].phone = ""
    places["eco"].save()
    unknown = client.get(f"/facilities/{places['eco'].pk}/").content.decode()

    assert '<a href="tel:042-000-0001">042-000-0001</a>' in known
    assert "Ask the learning information desk" not in known
    assert "Not yet published" not in unknown
    assert "<dt>Phone</dt>" not in unknown
    assert '<a href="/desk/">Ask the learning information desk</a>' in unknown
