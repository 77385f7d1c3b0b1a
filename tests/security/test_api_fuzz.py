"""Schemathesis walks the whole OpenAPI document as an anonymous caller and as the coordinator
(whose token reaches every staff operation): no answer may be a server error, a status the
document does not list, a body that does not match its schema, or a wrong content type.

Two of its checks are left out, on purpose: ``positive_data_acceptance`` and
``negative_data_rejection`` ask that the schema alone decide what is valid, but some of our rules
cannot be written in JSON Schema (days between 2000 and 2099, a month as YYYY-MM within that span,
a consultation topic that must exist); those answers are 422s with the reason, tested one by one
in ``tests/security/test_bad_input.py``. Unknown query parameters are ignored, as HTTP APIs do.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create


@pytest.fixture(autouse=True)
def _connection_kept_between_examples() -> Iterator[None]:
    """Django closes the database connection around each request; its own test client stops that,
    and so must a test that calls the WSGI app directly: the test's transaction (on PostgreSQL, its
    connection) has to live on from one example to the next."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

AUTH = ["anonymous", Role.COORDINATOR]
EXCLUDED = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection]


@pytest.fixture(params=AUTH, ids=str)
def headers(request: pytest.FixtureRequest, make_persona: Any) -> Iterator[dict[str, str]]:
    if request.param == "anonymous":
        yield {}
        return
    user: User = make_persona(request.param, email=f"fuzz-{request.param}@example.jp")
    yield {"Authorization": f"Bearer {api_token_create(user=user, name='fuzz').secret}"}


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
# derandomize: the same examples on every run, so CI is reproducible; raise max_examples locally to
# search wider (`pytest tests/security/test_api_fuzz.py`).
@settings(max_examples=8, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_as_its_document_says(case: Any, headers: dict[str, str]) -> None:
    case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
