"""An attacker's regression suite for API tokens (issue 17, item 7): a token someone took while
they knew the password must not outlive the password, a session somebody else holds must end when
an administrator says so, and no token may work for ever unless its owner chose that."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from manabiba.accounts import services
from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import ApiToken, User
from manabiba.core.dates import format_moment
from manabiba.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
NEW_PASSWORD = "a brand new passphrase"


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _api_status(secret: str) -> int:
    return Client().get(ME, **_bearer(secret)).status_code  # type: ignore[arg-type]


def _token_from_api(email: str, **extra: object) -> tuple[int, dict[str, object]]:
    response = Client().post(
        "/api/v1/auth/token", {"email": email, "password": DEFAULT_PASSWORD, **extra}, content_type="application/json"
    )
    return response.status_code, response.json()


def test_password_reset_revokes_tokens_made_with_the_old_password(resident: User) -> None:
    status, body = _token_from_api(resident.email)
    assert status == 200
    secret = str(body["token"])
    assert _api_status(secret) == 200
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(resident.pk))
    link = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(resident)])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert _api_status(secret) == 401
    assert not ApiToken.objects.filter(user=resident).exists()
    assert AuditEntry.objects.filter(action="accounts.password_reset", target_id=str(resident.pk)).exists()


def test_password_change_revokes_tokens_but_keeps_the_changing_session(client: Client, resident: User) -> None:
    kept = services.api_token_create(user=resident, name="spreadsheet").secret
    client.force_login(resident)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _api_status(kept) == 401
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEntry.objects.filter(
        action="accounts.api_tokens.revoked_all", target_id=str(resident.pk), data__reason="password_changed"
    ).exists()


def test_sign_out_everywhere_ends_the_persons_sessions_and_tokens(
    client: Client, resident: User, coordinator: User
) -> None:
    stolen_session = Client()
    stolen_session.force_login(resident)
    secret = services.api_token_create(user=resident, name="phone").secret
    other = services.api_token_create(user=coordinator, name="mine").secret
    client.force_login(coordinator)
    page = client.get(reverse("staff:person", args=[resident.pk])).content.decode()
    assert reverse("staff:person_sign_out", args=[resident.pk]) in page

    response = client.post(reverse("staff:person_sign_out", args=[resident.pk]))

    assert response.status_code == 302
    assert stolen_session.get(reverse("accounts:profile")).status_code == 302  # back to the login page
    assert _api_status(secret) == 401
    assert _api_status(other) == 200
    assert client.get(reverse("staff:dashboard")).status_code == 200  # the coordinator's own session stays
    entry = AuditEntry.objects.get(action="accounts.signed_out_everywhere", target_id=str(resident.pk))
    assert entry.actor == coordinator
    assert entry.data == {"api_tokens_revoked": 1}
    # With the same password, the person can sign in again.
    login = Client().post(reverse("accounts:login"), {"email": resident.email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 302


def test_sign_out_everywhere_is_refused_to_a_resident(client: Client, resident: User) -> None:
    victim = User.objects.create_user("victim@example.jp", DEFAULT_PASSWORD)
    secret = services.api_token_create(user=victim, name="phone").secret
    client.force_login(resident)

    response = client.post(reverse("staff:person_sign_out", args=[victim.pk]))

    assert response.status_code == 403
    assert _api_status(secret) == 200
    victim.refresh_from_db()
    assert victim.session_generation == 0


def test_expired_token_is_refused_like_a_revoked_one(resident: User) -> None:
    status, body = _token_from_api(resident.email, expires_in_days=30)
    assert status == 200
    secret = str(body["token"])
    token = ApiToken.objects.get(user=resident)
    assert token.expires_at is not None
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert body["expires_at"] is not None

    with time_machine.travel(timezone.now() + timedelta(days=29), tick=False):
        assert _api_status(secret) == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1), tick=False):
        response = Client().get(ME, **_bearer(secret))  # type: ignore[arg-type]
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("days", [0, -1, 3651, "soon"])
def test_token_lifetime_out_of_range_is_refused_with_no_token_made(resident: User, days: object) -> None:
    status, _body = _token_from_api(resident.email, expires_in_days=days)

    assert status == 422
    assert not ApiToken.objects.filter(user=resident).exists()


def test_token_chosen_on_my_page_expires_and_shows_its_dates(client: Client, resident: User) -> None:
    client.force_login(resident)

    response = client.post(reverse("accounts:token_create"), {"name": "spreadsheet", "expires_in_days": "90"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=resident)
    assert token.expires_at is not None
    assert (token.expires_at - timezone.now()).days == 89
    secret = response.context["issued"].secret
    assert _api_status(secret) == 200
    page = client.get(reverse("accounts:profile")).content.decode()
    # Dates as people read them (core.dates), in the page's language.
    with translation.override("ja"):
        assert format_moment(token.expires_at) in page
        token.refresh_from_db()
        assert token.last_used_at is not None
        assert format_moment(token.last_used_at) in page


def test_token_that_never_expires_only_when_chosen(client: Client, resident: User) -> None:
    client.force_login(resident)

    client.post(reverse("accounts:token_create"), {"name": "kiosk", "expires_in_days": ""})

    assert ApiToken.objects.get(user=resident).expires_at is None


def test_busy_token_is_written_at_most_once_a_minute(resident: User) -> None:
    secret = services.api_token_create(user=resident, name="busy").secret
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _api_status(secret) == 200
        first = ApiToken.objects.get(user=resident).last_used_at
        for _n in range(3):
            assert _api_status(secret) == 200
        assert ApiToken.objects.get(user=resident).last_used_at == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert _api_status(secret) == 200
        assert ApiToken.objects.get(user=resident).last_used_at == start + timedelta(seconds=61)


def test_upgrading_to_session_generations_signs_nobody_out(resident: User) -> None:
    # Sessions made before the field existed carry Django's own hash; generation 0 must keep it.
    django_hash = salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", resident.password, algorithm="sha256"
    ).hexdigest()

    assert resident.get_session_auth_hash() == django_hash
    resident.session_generation = 1
    assert resident.get_session_auth_hash() != django_hash
