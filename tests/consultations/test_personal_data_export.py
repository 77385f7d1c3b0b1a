"""A resident's download ("Download my data") holds their consultations: what they asked, the
thread as their page shows it (never internal notes), and nobody else's."""

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.consultations.services import (
    consultation_note_add,
    consultation_reply,
    consultation_resident_reply,
    consultation_submit,
)
from manabiba.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_persons_consultations_and_nobody_elses(
    client: Client, resident: User, coordinator: User, make_persona: Callable[..., User]
) -> None:
    other = make_persona(Role.RESIDENT, email="other@example.jp")
    asked = consultation_submit(
        topic="learn",
        body="パソコンを基礎から学びたいです。",
        reply_channel="email",
        preferred_times="平日の午前",
        resident=resident,
    )
    consultation_submit(topic="group", body="囲碁の会を探しています。", reply_channel="email", resident=other)
    program = ProgramFactory(published=True, title="はじめてのパソコン")
    consultation_note_add(consultation=asked, actor=coordinator, body="内部メモ: 講師に確認")
    consultation_reply(
        consultation=asked, actor=coordinator, body="この講座はいかがでしょう。", program_ids=[program.pk]
    )
    consultation_resident_reply(consultation=asked, body="申し込みます。", author=resident)

    client.force_login(resident)
    [exported] = json.loads(client.get(reverse("accounts:profile_export")).content)["consultations"]
    assert exported["reference"] == asked.reference
    assert (exported["question"], exported["preferred_times"]) == ("パソコンを基礎から学びたいです。", "平日の午前")
    assert (exported["name"], exported["email"]) == ("市民 花子", "resident@example.jp")
    assert [(m["kind"], m["body"]) for m in exported["messages"]] == [
        ("reply", "この講座はいかがでしょう。"),
        ("resident", "申し込みます。"),
    ]
    assert exported["messages"][0]["recommended_programmes"] == ["はじめてのパソコン"]
    written = json.dumps(exported, ensure_ascii=False)
    assert "内部メモ" not in written
    assert "囲碁" not in written
