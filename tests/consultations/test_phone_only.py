"""A resident without e-mail asks for a call: no address demanded, no link to click, a reference on
screen, the desk's phone and address beside it; the one rate limiter keeps it from flooding the staff."""

from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import Department, User
from manabiba.consultations.models import Consultation
from manabiba.consultations.selectors import consultation_queue
from manabiba.consultations.services import consultation_assign
from manabiba.core.models import OutboxMessage
from manabiba.desk.reference import desk_contact_load

from .steps import send_question

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]

QUESTION = {"topic": "learn", "body": "書道を習いたいです。", "preferred_times": "平日の午前"}


def post_question(client: Client, **fields: str) -> HttpResponse:
    return send_question(client, {**QUESTION, **fields})


@pytest.mark.parametrize("reply_channel", ["phone", "desk"])
def test_a_guest_asking_for_a_call_needs_no_email_and_reaches_the_staff_at_once(
    client: Client, coordinator: User, reply_channel: str
) -> None:
    desk_contact_load()
    response = post_question(client, reply_channel=reply_channel, name="電話 花子", phone="042-111-2222")

    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:received")
    consultation = Consultation.objects.get()
    assert consultation.email == ""
    assert consultation.confirmed_at is not None  # no link to click
    assert consultation in consultation_queue(user=coordinator, view="new")
    assert not OutboxMessage.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert consultation.reference in page
    assert "042-464-1311" in page  # the desk's phone, to call with the reference


def test_a_call_back_needs_a_phone_number_and_the_error_says_so(client: Client) -> None:
    response = post_question(client, reply_channel="phone", name="電話 花子")
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert "email" not in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_a_reply_by_email_still_needs_the_address_confirmed(client: Client) -> None:
    response = post_question(client, reply_channel="email")
    assert "email" in response.context["form"].errors
    post_question(client, reply_channel="email", email="mail@example.jp")
    consultation = Consultation.objects.get()
    assert consultation.confirmed_at is None


def test_a_guest_who_gives_an_address_but_wants_a_call_is_not_mailed(client: Client) -> None:
    post_question(client, reply_channel="phone", phone="042-111-2222", email="someone@example.jp")
    consultation = Consultation.objects.get()
    assert consultation.confirmed_at is not None
    assert not OutboxMessage.objects.filter(to="someone@example.jp").exists()


def test_one_phone_number_asks_at_most_three_times_a_day(client: Client) -> None:
    for _n in range(3):
        response = post_question(client, reply_channel="phone", phone="042-111-2222")
        assert response.status_code == 302
    # Written differently, the same number is counted as one.
    response = post_question(client, reply_channel="phone", phone="0421112222")
    assert response.status_code == 429
    assert Consultation.objects.count() == 3


def test_the_received_page_shows_nothing_to_someone_who_did_not_ask(client: Client) -> None:
    response = client.get(reverse("consultations:received"))
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:ask")


def test_the_ask_page_and_the_footer_show_the_desk_phone(client: Client) -> None:
    desk_contact_load()
    page = client.get(reverse("consultations:ask")).content.decode()
    assert page.count('href="tel:0424641311"') >= 2  # beside the form and in the footer


def test_routing_to_a_department_with_nobody_named_mails_its_staff(
    ask: Ask, desk_staff: User, sports: Department, sports_staff: User
) -> None:
    consultation = ask()
    consultation_assign(consultation=consultation, actor=desk_staff, department=sports, assignee=None)
    [mail] = OutboxMessage.objects.filter(to=sports_staff.email)
    assert consultation.reference in mail.subject + mail.body
