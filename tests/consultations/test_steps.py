"""Asking in three steps (入力 → 確認 → 完了): nothing is asked before 「相談を送信する」, 「修正する」 brings
the question back, and the confirmation page sent twice asks once."""

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.consultations.models import Consultation
from manabiba.consultations.services import consultation_submit
from manabiba.core.models import OutboxMessage

from .steps import confirmation_token

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
QUESTION = {
    "topic": "learn",
    "body": "パソコン教室を探しています。",
    "reply_channel": "phone",
    "preferred_times": "平日の午前",
    "name": "西東 一郎",
    "phone": "042-111-2222",
}


def test_the_question_is_shown_to_check_then_changed_then_sent_once(client: Client) -> None:
    sent = client.post(reverse("consultations:ask"), QUESTION, **JA)
    assert sent["Location"] == reverse("consultations:ask_check")
    page = client.get(sent["Location"], **JA).content.decode()
    assert not Consultation.objects.exists()  # 確認: nothing asked yet
    for text in ("パソコン教室を探しています。", "平日の午前", "西東 一郎", "042-111-2222", "電話"):
        assert text in page
    assert 'aria-current="step"' in page

    # 「修正する」: the form comes back filled in.
    form = client.get(reverse("consultations:ask"), **JA).content.decode()
    assert "パソコン教室を探しています。" in form
    assert 'value="042-111-2222"' in form
    client.post(reverse("consultations:ask"), {**QUESTION, "preferred_times": "土曜の午前"}, **JA)
    page = client.get(reverse("consultations:ask_check"), **JA).content.decode()
    assert "土曜の午前" in page
    token = confirmation_token(page)

    first = client.post(reverse("consultations:ask_check"), {"token": token}, **JA)
    second = client.post(reverse("consultations:ask_check"), {"token": token}, **JA)
    assert first["Location"] == reverse("consultations:received")
    assert second["Location"] == reverse("consultations:received")
    consultation = Consultation.objects.get()
    assert consultation.preferred_times == "土曜の午前"
    done = client.get(reverse("consultations:received"), **JA).content.decode()
    assert consultation.reference in done
    assert 'aria-current="step"' in done


def test_an_old_confirmation_page_leads_back_to_the_form(client: Client) -> None:
    assert client.get(reverse("consultations:ask_check"))["Location"] == reverse("consultations:ask")
    client.post(reverse("consultations:ask"), QUESTION)
    refused = client.post(reverse("consultations:ask_check"), {"token": "from-another-page"})
    assert refused["Location"] == reverse("consultations:ask")
    assert not Consultation.objects.exists()


def test_a_guest_asking_by_mail_is_told_to_check_the_mail_after_the_confirmation(client: Client) -> None:
    question = {"topic": "learn", "body": "書道", "reply_channel": "email", "email": "guest@example.jp"}
    client.post(reverse("consultations:ask"), question)
    page = client.get(reverse("consultations:ask_check")).content.decode()
    assert not OutboxMessage.objects.exists()
    response = client.post(reverse("consultations:ask_check"), {"token": confirmation_token(page)})
    assert response["Location"] == reverse("consultations:check_mail")
    assert OutboxMessage.objects.filter(to="guest@example.jp").count() == 1
    # Sent again: the same page, no second mail.
    again = client.post(reverse("consultations:ask_check"), {"token": confirmation_token(page)})
    assert again["Location"] == reverse("consultations:check_mail")
    assert OutboxMessage.objects.filter(to="guest@example.jp").count() == 1


def test_the_service_asks_once_per_submission_key(resident: User) -> None:
    first = consultation_submit(
        topic="learn", body="書道", reply_channel="email", resident=resident, submission_key="k" * 22
    )
    again = consultation_submit(
        topic="learn", body="書道", reply_channel="email", resident=resident, submission_key="k" * 22
    )
    assert again.pk == first.pk
    other = consultation_submit(topic="learn", body="書道", reply_channel="email", resident=resident)
    assert other.pk != first.pk
    assert Consultation.objects.count() == 2


def test_the_received_page_is_not_someone_elses(client: Client, resident: User) -> None:
    consultation = consultation_submit(topic="learn", body="書道", reply_channel="email", resident=resident)
    session = client.session
    session["consultations:received"] = consultation.reference
    session.save()
    assert client.get(reverse("consultations:received"))["Location"] == reverse("consultations:ask")
