"""Resident pages: apply, the result, my registrations, cancel with a confirmation step, confirm an
offered place, the public draw notice and the box on the programme's page."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.core.models import OutboxMessage
from manabiba.programs.models import Program
from manabiba.registrations.models import PriorityRule, Registration
from manabiba.registrations.services import (
    MY_REGISTRATIONS_PATH,
    QuestionSpec,
    lottery_draw,
    registration_settings_update,
    registration_submit,
)
from tests.registrations.steps import apply_through

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture
def en_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _close(program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    program.refresh_from_db()


def test_my_registrations_is_where_the_mails_link(en_client: Client) -> None:
    assert reverse("registrations:mine") == MY_REGISTRATIONS_PATH


def test_anonymous_visitors_are_sent_to_log_in(en_client: Client, make_program: MakeProgram) -> None:
    program = make_program()
    for url in (reverse("registrations:mine"), reverse("registrations:apply", args=[program.pk])):
        response = en_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_apply_first_come_confirms_and_says_so(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=5, max_party_size=3)
    resident = make_resident(email="apply@example.jp")
    client = _signed_in(en_client, resident)
    form = client.get(reverse("registrations:apply", args=[program.pk]))
    assert form.status_code == 200
    html = form.content.decode()
    assert html.count("<h1") == 1
    assert 'for="id_party_size"' in html
    assert 'for="id_consent"' in html
    assert reverse("web:page", args=["privacy"]) in html

    response = apply_through(
        client,
        program,
        {
            "party_size": "2",
            "participants-0-name": "Apply Person",
            "participants-1-name": "Child Person",
            "consent": "on",
        },
    )
    registration = Registration.objects.get(program=program, user=resident)
    assert registration.status == S.CONFIRMED
    assert registration.party_size == 2
    assert [p.name for p in registration.participants.all()] == ["Apply Person", "Child Person"]
    assert response.redirect_chain[-1][0] == reverse("registrations:complete", args=[registration.pk])
    page = response.content.decode()
    assert "Confirmed: you have a place." in page
    assert registration.check_in_code in page
    assert OutboxMessage.objects.filter(to="apply@example.jp").exists()


def test_apply_without_consent_or_required_answer_shows_the_errors(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program()
    registration_settings_update(
        program=program,
        actor=None,
        questions=[QuestionSpec(key="child-age", label="Child's age", kind="number", required=True, min_value=3)],
    )
    client = _signed_in(en_client, make_resident())
    response = client.post(reverse("registrations:apply", args=[program.pk]), {"party_size": "1", "q_child-age": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Child&#x27;s age" in html or "Child's age" in html
    assert 'href="#id_consent"' in html
    assert 'href="#id_q_child-age"' in html
    assert not Registration.objects.filter(program=program).exists()

    response = apply_through(client, program, {"party_size": "1", "q_child-age": "7", "consent": "on"})
    assert response.status_code == 200
    assert Registration.objects.get(program=program).answers == {"child-age": 7}


def test_apply_to_a_lottery_says_when_the_draw_is_and_asks_about_every_session(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(lottery=True, priority_rules=[(PriorityRule.Criterion.EVERY_SESSION, 1)])
    client = _signed_in(en_client, make_resident())
    form = client.get(reverse("registrations:apply", args=[program.pk])).content.decode()
    assert "I can attend every session" in form
    response = apply_through(client, program, {"party_size": "1", "consent": "on", "attends_every_session": "on"})
    registration = Registration.objects.get(program=program)
    assert registration.status == S.APPLIED
    assert registration.attends_every_session
    assert "Applied: the places are drawn by lottery." in response.content.decode()
    assert "The draw takes place on" in response.content.decode()


def test_applying_twice_leads_to_the_existing_registration(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program()
    resident = make_resident()
    registration = registration_submit(program=program, user=resident, consent=True)
    response = _signed_in(en_client, resident).get(reverse("registrations:apply", args=[program.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:detail", args=[registration.pk])


def test_closed_programme_says_applications_are_closed(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program()
    _close(program)
    client = _signed_in(en_client, make_resident())
    response = client.post(reverse("registrations:apply", args=[program.pk]), {"party_size": "1", "consent": "on"})
    assert response.status_code == 200
    assert "Applications are closed." in response.content.decode()
    assert not Registration.objects.filter(program=program).exists()


def test_cancel_asks_first_then_promotes_the_waiting_list(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    first, second = make_resident(), make_resident()
    mine = registration_submit(program=program, user=first, consent=True)
    waiting = registration_submit(program=program, user=second, consent=True)
    assert waiting.status == S.WAITLISTED
    client = _signed_in(en_client, first)

    listing = client.get(reverse("registrations:mine")).content.decode()
    assert program.title in listing
    assert reverse("registrations:cancel", args=[mine.pk]) in listing

    question = client.get(reverse("registrations:cancel", args=[mine.pk]))
    assert "Do you really want to cancel" in question.content.decode()
    mine.refresh_from_db()
    assert mine.status == S.CONFIRMED

    response = client.post(reverse("registrations:cancel", args=[mine.pk]), {"reason": ""}, follow=True)
    assert "Your registration is cancelled." in response.content.decode()
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == S.CANCELLED
    assert waiting.status == S.CONFIRMED


def test_a_won_place_is_confirmed_from_my_registrations(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(lottery=True, capacity=3, confirm_within_days=3)
    resident = make_resident()
    registration = registration_submit(program=program, user=resident, consent=True)
    _close(program)
    lottery_draw(program=program, actor=None)
    registration.refresh_from_db()
    assert registration.status == S.OFFERED
    client = _signed_in(en_client, resident)
    listing = client.get(reverse("registrations:mine")).content.decode()
    assert "A place is offered to you" in listing
    response = client.post(reverse("registrations:confirm", args=[registration.pk]), follow=True)
    assert "Your place is confirmed." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_someone_elses_registration_is_not_found(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program()
    registration = registration_submit(program=program, user=make_resident(), consent=True)
    client = _signed_in(en_client, make_resident())
    assert client.get(reverse("registrations:detail", args=[registration.pk])).status_code == 404
    assert client.post(reverse("registrations:cancel", args=[registration.pk])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_draw_notice_shows_counts_and_seed_but_no_names(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(lottery=True, capacity=1, priority_rules=[(PriorityRule.Criterion.CITY_RESIDENT, 1)])
    people = [make_resident(full_name=f"抽選 太郎{n}", lives_in_city=n == 0) for n in range(3)]
    for person in people:
        registration_submit(program=program, user=person, consent=True)
    before = en_client.get(reverse("registrations:draw_notice", args=[program.pk]))
    assert "The draw has not taken place yet." in before.content.decode()
    _close(program)
    draw = lottery_draw(program=program, actor=None)
    html = en_client.get(reverse("registrations:draw_notice", args=[program.pk])).content.decode()
    assert draw.seed in html
    assert "Counts per priority tier" in html
    for person in people:
        assert person.full_name not in html
        assert person.email not in html


def test_programme_page_box_for_visitors_and_for_the_registered(
    en_client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=10)
    other = make_resident(full_name="他人 次郎")
    registration_submit(program=program, user=other, consent=True)
    anonymous = en_client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "9 places left of 10." in anonymous
    assert "Log in to apply" in anonymous
    assert "他人 次郎" not in anonymous

    resident = make_resident()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(resident)
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert reverse("registrations:apply", args=[program.pk]) in page
    registration_submit(program=program, user=resident, consent=True)
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Confirmed: you have a place." in page
    assert "8 places left of 10." in page
