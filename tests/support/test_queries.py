"""The support lists cost the same number of queries whatever the number of requests and parts."""

from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.support.models import SupportRequest
from manabiba.support.services import (
    TaskSpec,
    support_case_consent,
    support_case_publish,
    support_request_close,
    support_request_split,
)

Ask = Callable[..., SupportRequest]


@pytest.fixture(autouse=True)
def _clock_stands_still() -> Iterator[None]:
    """The footer's desk status is kept per minute: a minute turning between two counts adds a query."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("coordinator", "/staff/support/"),
        ("coordinator", "/staff/support/?view=department_open"),
        ("owner", "/support/"),
        ("anyone", "/support/cases/"),
    ],
)
def test_lists_cost_the_same_whatever_the_data(
    client: Client,
    ask: Ask,
    coordinator: User,
    owner: User,
    departments: dict[str, Department],
    who: str,
    url: str,
) -> None:
    def add_request() -> None:
        request = ask()
        support_request_split(
            request=request,
            actor=coordinator,
            parts=[TaskSpec(department=d, kind="venue") for d in departments.values()],
        )
        if who == "anyone":  # the public page lists published case studies
            support_request_close(request=request, actor=coordinator)
            support_case_consent(request=request, actor=owner, consent=True)
            support_case_publish(request=request, actor=coordinator, title="事例", summary="三つの課が協力しました。")

    add_request()
    if who != "anyone":
        client.force_login(coordinator if who == "coordinator" else owner)
    client.get(url)  # warm the caches the footer uses
    small = _queries(client, url)
    for _ in range(3):
        add_request()
    assert _queries(client, url) == small
    if who == "anyone":
        assert client.get(url).content.decode().count("三つの課が協力しました。") == 4
