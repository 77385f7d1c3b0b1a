import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from manabiba.accounts.models import Department, User
from manabiba.consultations.models import Channel, Consultation, Message
from manabiba.consultations.selectors import public_messages
from manabiba.consultations.services import (
    confirmation_token,
    consultation_assign,
    consultation_close,
    consultation_confirm,
    consultation_note_add,
    consultation_reply,
    consultation_resident_reply,
    consultation_submit,
)
from manabiba.core.audit import audit_entries_for
from manabiba.core.models import OutboxMessage
from manabiba.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

Ask = Callable[..., Consultation]


def mails_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=address).order_by("pk"))


def test_a_guest_gets_a_confirmation_link_first_and_a_reference_number_once_confirmed(ask: Ask) -> None:
    consultation = ask(confirmed=False)

    assert consultation.confirmed_at is None
    assert consultation.due_at is None
    [confirm_mail] = mails_to("guest@example.jp")
    assert "/consultations/confirm/" in confirm_mail.body

    confirmed = consultation_confirm(token=confirmation_token(consultation))

    assert confirmed.confirmed_at is not None
    assert confirmed.due_at is not None
    assert re.fullmatch(r"\d{4}-\d{6}", confirmed.reference)
    received = mails_to("guest@example.jp")[-1]
    assert confirmed.reference in received.subject
    assert f"/consultations/t/{confirmed.access_token}/" in received.body
    assert f"reply+{confirmed.reply_token}@" in received.body
    assert received.reply_to.startswith(f"reply+{confirmed.reply_token}@")


def test_confirming_twice_changes_nothing_and_a_forged_link_is_refused(ask: Ask) -> None:
    consultation = ask(confirmed=False)
    first = consultation_confirm(token=confirmation_token(consultation))
    again = consultation_confirm(token=confirmation_token(consultation))
    assert again.confirmed_at == first.confirmed_at
    with pytest.raises(ValidationError):
        consultation_confirm(token=confirmation_token(consultation) + "x")


def test_reference_numbers_follow_each_other_within_a_year(ask: Ask) -> None:
    first, second = ask(), ask(email="other@example.jp")
    year, number = first.reference.split("-")
    assert second.reference == f"{year}-{int(number) + 1:06d}"


def test_a_signed_in_resident_with_a_verified_address_is_in_the_queue_at_once(resident: User) -> None:
    consultation = consultation_submit(
        topic="group", body="囲碁の会を探しています", reply_channel="email", resident=resident
    )
    assert consultation.confirmed_at is not None
    assert consultation.email == resident.email
    assert consultation.resident == resident


def test_desk_staff_log_a_phone_consultation_with_its_channel(desk_staff: User) -> None:
    consultation = consultation_submit(
        topic="facility",
        body="公民館の使い方",
        reply_channel="phone",
        phone="042-000-0000",
        name="電話 次郎",
        channel=Channel.PHONE,
        logged_by=desk_staff,
    )
    assert consultation.channel == Channel.PHONE
    assert consultation.confirmed_at is not None
    assert consultation.logged_by == desk_staff


def test_a_resident_cannot_claim_a_phone_channel(resident: User) -> None:
    with pytest.raises(PermissionDenied):
        consultation_submit(topic="other", body="x", reply_channel="email", resident=resident, channel=Channel.PHONE)


def test_a_phone_reply_needs_a_phone_number() -> None:
    with pytest.raises(ValidationError) as error:
        consultation_submit(topic="other", body="x", reply_channel="phone", email="a@example.jp")
    assert "phone" in error.value.message_dict


def test_the_coordinator_routes_the_department_answers_with_a_programme_and_the_mail_links_it(
    ask: Ask, coordinator: User, sports: Department, sports_staff: User
) -> None:
    consultation = ask()
    program = ProgramFactory(published=True, title="はじめての卓球")
    consultation_assign(consultation=consultation, actor=coordinator, department=sports, assignee=None)
    consultation_note_add(consultation=consultation, actor=sports_staff, body="内部メモ: 担当者に確認")

    consultation_reply(
        consultation=consultation, actor=sports_staff, body="こちらの講座はいかがでしょう。", program_ids=[program.pk]
    )

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED
    assert consultation.first_response_on_time is True
    assert consultation.assignee == sports_staff
    reply_mail = mails_to("guest@example.jp")[-1]
    assert "こちらの講座はいかがでしょう。" in reply_mail.body
    assert f"/programs/{program.pk}/" in reply_mail.body
    assert "内部メモ" not in reply_mail.body
    shown = list(public_messages(consultation))
    assert [m.kind for m in shown] == [Message.Kind.REPLY]
    assert list(shown[0].programs.all()) == [program]
    actions = set(audit_entries_for(consultation).values_list("action", flat=True))
    assert {"consultations.consultation.routed", "consultations.note.added", "consultations.reply.sent"} <= actions


def test_only_published_programmes_can_be_recommended(ask: Ask, coordinator: User) -> None:
    draft = ProgramFactory()
    with pytest.raises(ValidationError):
        consultation_reply(consultation=ask(), actor=coordinator, body="どうぞ", program_ids=[draft.pk])


def test_staff_of_another_department_can_neither_answer_nor_note(
    ask: Ask, coordinator: User, sports: Department, childcare_staff: User
) -> None:
    consultation = ask()
    consultation_assign(consultation=consultation, actor=coordinator, department=sports, assignee=None)
    with pytest.raises(PermissionDenied):
        consultation_reply(consultation=consultation, actor=childcare_staff, body="x")
    with pytest.raises(PermissionDenied):
        consultation_note_add(consultation=consultation, actor=childcare_staff, body="x")


def test_department_staff_cannot_route_but_can_hand_back(
    ask: Ask, coordinator: User, sports: Department, childcare: Department, sports_staff: User
) -> None:
    consultation = ask()
    consultation_assign(consultation=consultation, actor=coordinator, department=sports, assignee=None)
    with pytest.raises(PermissionDenied):
        consultation_assign(consultation=consultation, actor=sports_staff, department=childcare, assignee=None)
    consultation_assign(consultation=consultation, actor=sports_staff, department=None, assignee=None)
    consultation.refresh_from_db()
    assert consultation.department is None
    assert consultation.messages.filter(kind=Message.Kind.EVENT).count() == 2


def test_a_resident_reply_reopens_an_answered_consultation(ask: Ask, coordinator: User) -> None:
    consultation = ask()
    consultation_reply(consultation=consultation, actor=coordinator, body="答えです")
    consultation_resident_reply(consultation=consultation, body="もう一つ質問です")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS

    consultation_close(consultation=consultation, actor=coordinator)
    consultation_resident_reply(consultation=consultation, body="さらに質問")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS
    assert consultation.closed_at is None


def test_the_same_mail_is_added_once(ask: Ask) -> None:
    consultation = ask()
    assert consultation_resident_reply(consultation=consultation, body="a", mail_id="<m1@example.jp>") is not None
    assert consultation_resident_reply(consultation=consultation, body="a", mail_id="<m1@example.jp>") is None
    assert consultation.messages.count() == 1
