"""A resident's download ("Download my data") holds their registrations: what they gave, the
participants they named and their answers, and nobody else's."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.selectors import user_export_data
from manabiba.registrations.selectors import registrations_export
from manabiba.registrations.services import (
    ParticipantSpec,
    QuestionSpec,
    registration_settings_update,
    registration_submit,
)

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_persons_registrations_and_nobody_elses(
    client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(
        capacity=10, max_party_size=3, asks_participant_age=True, program_fields={"title": "親子木工教室"}
    )
    registration_settings_update(
        program=program, actor=None, questions=[QuestionSpec(key="experience", label="木工の経験")]
    )
    person = make_resident(email="family@example.jp", full_name="木工 花子", phone="042-000-0000")
    other = make_resident(email="other@example.jp", full_name="他人 次郎")
    registration = registration_submit(
        program=program,
        user=person,
        party_size=2,
        participants=[ParticipantSpec("木工 花子", 38), ParticipantSpec("木工 一郎", 9)],
        answers={"experience": "初めて"},
        consent=True,
    )
    registration_submit(program=program, user=other, participants=[ParticipantSpec("他人 次郎", 50)], consent=True)

    client.force_login(person)
    [exported] = json.loads(client.get(reverse("accounts:profile_export")).content)["registrations"]
    assert exported["programme"] == "親子木工教室"
    assert (exported["full_name"], exported["email"], exported["phone"]) == (
        "木工 花子",
        "family@example.jp",
        "042-000-0000",
    )
    assert (exported["status"], exported["party_size"]) == ("confirmed", 2)
    assert exported["check_in_code"] == registration.check_in_code
    assert [(p["name"], p["age"]) for p in exported["participants"]] == [("木工 花子", 38), ("木工 一郎", 9)]
    assert exported["answers"] == [{"question": "木工の経験", "answer": "初めて"}]
    assert "他人 次郎" not in json.dumps(exported, ensure_ascii=False)


def test_many_registrations_cost_the_same_few_queries(
    make_program: MakeProgram,
    make_resident: Callable[..., User],
    django_assert_max_num_queries: Any,
) -> None:
    person = make_resident()
    for _ in range(3):
        registration_submit(program=make_program(), user=person, consent=True)
    with django_assert_max_num_queries(3):
        exported = registrations_export(person)
    assert len(exported) == 3
    assert user_export_data(person)["registrations"] == exported
