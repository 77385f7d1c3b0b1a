"""A pytest plugin that notes every answer the API gives during the test run.

Each API response a test receives through Django's test client is recorded as (method, OpenAPI
path, status). ``tests/config/test_api_document.py::test_every_status_seen_in_the_suite_is_documented``
runs last and compares what was seen with what the OpenAPI document lists, so an endpoint that
starts answering a new status fails the suite until the document says so.

Split over pytest-xdist workers, each worker sees only its own tests' answers: the workers hand them
to the controller, which makes the same comparison once every worker is done and fails the run if
anything is undocumented.
"""

import re
from collections.abc import Iterable, Iterator
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


METHODS = {"get", "post", "put", "patch", "delete"}
# The document itself and its viewer, which are not operations.
SERVED = ("/openapi.json", "/docs")


def api_document() -> dict[str, Any]:
    from manabiba.config.api import api

    schema: dict[str, Any] = api.get_openapi_schema()
    # As served: JSON keys are strings (the schema object keys some statuses with ints).
    for item in schema["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"] = {str(status): answer for status, answer in operation["responses"].items()}
    return schema


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def not_in_document(
    seen: Iterable[tuple[str, str, str]], document: dict[str, Any]
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(operations answered but missing from the document, statuses answered but not documented)."""
    documented = {
        (method, path, status) for method, path, operation in operations(document) for status in operation["responses"]
    }
    known = {(method, path) for method, path, _operation in operations(document)}
    seen = set(seen)
    unknown = sorted({found[:2] for found in seen if found[:2] not in known and not found[1].endswith(SERVED)})
    undocumented = sorted(found for found in seen if found[:2] in known and found not in documented)
    return unknown, undocumented


def _is_xdist_controller(config: pytest.Config) -> bool:
    return config.pluginmanager.hasplugin("dsession") and not hasattr(config, "workeroutput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the xdist controller: what a finished worker saw."""
    SEEN.update(tuple(found) for found in getattr(node, "workeroutput", {}).get("api_statuses", []))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a worker: hand what it saw to the controller
        workeroutput["api_statuses"] = sorted(SEEN)
        return
    if not _is_xdist_controller(session.config) or not SEEN:
        return
    unknown, undocumented = not_in_document(SEEN, api_document())
    if unknown or undocumented:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"API answers missing from the OpenAPI document: {unknown} {undocumented}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
