"""One bearer-token class for every API router: the same token opens each of them, and a revoked
or unknown token gets the same 401 JSON from each."""

import pytest
from django.test import Client
from ninja.security import HttpBearer

from manabiba.accounts.authentication import TokenAuth, token_auth
from manabiba.accounts.models import ApiToken, User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create, api_token_revoke
from manabiba.config.api import api

pytestmark = pytest.mark.django_db

# One operation per router that needs a token (write operations get an empty body: with a good
# token they answer 403 or 422, never 401).
GUARDED = [
    ("get", "/api/v1/me"),
    ("get", "/api/v1/staff/people"),
    ("post", "/api/v1/programs"),
    ("get", "/api/v1/me/registrations"),
    ("post", "/api/v1/groups/1/posts"),
    ("get", "/api/v1/staff/consultations"),
]


def _call(client: Client, method: str, path: str, token: str) -> tuple[int, str]:
    response = getattr(client, method)(
        path,
        data="{}" if method == "post" else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return response.status_code, response["Content-Type"]


def test_every_token_protected_operation_uses_the_one_token_class() -> None:
    bearer_classes = set()
    guarded = 0
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for callback in operation.auth_callbacks:
                    if isinstance(callback, HttpBearer):
                        bearer_classes.add(type(callback))
                        assert callback is token_auth, operation.view_func.__qualname__
                        guarded += 1
    assert bearer_classes == {TokenAuth}
    assert guarded >= len(GUARDED)


def test_one_token_opens_every_router(client: Client, coordinator: User) -> None:
    token = api_token_create(user=coordinator, name="all routers").secret

    answers = {path: _call(client, method, path, token)[0] for method, path in GUARDED}

    assert all(status != 401 for status in answers.values()), answers


@pytest.mark.parametrize("kind", ["revoked", "unknown"])
def test_a_revoked_or_unknown_token_gets_401_json_from_every_router(
    client: Client, coordinator: User, kind: str
) -> None:
    token = api_token_create(user=coordinator, name="soon gone").secret
    if kind == "revoked":
        api_token_revoke(token=ApiToken.objects.get(user=coordinator), actor=coordinator)
    else:
        token = token[:-4] + "xxxx"

    answers = {
        path: _call(client, method, path, token) for method, path in [*GUARDED, ("post", "/api/v1/consultations")]
    }

    assert {status for status, _type in answers.values()} == {401}, answers
    assert all(kind.startswith("application/json") for _status, kind in answers.values()), answers


def test_a_token_of_a_deactivated_account_is_refused(client: Client, make_persona: object) -> None:
    person = make_persona(Role.RESIDENT)  # type: ignore[operator]
    token = api_token_create(user=person, name="old").secret
    User.objects.filter(pk=person.pk).update(is_active=False)

    assert _call(client, "get", "/api/v1/me", token)[0] == 401
