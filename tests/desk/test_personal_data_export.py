"""A resident's download ("Download my data") holds their desk appointments, cancelled ones too,
and nobody else's."""

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.desk.services import appointment_book, appointment_cancel
from tests.desk.conftest import at

pytestmark = pytest.mark.usefixtures("default_week")

NOW = at(date(2026, 11, 25), 10)  # a Wednesday morning
SATURDAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_download_holds_the_persons_appointments_and_nobody_elses(
    client: Client, resident: User, make_persona: Callable[..., User]
) -> None:
    other = make_persona(Role.RESIDENT, email="other@example.jp")
    appointment_book(
        actor=resident, resident=resident, starts_at=at(SATURDAY, 10), topic="learning", note="書道を始めたい"
    )
    dropped = appointment_book(actor=resident, resident=resident, starts_at=at(SATURDAY, 14), topic="group")
    appointment_cancel(actor=resident, appointment=dropped)
    appointment_book(actor=other, resident=other, starts_at=at(SATURDAY, 11), topic="lecturer", note="講師になりたい")

    client.force_login(resident)
    exported = json.loads(client.get(reverse("accounts:profile_export")).content)["desk"]
    assert [(datetime.fromisoformat(a["starts_at"]), a["topic"], a["note"], a["status"]) for a in exported] == [
        (at(SATURDAY, 10), "learning", "書道を始めたい", "booked"),
        (at(SATURDAY, 14), "group", "", "cancelled"),
    ]
    assert {(a["name"], a["email"]) for a in exported} == {("市民 花子", "resident@example.jp")}
    assert "講師になりたい" not in json.dumps(exported, ensure_ascii=False)
