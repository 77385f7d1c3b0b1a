"""Staff land on the workspace after login; residents on My page; an explicit ``next`` wins."""

import time
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, query: str = "") -> Any:
    return client.post(reverse("accounts:login") + query, {"email": email, "password": DEFAULT_PASSWORD})


def _with_second_factor(client: Client, person: User) -> str:
    """Turn on the authenticator for ``person`` (signed out afterwards); returns its secret."""
    client.force_login(person)
    page = client.get(reverse("accounts:totp_setup"))
    secret = "".join(page.context["secret_groups"])
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    client.logout()
    return secret


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DEPARTMENT_STAFF, Role.DESK_STAFF])
def test_staff_land_on_the_workspace(client: Client, make_persona: Any, role: Role) -> None:
    person = make_persona(role)
    assert _login(client, person.email)["Location"] == reverse("staff:dashboard")


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.GROUP_ORGANISER])
def test_residents_and_organisers_land_on_my_page(client: Client, make_persona: Any, role: Role) -> None:
    person = make_persona(role)
    assert _login(client, person.email)["Location"] == reverse("accounts:profile")


def test_an_explicit_next_wins_for_staff(client: Client, make_persona: Any) -> None:
    person = make_persona(Role.COORDINATOR)
    assert _login(client, person.email, "?next=/staff/people/")["Location"] == "/staff/people/"


def test_staff_with_a_second_factor_land_on_the_workspace_after_the_code(client: Client, make_persona: Any) -> None:
    person = make_persona(Role.COORDINATOR)
    secret = _with_second_factor(client, person)
    asked = _login(client, person.email)
    assert asked["Location"] == reverse("accounts:login_verify")
    done = client.post(asked["Location"], {"code": str(pyotp.TOTP(secret).at(time.time() + 30))})
    assert done["Location"] == reverse("staff:dashboard")


def test_a_next_survives_the_second_factor(client: Client, make_persona: Any) -> None:
    person = make_persona(Role.COORDINATOR)
    secret = _with_second_factor(client, person)
    asked = _login(client, person.email, "?next=/staff/audit/")
    done = client.post(asked["Location"], {"code": str(pyotp.TOTP(secret).at(time.time() + 30))})
    assert done["Location"] == "/staff/audit/"
