"""The registrations API: apply with a token or a session, 409 and 422, my list, cancel, staff draws."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.core.figures import figures_changes_flush
from manabiba.core.models import AuditEntry
from manabiba.registrations.models import LotteryDraw, Registration
from manabiba.registrations.services import QuestionSpec, registration_settings_update

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db

# Applying through the API needs the privacy-notice consent said out loud: it is never assumed.
CONSENT = {"consent": True}


def _auth(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test').secret}"}


def _post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_apply_with_a_token_then_409_when_applying_again(
    client: Client, make_program: MakeProgram, resident: User
) -> None:
    program = make_program(capacity=1)
    url = f"/api/v1/programs/{program.pk}/registrations"
    response = _post(client, url, {"party_size": 1, "answers": {}, "consent": True}, **_auth(resident))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["program"]["id"] == program.pk
    assert len(body["check_in_code"]) == 6
    again = _post(client, url, {"party_size": 1, "consent": True}, **_auth(resident), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert again.json()["detail"] == "You have already applied for this programme."
    assert again.json()["registration_id"] == body["id"]


# Issue 14: what one application through the API costs, from the token to the queued mail and the
# retired report section, its on-commit work included: the token read and its last use, the programme
# with its settings, the first-timer check, the questions, the year's salt, the seats guessed, the
# sessions (the mail is rendered before the lock); the lock, the seats, the registration, its
# participant, the audit entry, the mail (under it); the programme's years and their report token,
# the mail's delivery queued (after the commit). Raise it only on purpose.
STATEMENTS_PER_APPLICATION = 17


@pytest.mark.parametrize("status", ["confirmed", "waitlisted"])
def test_one_application_costs_a_pinned_number_of_statements(
    client: Client,
    make_program: MakeProgram,
    make_resident: Callable[..., User],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    status: str,
) -> None:
    # As deployed without Redis, and as scripts/bench_registrations.py runs: the delivery is queued
    # in the database, not run in the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    program = make_program(capacity=2 if status == "confirmed" else 1)
    figures_changes_flush()  # what making the programme changed, as its commit would
    url = f"/api/v1/programs/{program.pk}/registrations"
    # The first application makes what the later ones find: the year's salt and its report token.
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, url, CONSENT, **_auth(make_resident())).status_code == 201
    resident = make_resident()
    headers = _auth(resident)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = _post(client, url, CONSENT, **headers)
    assert response.status_code == 201
    assert response.json()["status"] == status
    # The participants answered are the ones just stored, not read back.
    assert response.json()["participants"] == [{"position": 1, "name": resident.full_name, "age": None}]
    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))  # the test's own transaction
    ]
    assert len(statements) <= STATEMENTS_PER_APPLICATION, "\n".join(statements)


def test_apply_with_the_session_and_get_waitlisted(
    client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    first, second = make_resident(), make_resident()
    client.force_login(first)
    assert _post(client, f"/api/v1/programs/{program.pk}/registrations", CONSENT).json()["status"] == "confirmed"
    client.force_login(second)
    response = _post(client, f"/api/v1/programs/{program.pk}/registrations", {"party_size": 1, "consent": True})
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 1


def test_lottery_application_is_applied(client: Client, make_program: MakeProgram, resident: User) -> None:
    program = make_program(lottery=True)
    response = _post(client, f"/api/v1/programs/{program.pk}/registrations", CONSENT, **_auth(resident))
    assert response.status_code == 201
    assert response.json()["status"] == "applied"


def test_invalid_answers_give_422_with_field_errors_in_the_callers_language(
    client: Client, make_program: MakeProgram, resident: User
) -> None:
    program = make_program(max_party_size=2)
    registration_settings_update(
        program=program,
        actor=None,
        questions=[QuestionSpec(key="child_age", label="Age", kind="number", required=True, max_value=12)],
    )
    url = f"/api/v1/programs/{program.pk}/registrations"
    response = _post(
        client, url, {"party_size": 3, "answers": {}, "consent": True}, **_auth(resident), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["party_size"] == ["At most 2 people per application."]
    assert errors["answers.child_age"] == ["Please answer this question."]
    assert not Registration.objects.exists()


def test_unknown_programme_is_404_in_the_callers_language(client: Client, resident: User) -> None:
    url = "/api/v1/programs/999999/registrations"
    english = _post(client, url, CONSENT, **_auth(resident), HTTP_ACCEPT_LANGUAGE="en")
    japanese = _post(client, url, CONSENT, **_auth(resident), HTTP_ACCEPT_LANGUAGE="ja")
    assert english.status_code == japanese.status_code == 404
    assert english.json()["detail"] == "No such programme."
    assert japanese.json()["detail"] != "No such programme."


def test_anonymous_callers_are_refused(client: Client, make_program: MakeProgram) -> None:
    program = make_program()
    assert _post(client, f"/api/v1/programs/{program.pk}/registrations", {}).status_code == 401


def test_my_registrations_and_cancel(
    client: Client, make_program: MakeProgram, resident: User, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1, cancellation_cutoff_hours=0)
    headers = _auth(resident)
    mine = _post(client, f"/api/v1/programs/{program.pk}/registrations", CONSENT, **headers).json()
    other = make_resident()
    waiting = _post(client, f"/api/v1/programs/{program.pk}/registrations", CONSENT, **_auth(other)).json()
    listed = client.get("/api/v1/me/registrations", **headers).json()
    assert [r["id"] for r in listed] == [mine["id"]]
    # Someone else's registration is not found for them.
    assert client.delete(f"/api/v1/registrations/{mine['id']}", **_auth(other)).status_code == 404
    response = client.delete(f"/api/v1/registrations/{mine['id']}", **headers)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/registrations/{waiting['id']}", **_auth(other)).json()["status"] == "confirmed"
    assert client.delete(f"/api/v1/registrations/{mine['id']}", **headers).status_code == 409


def test_staff_run_and_read_a_draw_and_the_public_sees_only_counts(
    client: Client, make_program: MakeProgram, make_resident: Callable[..., User], coordinator: User, make_persona: Any
) -> None:
    program = make_program(capacity=2, lottery=True, closes_in=timedelta(minutes=5))
    applicants = [make_resident() for _ in range(5)]
    for person in applicants:
        _post(client, f"/api/v1/programs/{program.pk}/registrations", CONSENT, **_auth(person))
    type(program).objects.filter(pk=program.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    url = f"/api/v1/staff/programs/{program.pk}/lottery"
    assert _post(client, url, {}, **_auth(applicants[0])).status_code == 403
    assert _post(client, url, {}, **_auth(make_persona(Role.DESK_STAFF))).status_code == 403
    response = _post(client, url, {}, **_auth(coordinator))
    assert response.status_code == 201
    draw = response.json()
    assert draw["verified"] is True
    assert draw["applicants"] == 5
    assert draw["winners"] == 2
    assert len(draw["ranking"]) == 5
    assert _post(client, url, {}, **_auth(coordinator)).status_code == 409
    read = client.get(url, **_auth(coordinator)).json()
    assert read["seed"] == LotteryDraw.objects.get(program=program).seed
    public = client.get(f"/api/v1/programs/{program.pk}/lottery")
    assert public.status_code == 200
    assert "ranking" not in public.json()
    assert public.json()["tiers"] == [{"tier": 1, "applicants": 5, "seats": 5, "won": 2, "seats_won": 2}]
    text = public.content.decode()
    assert all(person.full_name not in text for person in applicants)


def test_registrant_list_is_for_the_organiser_and_logged(
    client: Client, make_program: MakeProgram, resident: User, coordinator: User, make_persona: Any
) -> None:
    program = make_program()
    _post(client, f"/api/v1/programs/{program.pk}/registrations", CONSENT, **_auth(resident))
    url = f"/api/v1/staff/programs/{program.pk}/registrations"
    outsider = make_persona(Role.DEPARTMENT_STAFF)
    assert client.get(url, **_auth(outsider)).status_code == 403
    response = client.get(url, **_auth(coordinator))
    assert response.status_code == 200
    assert response.json()[0]["full_name"] == resident.full_name
    assert AuditEntry.objects.filter(
        action="registrations.personal_data.viewed", actor=coordinator, target_id=str(program.pk)
    ).exists()


def test_openapi_document_lists_the_registration_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/programs/{program_id}/registrations" in paths
    assert "/api/v1/me/registrations" in paths
    assert "delete" in paths["/api/v1/registrations/{registration_id}"]
    assert "post" in paths["/api/v1/staff/programs/{program_id}/lottery"]
