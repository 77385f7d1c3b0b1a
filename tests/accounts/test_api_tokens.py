from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import ApiToken, User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_from_email_and_password_works_as_a_bearer_token(client: Client, resident: User) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"email": resident.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", **_bearer(token))
    assert me.status_code == 200
    assert me.json()["email"] == resident.email
    assert me.json()["roles"] == ["resident"]
    stored = ApiToken.objects.get(user=resident)
    assert token not in (stored.digest, stored.prefix)


def test_wrong_password_is_401_with_a_message_in_the_callers_language(client: Client, resident: User) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"email": resident.email, "password": "nope"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 401
    assert "パスワード" in response.json()["detail"]
    response = client.post(
        "/api/v1/auth/token",
        {"email": resident.email, "password": "nope"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "password" in response.json()["detail"]


def test_malformed_token_request_says_what_is_missing(client: Client) -> None:
    response = client.post("/api/v1/auth/token", {"email": "a@example.jp"}, content_type="application/json")
    assert response.status_code == 422
    assert "password" in str(response.json())


def test_token_endpoint_locks_out_after_repeated_failures(client: Client, resident: User) -> None:
    for _attempt in range(5):
        client.post("/api/v1/auth/token", {"email": resident.email, "password": "x"}, content_type="application/json")
    response = client.post(
        "/api/v1/auth/token", {"email": resident.email, "password": DEFAULT_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429


def test_requests_without_a_valid_token_are_refused(client: Client) -> None:
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", **_bearer("mnb_made-up")).status_code == 401


def test_a_token_carries_only_its_owners_permissions(client: Client, make_persona: Any) -> None:
    resident = make_persona(Role.RESIDENT, email="r@example.jp")
    coordinator = make_persona(Role.COORDINATOR, email="c@example.jp")
    resident_token = api_token_create(user=resident, name="r").secret
    coordinator_token = api_token_create(user=coordinator, name="c").secret
    assert client.get("/api/v1/staff/people", **_bearer(resident_token)).status_code == 403
    response = client.get("/api/v1/staff/people", **_bearer(coordinator_token))
    assert response.status_code == 200
    emails = {item["email"] for item in response.json()["items"]}
    assert {"r@example.jp", "c@example.jp"} <= emails
    assert AuditEntry.objects.filter(action="accounts.personal_data.viewed", actor=coordinator).exists()
    assert "accounts.view_people" in client.get("/api/v1/me", **_bearer(coordinator_token)).json()["permissions"]


def test_tokens_are_listed_and_revoked_through_the_api(client: Client, resident: User) -> None:
    issued = api_token_create(user=resident, name="spreadsheet")
    listed = client.get("/api/v1/auth/tokens", **_bearer(issued.secret)).json()
    assert [t["name"] for t in listed] == ["spreadsheet"]
    response = client.delete(f"/api/v1/auth/tokens/{issued.token.pk}", **_bearer(issued.secret))
    assert response.status_code == 204
    assert client.get("/api/v1/me", **_bearer(issued.secret)).status_code == 401


def test_tokens_are_listed_and_revoked_on_the_profile_page(client: Client, resident: User, make_persona: Any) -> None:
    client.force_login(resident)
    response = client.post(reverse("accounts:token_create"), {"name": "家のパソコン"})
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "家のパソコン" in profile
    assert secret not in profile
    token = ApiToken.objects.get(user=resident)
    other = make_persona(Role.RESIDENT, email="other@example.jp")
    other_token = api_token_create(user=other, name="theirs").token
    assert client.post(reverse("accounts:token_revoke", args=[other_token.pk])).status_code == 404
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert client.get("/api/v1/me", **_bearer(secret)).status_code == 401
    assert ApiToken.objects.filter(pk=other_token.pk).exists()


def test_a_deactivated_persons_token_stops_working(client: Client, resident: User) -> None:
    secret = api_token_create(user=resident, name="x").secret
    resident.is_active = False
    resident.save()
    assert client.get("/api/v1/me", **_bearer(secret)).status_code == 401


def test_the_openapi_document_describes_the_token_endpoint(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"]
