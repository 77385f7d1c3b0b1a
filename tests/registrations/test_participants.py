"""Participants named in an application (参加者), and applying in three steps: 入力 → 確認 → 完了.

The service stores one participant per seat, checks names and (where asked) ages, and the names go
with the account's deletion and with the retention purge while the anonymous figures stay. The
pages keep a draft between the form and the confirmation, bring it back for 「修正する」, and apply
once however often the final button is sent. The API takes the participants too, and old clients
that send none still work.
"""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.models import Program
from manabiba.registrations.models import ParticipationFigure, Registration, RegistrationParticipant
from manabiba.registrations.services import (
    ParticipantSpec,
    registration_submit,
    registration_submit_on_behalf,
    registrations_erase_for_deleted_account,
    registrations_purge_due,
)

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db
S = Registration.Status
FAMILY = [ParticipantSpec("木工 花子", 38), ParticipantSpec("木工 一郎", 9), ParticipantSpec("木工 二葉", 6)]


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- the service -----------------------------------------------------------------------------------


def test_participants_are_stored_in_order_and_listed_in_the_mail(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=10, max_party_size=4, asks_participant_age=True)
    resident = make_resident(email="family@example.jp", language="ja")
    registration = registration_submit(program=program, user=resident, party_size=3, participants=FAMILY, consent=True)
    assert registration.status == S.CONFIRMED
    stored = list(registration.participants.all())
    assert [(p.position, p.name, p.age) for p in stored] == [
        (1, "木工 花子", 38),
        (2, "木工 一郎", 9),
        (3, "木工 二葉", 6),
    ]
    [mail] = OutboxMessage.objects.filter(to="family@example.jp")
    assert "参加者" in mail.body
    assert "2. 木工 一郎（9歳）" in mail.body
    # Audit entries hold ids and counts, never names.
    entry = AuditEntry.objects.get(action="registrations.registration.submitted")
    assert "木工" not in json.dumps(entry.data, ensure_ascii=False)


