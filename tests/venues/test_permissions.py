"""Who may open the room-booking staff pages, book for a group and manage a facility, role by role."""

from collections.abc import Callable

import pytest
from django.test import Client

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.facilities.factories import FacilityFactory
from manabiba.venues.permissions import can_book_on_behalf, can_manage_facility
from tests.venues.conftest import Place

pytestmark = pytest.mark.django_db

R, G, T, REV = Role.RESIDENT, Role.GROUP_ORGANISER, Role.TALENT, Role.REVIEWER
DEPT, DESK, FAC = Role.DEPARTMENT_STAFF, Role.DESK_STAFF, Role.FACILITY_STAFF
COORD, ADMIN = Role.COORDINATOR, Role.ADMINISTRATOR
MATRIX: dict[str, set[Role]] = {
    "/staff/venues/": {FAC, COORD, ADMIN},
    "/staff/venues/duplicates/": {FAC, COORD, ADMIN},
    "/staff/venues/facilities/": {FAC, COORD, ADMIN},
    "/staff/venues/schools/": {FAC, COORD, ADMIN},
    "/staff/venues/utilisation/": {FAC, COORD, ADMIN},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_exactly_the_staff_pages_it_may(
    client: Client, make_persona: Callable[..., User], role: Role
) -> None:
    person = make_persona(role, email=f"{role.value}@example.jp")
    assert client.post("/accounts/login/", {"email": person.email, "password": DEFAULT_PASSWORD}).status_code == 302
    for url, allowed in MATRIX.items():
        assert client.get(url).status_code == (200 if role in allowed else 403), (role, url)


@pytest.mark.parametrize("url", list(MATRIX))
def test_staff_pages_send_anonymous_visitors_to_login(client: Client, url: str) -> None:
    assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "own", "other", "manages_own", "manages_other"),
    [
        (R, False, False, False, False),
        (G, False, False, False, False),
        (T, False, False, False, False),
        (REV, False, False, False, False),
        (DEPT, False, False, False, False),
        (DESK, True, True, False, False),
        (FAC, True, False, True, False),
        (COORD, True, True, True, True),
        (ADMIN, True, True, True, True),
    ],
)
def test_booking_for_a_group_and_managing_a_facility_by_role(
    make_persona: Callable[..., User],
    place: Place,
    role: Role,
    own: bool,
    other: bool,
    manages_own: bool,
    manages_other: bool,
) -> None:
    person = make_persona(role, email=f"{role.value}@example.jp")
    place.facility.staff.add(person)  # only matters to facility staff
    elsewhere = FacilityFactory(name="よその公民館")
    assert (can_book_on_behalf(person, place.facility), can_book_on_behalf(person, elsewhere)) == (own, other)
    assert (can_manage_facility(person, place.facility), can_manage_facility(person, elsewhere)) == (
        manages_own,
        manages_other,
    )
