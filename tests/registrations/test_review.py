"""Regression tests from the review of the registrations app: permission holes, bad input, edge cases."""

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.registrations.models import Registration
from manabiba.registrations.permissions import can_register_on_behalf
from manabiba.registrations.services import registration_submit, registration_submit_on_behalf

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db
S = Registration.Status


def _client(user: User | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_staff_of_another_department_cannot_register_for_or_read_the_slips_of_a_programme(
    make_program: MakeProgram, make_persona: Callable[..., User], desk: User, resident: User
) -> None:
    program = make_program()
    registration = registration_submit(program=program, user=resident, consent=True)
    foreign = make_persona(Role.DEPARTMENT_STAFF)
    own = make_persona(Role.DEPARTMENT_STAFF, department=program.organizer.department)
    assert not can_register_on_behalf(foreign, program)
    assert can_register_on_behalf(own, program)
    assert can_register_on_behalf(desk, program)
    client = _client(foreign)
    # The slip shows the resident's name, phone and check-in code: not for another department.
    slip = client.get(reverse("staff_registrations:slip", args=[registration.pk]))
    assert slip.status_code == 403
    assert resident.full_name not in slip.content.decode()
    assert client.get(reverse("staff_registrations:register", args=[program.pk])).status_code == 403
    assert _client(own).get(reverse("staff_registrations:slip", args=[registration.pk])).status_code == 200


def test_staff_of_another_department_do_not_learn_of_registrants_through_the_duplicate_warning(
    make_program: MakeProgram, make_persona: Callable[..., User], desk: User
) -> None:
    program = make_program()
    registration_submit_on_behalf(
        program=program, actor=desk, channel="phone", full_name="電話 ハナ", phone="0721-00-0000", consent=True
    )
    foreign = make_persona(Role.DEPARTMENT_STAFF)
    response = _client(foreign).post(
        reverse("staff_registrations:register", args=[program.pk]),
        {"channel": "phone", "full_name": "電話 ハナ", "phone": "0721000000", "party_size": "1", "consent": "on"},
    )
    assert response.status_code == 403
    assert Registration.objects.filter(program=program).count() == 1


def test_malformed_registration_ids_in_staff_forms_are_not_server_errors(
    make_program: MakeProgram, make_persona: Callable[..., User]
) -> None:
    program = make_program(program_fields={"session_count": 1})
    organiser = make_persona(Role.DEPARTMENT_STAFF, department=program.organizer.department)
    client = _client(organiser)
    waitlist = client.post(
        reverse("staff_registrations:waitlist", args=[program.pk]),
        {"registration": "abc", "move-abc-position": "1", "move-abc-reason": "x"},
    )
    assert waitlist.status_code == 404
    missing = client.post(reverse("staff_registrations:waitlist", args=[program.pk]), {})
    assert missing.status_code == 404
    session = program.sessions.get()
    check_in = client.post(reverse("staff_registrations:check_in", args=[session.pk]), {"registration": "1; drop"})
    assert check_in.status_code == 404


def test_api_body_of_the_wrong_type_gets_422_with_field_errors_in_the_callers_language(
    make_program: MakeProgram, resident: User
) -> None:
    program = make_program(max_party_size=3)
    client = _client(resident)
    url = f"/api/v1/programs/{program.pk}/registrations"
    for body, field in (
        ({"party_size": "two", "consent": True}, "party_size"),
        ({"answers": ["a"], "consent": True}, "answers"),
    ):
        response = client.post(url, data=json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 422, body
        answer = response.json()
        assert isinstance(answer["detail"], str)
        assert field in answer["errors"]
        assert answer["detail"] == "入力内容を確認してください。" or any(
            "\u3040" <= ch <= "\u30ff" for ch in answer["detail"]
        ), answer
    assert not Registration.objects.filter(program=program).exists()


def test_lottery_verify_prints_the_draw_time_in_japan(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from manabiba.registrations.services import lottery_draw

    program = make_program(capacity=1, lottery=True)
    registration_submit(program=program, user=make_resident(), consent=True)
    drawn_at = timezone.now() + timedelta(days=4)
    draw = lottery_draw(program=program, actor=None, now=drawn_at)
    out = StringIO()
    call_command("lottery_verify", str(draw.pk), stdout=out)
    assert timezone.localtime(drawn_at).strftime("%Y-%m-%d %H:%M") in out.getvalue()


def test_api_with_the_session_needs_the_csrf_token(make_program: MakeProgram, resident: User) -> None:
    program = make_program()
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(resident)
    url = f"/api/v1/programs/{program.pk}/registrations"
    refused = client.post(url, data=json.dumps({"party_size": 1}), content_type="application/json")
    assert refused.status_code == 403
    assert not Registration.objects.filter(program=program).exists()
    registration = registration_submit(program=program, user=resident, consent=True)
    assert client.delete(f"/api/v1/registrations/{registration.pk}").status_code == 403
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def _settings_data(**changes: str) -> dict[str, str]:
    data = {
        "allocation": "lottery",
        "not_drawn": "waitlist",
        "max_party_size": "1",
        "confirm_within_days": "",
        "offer_expiry_hours": "",
        "cancellation_cutoff_hours": "24",
        "retention_months": "12",
        "draw_at": "",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
    }
    data.update(changes)
    return data


def test_settings_refuse_a_draw_before_applications_close(
    make_program: MakeProgram, make_persona: Callable[..., User]
) -> None:
    program = make_program(closes_in=timedelta(days=3))
    organiser = make_persona(Role.DEPARTMENT_STAFF, department=program.organizer.department)
    url = reverse("staff_registrations:settings", args=[program.pk])
    assert program.applications_close_at is not None
    early = timezone.localtime(program.applications_close_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = _client(organiser).post(url, _settings_data(draw_at=early))
    assert response.status_code == 200
    assert "The draw cannot run before applications close." in response.content.decode()
    assert not program.registration_settings.is_lottery  # nothing saved
    late = timezone.localtime(program.applications_close_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert _client(organiser).post(url, _settings_data(draw_at=late)).status_code == 302
    program.registration_settings.refresh_from_db()
    assert program.registration_settings.draw_at is not None
    # The form's local time is Japan's.
    assert timezone.localtime(program.registration_settings.draw_at).strftime("%Y-%m-%dT%H:%M") == late


def test_a_number_question_whose_range_is_empty_is_refused(
    make_program: MakeProgram, make_persona: Callable[..., User]
) -> None:
    program = make_program()
    organiser = make_persona(Role.DEPARTMENT_STAFF, department=program.organizer.department)
    response = _client(organiser).post(
        reverse("staff_registrations:settings", args=[program.pk]),
        _settings_data(
            **{
                "questions-0-label": "Child's age",
                "questions-0-key": "age",
                "questions-0-kind": "number",
                "questions-0-min_value": "12",
                "questions-0-max_value": "6",
            }
        ),
    )
    assert response.status_code == 200
    assert "The largest number cannot be smaller than the smallest." in response.content.decode()
    assert not program.registration_questions.exists()


def test_cancelling_the_programme_audits_every_registration_it_cancels(
    make_program: MakeProgram, make_resident: Callable[..., User], coordinator: User
) -> None:
    from manabiba.core.models import AuditEntry
    from manabiba.registrations.services import registrations_program_cancel

    program = make_program(capacity=1)
    confirmed, waiting = (registration_submit(program=program, user=make_resident(), consent=True) for _ in "ab")
    registrations_program_cancel(program=program, actor=coordinator, reason="typhoon")
    entry = AuditEntry.objects.get(action="registrations.program.cancelled", target_id=str(program.pk))
    assert sorted(entry.data["cancelled"]) == sorted([[confirmed.pk, "confirmed"], [waiting.pk, "waitlisted"]])


def test_an_offer_made_shortly_before_the_start_expires_when_the_programme_starts(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    from manabiba.registrations.services import registration_cancel

    program = make_program(capacity=1, offer_expiry_hours=48, cancellation_cutoff_hours=0)
    leaver, waiting = make_resident(), make_resident()
    seated = registration_submit(program=program, user=leaver, consent=True)
    queued = registration_submit(program=program, user=waiting, consent=True)
    assert program.first_starts_at is not None
    registration_cancel(registration=seated, actor=leaver, now=program.first_starts_at - timedelta(hours=10))
    queued.refresh_from_db()
    assert queued.status == S.OFFERED
    assert queued.offer_expires_at == program.first_starts_at


def test_when_the_capacity_is_raised_the_waiting_list_goes_first(
    make_program: MakeProgram, make_resident: Callable[..., User], desk: User
) -> None:
    from manabiba.programs.models import Program

    program = make_program(capacity=1)
    registration_submit(program=program, user=make_resident(), consent=True)
    first_waiting = registration_submit(program=program, user=make_resident(), consent=True)
    second_waiting = registration_submit(program=program, user=make_resident(), consent=True)
    assert (first_waiting.waitlist_position, second_waiting.waitlist_position) == (1, 2)
    # A larger room: two more places. A newcomer must not overtake the two who wait.
    Program.objects.filter(pk=program.pk).update(capacity=3)
    newcomer = registration_submit(program=program, user=make_resident(), consent=True)
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert (first_waiting.status, second_waiting.status) == (S.CONFIRMED, S.CONFIRMED)
    assert (newcomer.status, newcomer.waitlist_position) == (S.WAITLISTED, 1)
    # The same at the desk.
    Program.objects.filter(pk=program.pk).update(capacity=4)
    caller = registration_submit_on_behalf(
        program=program, actor=desk, channel="phone", full_name="電話 タロウ", phone="0721-11-1111", consent=True
    )
    newcomer.refresh_from_db()
    assert newcomer.status == S.CONFIRMED
    assert (caller.status, caller.waitlist_position) == (S.WAITLISTED, 1)


def test_the_periodic_run_gives_seats_freed_by_a_larger_capacity_to_the_waiting_list(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    from manabiba.core.models import OutboxMessage
    from manabiba.programs.models import Program
    from manabiba.registrations.services import registrations_run_due

    program = make_program(capacity=2, max_party_size=2)
    registration_submit(program=program, user=make_resident(), party_size=2, consent=True)
    pair = registration_submit(program=program, user=make_resident(), party_size=2, consent=True)
    single = registration_submit(program=program, user=make_resident(language="en"), consent=True)
    assert (pair.status, single.status) == (S.WAITLISTED, S.WAITLISTED)
    Program.objects.filter(pk=program.pk).update(capacity=3)
    assert registrations_run_due().seats_filled == 1
    pair.refresh_from_db()
    single.refresh_from_db()
    # The pair does not fit in the one free seat; they keep the head of the list.
    assert (pair.status, pair.waitlist_position) == (S.WAITLISTED, 1)
    assert single.status == S.CONFIRMED
    assert OutboxMessage.objects.filter(to=single.user.email, subject__contains="A place has become free").exists()
    assert registrations_run_due().seats_filled == 0