def test_the_participants_must_be_as_many_as_the_party(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(max_party_size=4)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        registration_submit(
            program=program,
            user=make_resident(),
            party_size=3,
            participants=[ParticipantSpec("一人目"), ParticipantSpec("二人目")],
            consent=True,
        )
    assert _errors(error)["participants"] == ["Please give one participant for each person: 3."]
    assert not Registration.objects.exists()
    assert not RegistrationParticipant.objects.exists()


def test_each_name_and_where_asked_each_age_is_required(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(max_party_size=3, asks_participant_age=True)
    with translation.override("ja"), pytest.raises(ValidationError) as error:
        registration_submit(
            program=program,
            user=make_resident(),
            party_size=3,
            participants=[ParticipantSpec("親", 40), ParticipantSpec("  ", 8), ParticipantSpec("子", None)],
            consent=True,
        )
    errors = _errors(error)
    assert errors["participants.2.name"] == ["参加者2のお名前を入力してください。"]
    assert errors["participants.3.age"] == ["参加者3の年齢を入力してください。"]
    assert "participants.1.name" not in errors
    with translation.override("en"), pytest.raises(ValidationError) as error:
        registration_submit(
            program=program,
            user=make_resident(),
            party_size=1,
            participants=[ParticipantSpec("x" * 101, 130)],
            consent=True,
        )
    assert _errors(error)["participants.1.name"] == ["Please keep the name to 100 characters."]
    assert _errors(error)["participants.1.age"] == ["Please enter an age from 0 to 120."]
    # A programme that asks ages needs the list.
    with translation.override("en"), pytest.raises(ValidationError) as error:
        registration_submit(program=program, user=make_resident(), consent=True)
    assert _errors(error)["participants"] == ["Please give the name and age of each participant."]


def test_without_a_list_the_applicant_is_the_one_named_and_ages_not_asked_are_not_kept(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(max_party_size=2)
    resident = make_resident(full_name="申込 太郎")
    registration = registration_submit(program=program, user=resident, consent=True)
    assert [(p.position, p.name, p.age) for p in registration.participants.all()] == [(1, "申込 太郎", None)]
    other = registration_submit(
        program=program,
        user=make_resident(),
        party_size=2,
        participants=[ParticipantSpec("  親  の 名前 ", 40), ParticipantSpec("子", 7)],
        consent=True,
    )
    # Spaces collapsed; the age is not kept where the programme does not ask for it.
    assert [(p.name, p.age) for p in other.participants.all()] == [("親 の 名前", None), ("子", None)]


def test_the_desk_names_the_participants_where_ages_are_asked(make_program: MakeProgram, desk: User) -> None:
    program = make_program(asks_participant_age=True)
    call = {"program": program, "actor": desk, "channel": "phone", "full_name": "電話 一子", "phone": "042-000-0000"}
    with pytest.raises(ValidationError) as error:
        registration_submit_on_behalf(**call, consent=True)
    assert "participants" in _errors(error)
    assert not Registration.objects.filter(program=program).exists()
    registration = registration_submit_on_behalf(**call, participants=[ParticipantSpec("電話 一子", 71)], consent=True)
    assert [(p.name, p.age) for p in registration.participants.all()] == [("電話 一子", 71)]


def test_the_desk_registers_a_party_of_one_without_a_list(make_program: MakeProgram, desk: User) -> None:
    registration = registration_submit_on_behalf(
        program=make_program(), actor=desk, channel="phone", full_name="電話 一子", phone="042-000-0000", consent=True
    )
    assert [p.name for p in registration.participants.all()] == ["電話 一子"]


def test_erasure_and_the_purge_remove_the_names_and_keep_the_figures(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=10, max_party_size=4, asks_participant_age=True, retention_months=6)
    leaver = make_resident()
    stayer = make_resident()
    left = registration_submit(program=program, user=leaver, party_size=3, participants=FAMILY, consent=True)
    kept = registration_submit(
        program=program,
        user=stayer,
        party_size=2,
        participants=[ParticipantSpec("残る 親", 41), ParticipantSpec("残る 子", 5)],
        consent=True,
    )
    registrations_erase_for_deleted_account(user=leaver)
    assert not RegistrationParticipant.objects.filter(registration=left).exists()
    assert RegistrationParticipant.objects.filter(registration=kept).count() == 2
    left.refresh_from_db()
    assert (left.party_size, left.status) == (3, S.CANCELLED)

    assert program.last_ends_at is not None
    assert registrations_purge_due(now=program.last_ends_at + timedelta(days=190)) == 2
    assert not RegistrationParticipant.objects.exists()
    figures = sorted(ParticipationFigure.objects.filter(program=program).values_list("party_size", "final_status"))
    assert figures == [(2, "confirmed"), (3, "cancelled")]


# --- the pages: 入力 → 確認 → 完了 --------------------------------------------------------------------


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.fixture
def family_program(make_program: MakeProgram) -> Program:
    return make_program(capacity=10, max_party_size=4, asks_participant_age=True)


FORM = {
    "party_size": "3",
    "participants-0-name": "木工 花子",
    "participants-0-age": "38",
    "participants-1-name": "木工 一郎",
    "participants-1-age": "9",
    "participants-2-name": "木工 二葉",
    "participants-2-age": "6",
    "consent": "on",
}


def _signed_in(make_resident: Callable[..., User], **fields: Any) -> tuple[Client, User]:
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    resident = make_resident(full_name="木工 花子", **fields)
    client.force_login(resident)
    return client, resident


def test_the_form_starts_with_one_row_holding_the_applicant_and_grows_to_the_number_of_people(
    family_program: Program, make_resident: Callable[..., User]
) -> None:
    client, _resident = _signed_in(make_resident)
    url = reverse("registrations:apply", args=[family_program.pk])
    page = client.get(url).content.decode()
    assert page.count('<fieldset class="participant">') == 1
    assert 'value="木工 花子"' in page
    assert 'aria-current="step"' in page
    # "Show a row for each person": the values kept, three rows, no errors yet.
    resized = client.post(
        url, {"party_size": "3", "participants-0-name": "木工 花子", "participants-0-age": "38", "step": "resize"}
    )
    html = resized.content.decode()
    assert resized.status_code == 200
    assert html.count('<fieldset class="participant">') == 3
    assert 'value="38"' in html
    assert "error-summary" not in html
    assert not Registration.objects.exists()


def test_missing_rows_show_errors_with_the_participants_number(
    family_program: Program, make_resident: Callable[..., User]
) -> None:
    client, _resident = _signed_in(make_resident)
    url = reverse("registrations:apply", args=[family_program.pk])
    # Three people chosen but the rows were not shown yet: rows 2 and 3 are asked for.
    response = client.post(
        url, {"party_size": "3", "participants-0-name": "木工 花子", "participants-0-age": "38", "consent": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "参加者2" in html
    assert "参加者3" in html
    assert 'href="#id_participants-1-name"' in html
    assert 'href="#id_participants-2-age"' in html
    assert not Registration.objects.exists()


def test_confirm_change_and_apply_once(family_program: Program, make_resident: Callable[..., User]) -> None:
    client, _resident = _signed_in(make_resident, email="family@example.jp")
    apply_url = reverse("registrations:apply", args=[family_program.pk])
    confirm_url = reverse("registrations:apply_confirm", args=[family_program.pk])

    sent = client.post(apply_url, FORM)
    assert sent.status_code == 302
    assert sent["Location"] == confirm_url
    page = client.get(confirm_url).content.decode()
    assert not Registration.objects.exists()  # 確認: nothing applied yet
    for text in (family_program.title, "木工 一郎（9歳）", "木工 二葉（6歳）", "3人", "family@example.jp"):
        assert text in page
    assert page.count('aria-current="step"') == 1

    # 「修正する」: the form comes back with every value.
    form = client.get(apply_url).content.decode()
    assert form.count('<fieldset class="participant">') == 3
    assert 'value="木工 二葉"' in form
    assert 'value="6"' in form
    changed = {**FORM, "participants-1-name": "木工 一樹"}
    assert client.post(apply_url, changed)["Location"] == confirm_url
    page = client.get(confirm_url).content.decode()
    assert "木工 一樹（9歳）" in page
    token = _token(page)

    # 「申し込む」, twice (a double click, a reload): one registration, both end on its result.
    first = client.post(confirm_url, {"token": token})
    registration = Registration.objects.get()
    complete_url = reverse("registrations:complete", args=[registration.pk])
    assert first["Location"] == complete_url
    second = client.post(confirm_url, {"token": token})
    assert second["Location"] == complete_url
    assert Registration.objects.count() == 1
    assert [p.name for p in registration.participants.all()] == ["木工 花子", "木工 一樹", "木工 二葉"]
    assert OutboxMessage.objects.filter(to="family@example.jp").count() == 1

    done = client.get(complete_url).content.decode()
    assert registration.check_in_code in done
    assert "木工 一樹（9歳）" in done
    assert 'aria-current="step"' in done
    # The draft is gone: the form leads to the registration now.
    assert client.get(apply_url)["Location"] == reverse("registrations:detail", args=[registration.pk])


def test_confirm_without_a_draft_or_with_an_old_page_goes_back_to_the_form(
    family_program: Program, make_resident: Callable[..., User]
) -> None:
    client, _resident = _signed_in(make_resident)
    confirm_url = reverse("registrations:apply_confirm", args=[family_program.pk])
    apply_url = reverse("registrations:apply", args=[family_program.pk])
    assert client.get(confirm_url)["Location"] == apply_url
    client.post(apply_url, FORM)
    assert client.post(confirm_url, {"token": "an-old-page"})["Location"] == apply_url
    assert not Registration.objects.exists()


def test_a_lottery_result_page_says_the_entry_is_in_the_draw(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(lottery=True, max_party_size=2)
    client, _resident = _signed_in(make_resident)
    confirm_url = reverse("registrations:apply_confirm", args=[program.pk])
    client.post(
        reverse("registrations:apply", args=[program.pk]),
        {"party_size": "2", "participants-0-name": "親", "participants-1-name": "子", "consent": "on"},
    )
    done = client.post(confirm_url, {"token": _token(client.get(confirm_url).content.decode())}, follow=True)
    assert Registration.objects.get().status == S.APPLIED
    assert "抽選" in done.content.decode()


def test_the_result_page_is_the_owners_only(family_program: Program, make_resident: Callable[..., User]) -> None:
    owner = make_resident()
    registration = registration_submit(
        program=family_program, user=owner, party_size=3, participants=FAMILY, consent=True
    )
    client, _other = _signed_in(make_resident)
    assert client.get(reverse("registrations:complete", args=[registration.pk])).status_code == 404


# --- staff ---------------------------------------------------------------------------------------


def test_staff_see_the_participants_in_the_list_and_the_csv_and_the_look_is_logged(
    family_program: Program, make_resident: Callable[..., User], make_persona: Callable[..., User]
) -> None:
    registration_submit(program=family_program, user=make_resident(), party_size=3, participants=FAMILY, consent=True)
    organiser = make_persona(Role.DEPARTMENT_STAFF, department=family_program.organizer.department)
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(organiser)
    html = client.get(reverse("staff_registrations:program", args=[family_program.pk])).content.decode()
    assert "木工 一郎（9歳）" in html
    csv = client.get(reverse("staff_registrations:export_csv", args=[family_program.pk])).content.decode("utf-8-sig")
    assert "1. 木工 花子（38歳）; 2. 木工 一郎（9歳）; 3. 木工 二葉（6歳）" in csv
    views = AuditEntry.objects.filter(action="registrations.personal_data.viewed", actor=organiser)
    assert {entry.data["view"] for entry in views} >= {"registrants", "export_csv"}
    # Staff of another department see no names.
    outsider = make_persona(Role.DEPARTMENT_STAFF)
    client.force_login(outsider)
    refused = client.get(reverse("staff_registrations:program", args=[family_program.pk]))
    assert refused.status_code in {403, 404}
    assert "木工" not in refused.content.decode()


# --- the API -------------------------------------------------------------------------------------


def _post(client: Client, url: str, body: dict[str, Any], user: User) -> Any:
    token = api_token_create(user=user, name="test").secret
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_api_takes_participants_and_checks_them(
    client: Client, family_program: Program, make_resident: Callable[..., User]
) -> None:
    url = f"/api/v1/programs/{family_program.pk}/registrations"
    wrong_type = _post(client, url, {"consent": True, "participants": "three"}, make_resident())
    assert wrong_type.status_code == 422
    assert "participants" in wrong_type.json()["errors"]
    bad_age = _post(client, url, {"consent": True, "participants": [{"name": "一人", "age": "nine"}]}, make_resident())
    assert bad_age.json()["errors"] == {"participants.1.age": ["Please enter a whole number."]}
    too_few = _post(
        client, url, {"consent": True, "party_size": 2, "participants": [{"name": "一人", "age": 9}]}, make_resident()
    )
    assert too_few.status_code == 422
    assert too_few.json()["errors"] == {"participants": ["Please give one participant for each person: 2."]}
    no_age = _post(client, url, {"consent": True, "participants": [{"name": "一人"}]}, make_resident())
    assert no_age.json()["errors"] == {"participants.1.age": ["Please enter the age of participant 1."]}
    assert not Registration.objects.exists()

    made = _post(
        client,
        url,
        {"consent": True, "party_size": 2, "participants": [{"name": "親", "age": 40}, {"name": "子", "age": 7}]},
        make_resident(),
    )
    assert made.status_code == 201
    assert made.json()["participants"] == [
        {"position": 1, "name": "親", "age": 40},
        {"position": 2, "name": "子", "age": 7},
    ]


def test_old_api_clients_without_participants_still_apply(
    client: Client, make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(max_party_size=2)
    resident = make_resident(full_name="古い クライアント")
    response = _post(client, f"/api/v1/programs/{program.pk}/registrations", {"consent": True}, resident)
    assert response.status_code == 201
    assert response.json()["participants"] == [{"position": 1, "name": "古い クライアント", "age": None}]
