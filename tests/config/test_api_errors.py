"""Every router answers a value of the wrong type with the app's 422 shape in the caller's language."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_wrong_type_query_on_programs_answers_in_japanese_and_english(client: Client) -> None:
    japanese = client.get("/api/v1/programs", {"limit": "many"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.status_code == 422
    body = japanese.json()
    assert body["detail"] == "入力内容をご確認ください。"
    assert body["errors"] == {"limit": ["整数で入力してください。"]}

    english = client.get("/api/v1/programs", {"limit": "many"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422
    assert english.json() == {
        "detail": "Please check what you entered.",
        "errors": {"limit": ["Please enter a whole number."]},
    }


def test_wrong_type_body_on_consultations_answers_in_japanese_and_english(client: Client) -> None:
    payload = json.dumps({"topic": 5, "body": ["not", "text"]})
    japanese = client.post("/api/v1/consultations", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.status_code == 422
    body = japanese.json()
    assert body["detail"] == "入力内容をご確認ください。"
    assert set(body["errors"]) == {"topic", "body"}
    assert "String should be" not in japanese.content.decode()

    english = client.post("/api/v1/consultations", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422
    assert english.json() == {
        "detail": "Please check what you entered.",
        "errors": {"topic": ["Please enter text."], "body": ["Please enter text."]},
    }
