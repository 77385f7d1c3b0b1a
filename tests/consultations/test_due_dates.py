"""Due dates come from the topic's response target, pause while waiting for the resident, and flag overdue."""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.consultations.models import Consultation
from manabiba.consultations.selectors import consultation_queue
from manabiba.consultations.services import consultation_reply, consultation_resident_reply

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)
Ask = Callable[..., Consultation]


def test_the_due_date_follows_the_topics_target(ask: Ask, settings: object) -> None:
    with time_machine.travel(START, tick=False):
        learn = ask(topic="learn")
        lecturer = ask(topic="lecturer", email="b@example.jp")
    assert learn.due_at == START + timedelta(days=3)
    assert lecturer.due_at == START + timedelta(days=7)


def test_the_target_can_be_set_per_topic(ask: Ask, settings: object) -> None:
    # As CONSULTATIONS_RESPONSE_TARGET_DAYS=learn=1 gives it: the pair over the defaults.
    settings.CONSULTATIONS_RESPONSE_TARGET_DAYS = {**settings.CONSULTATIONS_RESPONSE_TARGET_DAYS, "learn": 1}  # type: ignore[attr-defined]
    with time_machine.travel(START, tick=False):
        consultation = ask(topic="learn")
    assert consultation.due_at == START + timedelta(days=1)


def test_the_clock_pauses_while_waiting_for_the_resident(ask: Ask, coordinator: User) -> None:
    with time_machine.travel(START, tick=False):
        consultation = ask(topic="learn")  # due in 3 days: June 4, 10:00
    with time_machine.travel(START + timedelta(days=1), tick=False):
        consultation_reply(
            consultation=consultation, actor=coordinator, body="平日と週末、どちらがよいですか", wait_for_resident=True
        )
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.WAITING
    # Ten days later nothing is overdue: the city is waiting.
    with time_machine.travel(START + timedelta(days=11), tick=False):
        consultation.refresh_from_db()
        assert not consultation.is_overdue
        assert consultation not in consultation_queue(user=coordinator, view="overdue")
        assert consultation in consultation_queue(user=coordinator, view="waiting")
        consultation_resident_reply(consultation=consultation, body="週末がいいです")
    consultation.refresh_from_db()
    # Ten days of waiting move the due date from June 4 to June 14.
    assert consultation.due_at == START + timedelta(days=13)
    assert consultation.status == Consultation.Status.IN_PROGRESS
    with time_machine.travel(START + timedelta(days=12), tick=False):
        assert not consultation.is_overdue
    with time_machine.travel(START + timedelta(days=13, minutes=1), tick=False):
        assert consultation.is_overdue
        assert consultation in consultation_queue(user=coordinator, view="overdue")


def test_a_second_question_while_waiting_keeps_the_clock_paused_from_the_first(ask: Ask, coordinator: User) -> None:
    with time_machine.travel(START, tick=False):
        consultation = ask(topic="learn")  # due June 4, 10:00
    with time_machine.travel(START + timedelta(days=1), tick=False):
        consultation_reply(
            consultation=consultation, actor=coordinator, body="ご希望の曜日は？", wait_for_resident=True
        )
    with time_machine.travel(START + timedelta(days=5), tick=False):
        # No answer yet: the city asks again, still waiting.
        consultation_reply(
            consultation=consultation, actor=coordinator, body="念のため再送します", wait_for_resident=True
        )
    with time_machine.travel(START + timedelta(days=8), tick=False):
        consultation_resident_reply(consultation=consultation, body="土曜日がいいです")
    consultation.refresh_from_db()
    # Seven days of waiting (June 2 to June 9) move the due date from June 4 to June 11.
    assert consultation.due_at == START + timedelta(days=3 + 7)


def test_overdue_consultations_are_flagged_in_the_queue(ask: Ask, coordinator: User, client: Client) -> None:
    with time_machine.travel(START, tick=False):
        late = ask(topic="learn")
        fresh = ask(topic="lecturer", email="b@example.jp")
    client.force_login(coordinator)
    with time_machine.travel(START + timedelta(days=4), tick=False):
        assert late.is_overdue
        assert not fresh.is_overdue
        assert list(consultation_queue(user=coordinator, view="overdue")) == [late]
        page = client.get(
            reverse("staff_consultations:queue"), {"view": "overdue"}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        detail = client.get(
            reverse("staff_consultations:detail", args=[late.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert late.reference in page
    assert fresh.reference not in page
    assert "queue__row--overdue" in page
    assert "Overdue" in page
    assert "Overdue" in detail


def test_an_answer_after_the_due_date_counts_as_late(ask: Ask, coordinator: User) -> None:
    with time_machine.travel(START, tick=False):
        consultation = ask(topic="learn")
    with time_machine.travel(START + timedelta(days=5), tick=False):
        consultation_reply(consultation=consultation, actor=coordinator, body="遅くなりました")
    consultation.refresh_from_db()
    assert consultation.first_response_on_time is False
    assert not consultation.is_overdue  # answered: nothing is owed any more
    assert timezone.is_aware(consultation.first_response_at)  # type: ignore[arg-type]
