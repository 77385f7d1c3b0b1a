"""Every role's persona logs in and sees only what its role allows."""

from typing import Any

import pytest
from django.test import Client

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.roles import Role

pytestmark = pytest.mark.django_db

R, G, T, DEPT, DESK, FAC, COORD, ADMIN, REV = (
    Role.RESIDENT,
    Role.GROUP_ORGANISER,
    Role.TALENT,
    Role.DEPARTMENT_STAFF,
    Role.DESK_STAFF,
    Role.FACILITY_STAFF,
    Role.COORDINATOR,
    Role.ADMINISTRATOR,
    Role.REVIEWER,
)
# A committee member has an account like anyone (their profile is theirs) and sees nothing else.
EVERYONE = {R, G, T, DEPT, DESK, FAC, COORD, ADMIN, REV}

# page -> the roles that may open it; everyone else gets 403 (or, for the Django admin, its login page).
MATRIX: dict[str, set[Role]] = {
    "/accounts/profile/": EVERYONE,
    "/accounts/profile/export/": EVERYONE,
    "/staff/": {DEPT, DESK, FAC, COORD, ADMIN},
    "/staff/people/": {DESK, COORD, ADMIN},
    "/staff/departments/": {COORD, ADMIN},
    "/staff/audit/": {COORD, ADMIN},
    "/staff/mail/failed/": {COORD, ADMIN},
    "/staff/proposals/": {COORD, ADMIN},
    "/proposals/reviews/": {DEPT, DESK, FAC, COORD, ADMIN, REV},
    "/admin/": {ADMIN},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_what_it_may(client: Client, make_persona: Any, role: Role) -> None:
    person = make_persona(role, email=f"{role.value}@example.jp")
    response = client.post("/accounts/login/", {"email": person.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, f"{role} could not log in"
    seen = {}
    for url, allowed in MATRIX.items():
        status = client.get(url).status_code
        seen[url] = status
        if role in allowed:
            assert status == 200, f"{role} should open {url}, got {status}"
        elif url == "/admin/":
            assert status == 302, f"{role} must be sent to the admin login, got {status}"
        else:
            assert status == 403, f"{role} must not open {url}, got {status}"


@pytest.mark.parametrize("url", [u for u in MATRIX if u.startswith("/staff/")])
def test_staff_pages_send_anonymous_visitors_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_shows_the_staff_workspace_only_to_staff(client: Client, make_persona: Any) -> None:
    client.force_login(make_persona(Role.GROUP_ORGANISER))
    assert "/staff/" not in client.get("/").content.decode()
    client.force_login(make_persona(Role.DEPARTMENT_STAFF))
    assert 'href="/staff/"' in client.get("/").content.decode()
