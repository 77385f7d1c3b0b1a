"""Input no page or endpoint was built for gets a 4xx answer in the site's own form, never a 500.

Found by a fuzzer: dates outside what the holiday formulas handle, offsets beyond a database's
64-bit integers, bodies that are not JSON objects, years such as 556. Pages answer with the
site's 404/400 page; the API answers JSON, always.
"""

import http.cookiejar
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.models import User
from manabiba.accounts.services import api_token_create
from manabiba.programs.factories import OrganizerFactory, ProgramFactory

pytestmark = pytest.mark.django_db

BIGINT_PLUS_ONE = "9223372036854775808"


def _bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='fuzz').secret}"}


@pytest.mark.parametrize(
    "url",
    [
        "/desk/book/5000-06-01/",
        "/desk/book/0001-01-01/",
        "/desk/99999/1/",
        "/desk/0/1/",
        "/desk/2026/13/",
        "/programs/day/9999-12-31/",
        "/programs/calendar/99999/1/",
    ],
)
def test_a_day_the_site_cannot_handle_is_not_found_on_pages(client: Client, resident: User, url: str) -> None:
    client.force_login(resident)

    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_staff_appointment_list_from_the_last_day_python_knows_shows_today(
    client: Client, make_persona: Any
) -> None:
    from manabiba.accounts.roles import Role

    client.force_login(make_persona(Role.DESK_STAFF, email="desk@example.jp"))

    response = client.get("/staff/desk/?from=9999-12-31")

    assert response.status_code == 200


@pytest.mark.parametrize("day", ["8673-01-01", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_desk_slots_for_a_day_outside_the_span_say_so_in_json(client: Client, day: str) -> None:
    response = client.get(f"/api/v1/desk/slots?date={day}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"]["date"] == ["Choose a date between 2000-01-01 and 2099-12-31."]


@pytest.mark.parametrize("month", ["13", "2026-13", "2026-1", "9999-01", "two"])
def test_desk_hours_for_a_month_that_is_not_one_say_what_a_month_looks_like(client: Client, month: str) -> None:
    response = client.get(f"/api/v1/desk/hours?month={month}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response.json()["errors"]["month"] == [
        "Give the month as YYYY-MM between 2000-01 and 2099-12, for example 2026-11."
    ]


@pytest.mark.parametrize("query", [f"offset={BIGINT_PLUS_ONE}", "offset=1000001", "date_from=0556-01-01"])
def test_programme_search_beyond_any_list_is_a_422_not_a_500(client: Client, query: str) -> None:
    response = client.get(f"/api/v1/programs?{query}")

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")


def test_a_page_number_beyond_a_bigint_in_staff_people_is_a_4xx_json(client: Client, coordinator: User) -> None:
    response = client.get("/api/v1/staff/people?page=99999999999999999999", **_bearer(coordinator))

    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("body", ["[null,null]", '"a string"', "42", "null"])
def test_an_application_whose_body_is_not_an_object_is_refused(client: Client, resident: User, body: str) -> None:
    program = ProgramFactory(published=True)

    response = client.post(
        f"/api/v1/programs/{program.pk}/registrations",
        data=body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **_bearer(resident),
    )

    assert response.status_code == 422, response.content
    assert not program.registrations.exists()


def test_an_application_without_explicit_consent_is_refused(client: Client, resident: User) -> None:
    program = ProgramFactory(published=True)

    response = client.post(
        f"/api/v1/programs/{program.pk}/registrations",
        data=json.dumps({"party_size": 1}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **_bearer(resident),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["consent"] == ["This field is required."]
    assert not program.registrations.exists()


def test_a_programme_closing_in_the_year_556_is_refused(client: Client, coordinator: User) -> None:
    organizer = OrganizerFactory()

    response = client.post(
        "/api/v1/programs",
        data=json.dumps(
            {"title": "古代の講座", "organizer_id": organizer.pk, "applications_close_at": "0556-03-01T10:00:00+09:00"}
        ),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **_bearer(coordinator),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["applications_close_at"] == ["Choose a date between 2000-01-01 and 2099-12-31."]


def test_a_form_posted_in_shift_jis_gets_the_sites_400_page(live_server: LiveServer) -> None:
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    browser.open(f"{live_server.url}/accounts/login/", timeout=10)
    token = next(cookie.value for cookie in cookies if cookie.name == "csrftoken")
    request = urllib.request.Request(  # noqa: S310 (the test's own server)
        f"{live_server.url}/accounts/login/",
        data=f"csrfmiddlewaretoken={token}&email=%82%A0%82%A2&password=x".encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=shift_jis", "Accept-Language": "en"},
        method="POST",
    )

    with pytest.raises(urllib.error.HTTPError) as answer:
        browser.open(request, timeout=10)

    assert answer.value.code == 400
    assert "The request could not be read" in answer.value.read().decode()


def test_an_unexpected_error_in_the_api_is_answered_in_json(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from manabiba.desk import selectors

    def broken() -> None:
        raise RuntimeError("the desk's calendar is unreadable")

    monkeypatch.setattr(selectors, "desk_status_cached", broken)

    response = client.get("/api/v1/desk/status", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Something went wrong on our side. Please try again later."}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/groups?area=-149322836300825413228578209792",
        "/api/v1/groups?offset=9223372036854775808",
        "/api/v1/programs?category=9223372036854775808",
        "/api/v1/talents?area=99999999999999999999999",
        "/api/v1/talents?offset=9223372036854775808",
        "/api/v1/staff/consultations?offset=473397541973469987602432",
        "/api/v1/staff/consultations?limit=-146364149268604945958759825408",
    ],
)
def test_ids_and_offsets_beyond_a_bigint_in_any_list_are_a_422(client: Client, coordinator: User, url: str) -> None:
    response = client.get(url, **_bearer(coordinator))

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
