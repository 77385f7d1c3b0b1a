"""A pytest plugin that notes every answer the API gives during the test run.

Each API response a test receives through Django's test client is recorded as (method, OpenAPI
path, status). ``tests/config/test_api_document.py::test_every_status_seen_in_the_suite_is_documented``
runs last and compares what was seen with what the OpenAPI document lists, so an endpoint that
starts answering a new status fails the suite until the document says so.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test.client import Client

SEEN: set[tuple[str, str, str]] = set()
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _openapi_path(route: str) -> str:
    """``api/v1/programs/<int:program_id>/registrations`` → ``/api/v1/programs/{program_id}/registrations``."""
    return "/" + _CONVERTER.sub(r"{\1}", route)


@pytest.fixture(autouse=True, scope="session")
def _record_api_statuses() -> Iterator[None]:
    original = Client.request

    def request(self: Client, **request: Any) -> Any:
        response = original(self, **request)
        match = getattr(response, "resolver_match", None)
        if match is not None and str(request.get("PATH_INFO", "")).startswith("/api/v1/") and match.route:
            SEEN.add((str(request["REQUEST_METHOD"]).lower(), _openapi_path(match.route), str(response.status_code)))
        return response

    Client.request = request  # type: ignore[method-assign]
    yield
    Client.request = original  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The comparison runs after every other test has had its say."""
    last = [item for item in items if "test_every_status_seen_in_the_suite_is_documented" in item.nodeid]
    for item in last:
        items.remove(item)
        items.append(item)
