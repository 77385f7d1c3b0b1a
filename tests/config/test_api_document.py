"""The OpenAPI document lists exactly what each operation can answer, with the error body's shape."""

from typing import Any

import pytest
from django.test import Client

from tests.api_statuses import SEEN, api_document, not_in_document
from tests.api_statuses import operations as _operations


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api_document()


def test_every_operation_that_needs_a_token_documents_401(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for method, path, operation in _operations(document)
        if operation.get("security") and "401" not in operation["responses"]
    ]
    assert missing == []


def test_every_operation_with_input_documents_422(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for method, path, operation in _operations(document)
        if (operation.get("parameters") or operation.get("requestBody")) and "422" not in operation["responses"]
    ]
    assert missing == []


def test_no_read_or_delete_documents_201(document: dict[str, Any]) -> None:
    wrong = [
        f"{method.upper()} {path}"
        for method, path, operation in _operations(document)
        if method in {"get", "delete"} and "201" in operation["responses"]
    ]
    assert wrong == []


def test_every_error_answer_documents_the_error_body(document: dict[str, Any]) -> None:
    undescribed = [
        f"{method.upper()} {path} {status}"
        for method, path, operation in _operations(document)
        for status, answer in operation["responses"].items()
        if status.startswith(("4", "5")) and "content" not in answer
    ]
    assert undescribed == []


def test_the_document_served_is_the_one_described(client: Client, document: dict[str, Any]) -> None:
    served = client.get("/api/v1/openapi.json").json()

    assert served["paths"].keys() == document["paths"].keys()
    assert served["paths"]["/api/v1/programs"]["get"]["responses"].keys() == (
        document["paths"]["/api/v1/programs"]["get"]["responses"].keys()
    )


def test_every_status_seen_in_the_suite_is_documented(document: dict[str, Any]) -> None:
    """Runs last (see tests/api_statuses.py): every status any test received is in the document. Split
    over xdist workers, the controller makes the same comparison over every worker's answers."""
    unknown, undocumented = not_in_document(SEEN, document)
    assert unknown == [], "answered by the API but missing from its document"
    assert undocumented == []
