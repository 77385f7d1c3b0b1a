import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from manabiba.accounts.models import Department, User
from manabiba.accounts.services import api_token_create
from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.services import consultation_assign
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test').secret}"}


QUESTION = {"topic": "learn", "body": "英会話を始めたい", "reply_channel": "email", "email": "api@example.jp"}


def test_a_guest_asks_through_the_api_and_must_confirm_the_address(client: Client) -> None:
    response = client.post("/api/v1/consultations", QUESTION, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["confirmation_required"] is True
    assert Consultation.objects.get(reference=body["reference"]).confirmed_at is None
    assert OutboxMessage.objects.filter(to="api@example.jp").exists()


def test_a_resident_token_makes_the_consultation_theirs(client: Client, resident: User) -> None:
    payload = {key: value for key, value in QUESTION.items() if key != "email"}
    response = client.post("/api/v1/consultations", payload, content_type="application/json", **bearer(resident))
    assert response.status_code == 201
    assert response.json()["confirmation_required"] is False
    assert Consultation.objects.get(reference=response.json()["reference"]).resident == resident


def test_a_resident_token_is_held_to_the_daily_limit(client: Client, resident: User, settings: Any) -> None:
    settings.CONSULTATIONS_RESIDENT_ASKS_PER_DAY = 2
    payload = {key: value for key, value in QUESTION.items() if key != "email"}
    token = bearer(resident)
    answers = [
        client.post("/api/v1/consultations", payload, content_type="application/json", **token).status_code
        for _ in range(3)
    ]
    assert answers == [201, 201, 429]
    assert Consultation.objects.filter(resident=resident).count() == 2


def test_a_guest_asking_by_phone_through_the_api_is_held_to_the_phone_numbers_limit(client: Client) -> None:
    # The same limit as the ask page (three a day per number, however it is written), from any address.
    question = {"topic": "learn", "body": "電話で相談したい", "reply_channel": "phone", "phone": "042-111-2222"}
    asks = [("042-111-2222", "192.0.2.1"), ("0421112222", "192.0.2.2"), ("042-111-2222", "192.0.2.3")]
    asks.append(("０４２１１１２２２２", "192.0.2.4"))  # full-width digits: the same number again
    answers = [
        client.post(
            "/api/v1/consultations", {**question, "phone": phone}, content_type="application/json", REMOTE_ADDR=ip
        ).status_code
        for phone, ip in asks
    ]
    assert answers == [201, 201, 201, 429]
    assert Consultation.objects.count() == 3


def test_a_session_cookie_does_not_ask_in_the_residents_name(resident: User) -> None:
    """The endpoint has no CSRF check: another site's page posting with the resident's cookie
    must not put a question, confirmed and mailed, in their name."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)
    payload = {key: value for key, value in QUESTION.items() if key != "email"}
    forged = browser.post("/api/v1/consultations", json.dumps(payload), content_type="text/plain")
    assert forged.status_code == 422
    assert forged.json()["field"] == "email"
    assert not Consultation.objects.filter(resident=resident).exists()
    # With an address it is a guest's question like any other: it waits for the e-mail check.
    guest = browser.post("/api/v1/consultations", json.dumps(QUESTION), content_type="text/plain")
    assert guest.status_code == 201
    created = Consultation.objects.get(reference=guest.json()["reference"])
    assert created.resident is None
    assert created.confirmed_at is None


def test_form_errors_answer_422_with_the_fields_in_the_callers_language(client: Client) -> None:
    def post(language: str) -> Any:
        return client.post(
            "/api/v1/consultations",
            {**QUESTION, "topic": "nonsense", "email": ""},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )

    english, japanese = post("en"), post("ja")
    assert english.status_code == japanese.status_code == 422
    assert set(english.json()["errors"]) == {"topic", "email"}
    assert english.json()["field"] in {"topic", "email"}
    assert "Select a valid choice" in english.json()["errors"]["topic"][0]
    assert "正しく選択してください" in japanese.json()["errors"]["topic"][0]
    assert not Consultation.objects.exists()


def test_staff_list_read_and_answer_with_a_token(
    client: Client, ask: Ask, coordinator: User, sports: Department, sports_staff: User
) -> None:
    consultation = ask()
    consultation_assign(consultation=consultation, actor=coordinator, department=sports, assignee=None)
    program = ProgramFactory(published=True)
    headers = bearer(sports_staff)

    listing = client.get("/api/v1/staff/consultations", {"view": "department"}, **headers)
    assert listing.status_code == 200
    assert [item["reference"] for item in listing.json()] == [consultation.reference]

    detail = client.get(f"/api/v1/staff/consultations/{consultation.pk}", **headers)
    assert detail.status_code == 200
    assert detail.json()["email"] == "guest@example.jp"
    assert AuditEntry.objects.filter(
        action="consultations.personal_data.viewed", actor=sports_staff, target_id=str(consultation.pk)
    ).exists()

    answer = client.post(
        f"/api/v1/staff/consultations/{consultation.pk}/replies",
        {"body": "この講座がおすすめです", "program_ids": [program.pk]},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 201
    assert answer.json()["status"] == "answered"
    reply = consultation.messages.get(kind=Message.Kind.REPLY)
    assert reply.via == Message.Via.API
    assert list(reply.programs.all()) == [program]

    note = client.post(
        f"/api/v1/staff/consultations/{consultation.pk}/replies",
        {"body": "内部メモ", "internal": True},
        content_type="application/json",
        **headers,
    )
    assert note.status_code == 201
    assert consultation.messages.filter(kind=Message.Kind.NOTE).count() == 1


def test_a_token_of_another_department_cannot_read_or_answer(
    client: Client, ask: Ask, coordinator: User, sports: Department, childcare_staff: User, resident: User
) -> None:
    consultation = ask()
    consultation_assign(consultation=consultation, actor=coordinator, department=sports, assignee=None)
    headers = bearer(childcare_staff)
    assert client.get("/api/v1/staff/consultations", **headers).json() == []
    assert client.get(f"/api/v1/staff/consultations/{consultation.pk}", **headers).status_code == 404
    answer = client.post(
        f"/api/v1/staff/consultations/{consultation.pk}/replies",
        {"body": "x"},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 404
    assert client.get("/api/v1/staff/consultations", **bearer(resident)).status_code == 403
    assert client.get("/api/v1/staff/consultations").status_code == 401


def test_recommending_a_draft_is_refused_naming_the_field(client: Client, ask: Ask, coordinator: User) -> None:
    consultation = ask()
    response = client.post(
        f"/api/v1/staff/consultations/{consultation.pk}/replies",
        {"body": "x", "program_ids": [ProgramFactory().pk]},
        content_type="application/json",
        **bearer(coordinator),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "program_ids"
    assert not consultation.messages.exists()
