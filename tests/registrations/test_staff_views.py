"""Staff pages: who may see whose registrants (and that every look is logged), the draw button,
the waiting list, cancelling, the desk, the roster and check-in, the CSV export, the settings."""

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.models import Program
from manabiba.registrations.models import (
    Attendance,
    LotteryDraw,
    PriorityRule,
    Registration,
    RegistrationQuestion,
    RegistrationSettings,
)
from manabiba.registrations.services import registration_submit, registrations_flag_below_minimum

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db
S = Registration.Status


def _client(user: User | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _organiser(make_persona: Callable[..., User], program: Program, **fields: object) -> User:
    """Department staff of the programme's own department: they run it."""
    return make_persona(Role.DEPARTMENT_STAFF, department=program.organizer.department, **fields)


def _close(program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    program.refresh_from_db()


def _views_logged(user: User) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="registrations.personal_data.viewed", actor=user))


def _guarded_pages(program: Program) -> list[str]:
    """A page of each kind: the index, a programme's, a session's, the export, the desk's form."""
    session = program.sessions.first()
    assert session is not None
    return [
        reverse("staff_registrations:index"),
        reverse("staff_registrations:program", args=[program.pk]),
        reverse("staff_registrations:roster", args=[session.pk]),
        reverse("staff_registrations:export_csv", args=[program.pk]),
        reverse("staff_registrations:register", args=[program.pk]),
    ]


def test_anonymous_staff_pages_redirect_to_login(make_program: MakeProgram) -> None:
    client = _client()
    for url in _guarded_pages(make_program()):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_without_a_required_second_factor_are_sent_to_set_it_up(
    make_program: MakeProgram, make_persona: Callable[..., User]
) -> None:
    """The registrations pages share the accounts guard: the same as every other staff page."""
    program = make_program()
    client = _client(_organiser(make_persona, program, totp_required=True))
    setup = reverse("accounts:totp_setup")
    assert client.get(reverse("staff:dashboard"))["Location"] == setup
    for url in _guarded_pages(program):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == setup, url


def test_organiser_of_another_programme_gets_403(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    mine, theirs = make_program(), make_program()
    registration_submit(program=theirs, user=make_resident(full_name="秘密 花子"), consent=True)
    organiser = _organiser(make_persona, mine)
    session = theirs.sessions.first()
    assert session is not None
    client = _client(organiser)
    for url in (
        reverse("staff_registrations:program", args=[theirs.pk]),
        reverse("staff_registrations:waitlist", args=[theirs.pk]),
        reverse("staff_registrations:settings", args=[theirs.pk]),
        reverse("staff_registrations:draw", args=[theirs.pk]),
        reverse("staff_registrations:roster", args=[session.pk]),
        reverse("staff_registrations:check_in", args=[session.pk]),
        reverse("staff_registrations:export_csv", args=[theirs.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "秘密 花子" not in response.content.decode()
    assert _views_logged(organiser) == []
    # Their own programme is fine; the index shows numbers, never names.
    assert client.get(reverse("staff_registrations:program", args=[mine.pk])).status_code == 200
    index = client.get(reverse("staff_registrations:index")).content.decode()
    assert mine.title in index
    assert "秘密 花子" not in index


def test_a_resident_cannot_use_the_staff_pages(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program()
    client = _client(make_resident())
    assert client.get(reverse("staff_registrations:index")).status_code == 403
    assert client.get(reverse("staff_registrations:program", args=[program.pk])).status_code == 403
    assert client.get(reverse("staff_registrations:register_choose")).status_code == 403


def test_registrants_list_filters_by_status_and_logs_the_look(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    registration_submit(program=program, user=make_resident(full_name="確定 一郎"), consent=True)
    registration_submit(program=program, user=make_resident(full_name="待機 二郎"), consent=True)
    organiser = _organiser(make_persona, program)
    client = _client(organiser)
    everyone = client.get(reverse("staff_registrations:program", args=[program.pk])).content.decode()
    assert "確定 一郎" in everyone
    assert "待機 二郎" in everyone
    waiting = client.get(reverse("staff_registrations:program", args=[program.pk]), {"status": "waitlisted"})
    assert "待機 二郎" in waiting.content.decode()
    assert "確定 一郎" not in waiting.content.decode()
    logged = _views_logged(organiser)
    assert len(logged) == 2
    assert logged[0].target_id == str(program.pk)
    assert logged[0].data["view"] == "registrants"


def test_draw_button_runs_the_draw_and_shows_the_result(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program(lottery=True, capacity=1)
    people = [make_resident() for _ in range(3)]
    for person in people:
        registration_submit(program=program, user=person, consent=True)
    organiser = _organiser(make_persona, program)
    client = _client(organiser)
    page = client.get(reverse("staff_registrations:program", args=[program.pk])).content.decode()
    assert "Run the draw" not in page  # applications are still open
    refused = client.post(reverse("staff_registrations:draw", args=[program.pk]), follow=True)
    assert "Applications are still open." in refused.content.decode()
    assert not LotteryDraw.objects.filter(program=program).exists()

    _close(program)
    page = client.get(reverse("staff_registrations:program", args=[program.pk])).content.decode()
    assert "Run the draw" in page
    response = client.post(reverse("staff_registrations:draw", args=[program.pk]), follow=True)
    draw = LotteryDraw.objects.get(program=program)
    html = response.content.decode()
    assert draw.seed in html
    assert "Same result" in html
    statuses = sorted(Registration.objects.filter(program=program).values_list("status", flat=True))
    assert statuses == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert draw.drawn_by == organiser


def test_desk_staff_cannot_run_the_draw(
    make_program: MakeProgram, desk: User, make_resident: Callable[..., User]
) -> None:
    program = make_program(lottery=True)
    registration_submit(program=program, user=make_resident(), consent=True)
    _close(program)
    assert _client(desk).post(reverse("staff_registrations:draw", args=[program.pk])).status_code == 403
    assert not LotteryDraw.objects.filter(program=program).exists()


def test_waitlist_move_needs_a_reason(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    registration_submit(program=program, user=make_resident(), consent=True)
    first = registration_submit(program=program, user=make_resident(), consent=True)
    second = registration_submit(program=program, user=make_resident(), consent=True)
    client = _client(_organiser(make_persona, program))
    url = reverse("staff_registrations:waitlist", args=[program.pk])
    prefix = f"move-{second.pk}"
    refused = client.post(url, {"registration": second.pk, f"{prefix}-position": "1", f"{prefix}-reason": ""})
    assert refused.status_code == 200
    assert 'class="error-summary"' in refused.content.decode()
    second.refresh_from_db()
    assert second.waitlist_position == 2

    moved = client.post(
        url, {"registration": second.pk, f"{prefix}-position": "1", f"{prefix}-reason": "Wheelchair user, agreed"}
    )
    assert moved.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.waitlist_position, first.waitlist_position) == (1, 2)
    entry = AuditEntry.objects.get(action="registrations.waitlist.reordered")
    assert entry.data["reason"] == "Wheelchair user, agreed"


def test_staff_cancel_a_registration_with_a_reason(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    confirmed = registration_submit(program=program, user=make_resident(), consent=True)
    waiting = registration_submit(program=program, user=make_resident(), consent=True)
    client = _client(_organiser(make_persona, program))
    url = reverse("staff_registrations:registration_cancel", args=[confirmed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Asked by phone"})
    assert response.status_code == 302
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == S.CANCELLED
    assert confirmed.cancel_reason == "Asked by phone"
    assert waiting.status == S.CONFIRMED


def test_cancel_the_whole_programme_tells_everyone(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    people = [make_resident() for _ in range(2)]
    for person in people:
        registration_submit(program=program, user=person, consent=True)
    client = _client(_organiser(make_persona, program))
    url = reverse("staff_registrations:program_cancel", args=[program.pk])
    unconfirmed = client.post(url, {"reason": "Typhoon"})
    assert unconfirmed.status_code == 200
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED
    client.post(url, {"reason": "Typhoon", "confirm": "on"})
    program.refresh_from_db()
    assert program.status == Program.Status.CANCELLED
    assert set(Registration.objects.filter(program=program).values_list("status", flat=True)) == {S.CANCELLED}
    for person in people:
        assert OutboxMessage.objects.filter(to=person.email).count() == 2  # applied, then cancelled


def test_desk_registers_a_caller_warns_of_a_duplicate_and_prints_a_slip(make_program: MakeProgram, desk: User) -> None:
    program = make_program(capacity=5, max_party_size=2)
    client = _client(desk)
    url = reverse("staff_registrations:register", args=[program.pk])
    form = client.get(url).content.decode()
    for label in ('for="id_full_name"', 'for="id_phone"', 'for="id_consent"', 'for="id_age_band"'):
        assert label in form
    data = {
        "channel": "phone",
        "full_name": "電話 ハナ",
        "full_name_kana": "でんわ はな",
        "phone": "0721-00-0000",
        "party_size": "2",
        "participants-0-name": "電話 ハナ",
        "participants-1-name": "電話 タロウ",
        "consent": "on",
        "lives_in_city": "on",
    }
    response = client.post(url, data, follow=True)
    registration = Registration.objects.get(program=program)
    assert registration.channel == Registration.Channel.PHONE
    assert registration.registered_by == desk
    assert registration.status == S.CONFIRMED
    assert registration.party_size == 2
    slip = response.content.decode()
    assert "電話 ハナ" in slip
    assert registration.check_in_code in slip
    assert "print this slip" in slip

    again = client.post(url, {**data, "full_name": "電話　ハナ"})
    assert again.status_code == 200
    assert "This person may have applied already" in again.content.decode()
    assert "Register anyway" in again.content.decode()
    assert Registration.objects.filter(program=program).count() == 1
    client.post(url, {**data, "party_size": "1", "register_anyway": "1"})
    assert Registration.objects.filter(program=program).count() == 2


def test_desk_names_each_participant_with_their_age_and_the_slip_lists_them(
    make_program: MakeProgram, desk: User
) -> None:
    program = make_program(capacity=10, max_party_size=3, asks_participant_age=True)
    client = _client(desk)
    url = reverse("staff_registrations:register", args=[program.pk])
    caller = {
        "channel": "phone",
        "full_name": "電話 花子",
        "phone": "042-000-0000",
        "party_size": "3",
        "consent": "on",
    }
    # The number of people changed without JavaScript: one row per person, the caller in the first.
    rows = client.post(url, {**caller, "participants-0-name": "", "step": "resize"}).content.decode()
    assert 'name="participants-2-name"' in rows
    assert 'name="participants-3-name"' not in rows
    assert 'name="participants-0-name" value="電話 花子"' in rows
    assert "Participant 3" in rows
    assert not Registration.objects.filter(program=program).exists()

    people = {
        "participants-0-name": "電話 花子",
        "participants-0-age": "40",
        "participants-1-name": "電話 一郎",
        "participants-1-age": "9",
        "participants-2-name": "電話 二葉",
    }
    missing_age = client.post(url, {**caller, **people}).content.decode()
    assert 'href="#id_participants-2-age"' in missing_age
    assert not Registration.objects.filter(program=program).exists()

    slip = client.post(url, {**caller, **people, "participants-2-age": "6"}, follow=True).content.decode()
    registration = Registration.objects.get(program=program)
    assert [(p.name, p.age) for p in registration.participants.all()] == [
        ("電話 花子", 40),
        ("電話 一郎", 9),
        ("電話 二葉", 6),
    ]
    assert registration.party_size == 3
    assert '<span lang="ja">電話 二葉</span> (age 6)' in slip


def test_desk_leaves_the_caller_s_row_empty_and_the_caller_or_their_account_is_named(
    make_program: MakeProgram, desk: User, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=10, max_party_size=2)
    caller_with_account = make_resident(email="account@example.jp", full_name="口座 持子")
    client = _client(desk)
    url = reverse("staff_registrations:register", args=[program.pk])
    common = {"party_size": "2", "participants-0-name": "", "participants-1-name": "連れ 一郎", "consent": "on"}
    client.post(url, {**common, "channel": "phone", "full_name": "電話 花子", "phone": "042-000-0000"})
    client.post(url, {**common, "channel": "desk", "account": "account@example.jp"})
    named = {
        registration.full_name: [p.name for p in registration.participants.all()]
        for registration in Registration.objects.filter(program=program)
    }
    assert named == {"電話 花子": ["電話 花子", "連れ 一郎"], "口座 持子": ["口座 持子", "連れ 一郎"]}
    assert Registration.objects.get(program=program, user=caller_with_account).party_size == 2
    # The second row still needs its name.
    missing = client.post(
        url, {**common, "participants-1-name": "", "channel": "phone", "full_name": "別 人", "phone": "042-000-1111"}
    )
    assert 'href="#id_participants-1-name"' in missing.content.decode()


def test_desk_form_for_parties_of_one_asks_no_number_of_people(make_program: MakeProgram, desk: User) -> None:
    program = make_program(capacity=10, max_party_size=1, asks_participant_age=True)
    form = _client(desk).get(reverse("staff_registrations:register", args=[program.pk])).content.decode()
    assert 'type="hidden" name="party_size"' in form
    assert 'value="resize"' not in form
    assert 'name="participants-0-age"' in form


def test_desk_form_needs_a_phone_or_an_email(make_program: MakeProgram, desk: User) -> None:
    program = make_program()
    response = _client(desk).post(
        reverse("staff_registrations:register", args=[program.pk]),
        {"channel": "desk", "full_name": "窓口 太郎", "party_size": "1", "consent": "on"},
    )
    assert response.status_code == 200
    assert 'href="#id_phone"' in response.content.decode()
    assert not Registration.objects.filter(program=program).exists()


def test_roster_and_check_in_by_code_and_by_name(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program()
    one = registration_submit(program=program, user=make_resident(full_name="出席 一子"), consent=True)
    two = registration_submit(program=program, user=make_resident(full_name="出席 二子"), consent=True)
    session = program.sessions.first()
    assert session is not None
    organiser = _organiser(make_persona, program)
    client = _client(organiser)
    roster = client.get(reverse("staff_registrations:roster", args=[session.pk])).content.decode()
    assert "出席 一子" in roster
    assert "出席 二子" in roster
    assert "registrations.css" in roster
    url = reverse("staff_registrations:check_in", args=[session.pk])
    response = client.post(url, {"code": one.check_in_code.lower()}, follow=True)
    assert "checked in" in response.content.decode()
    wrong = client.post(url, {"code": "ZZZZZZ"})
    assert "No confirmed registration has this code." in wrong.content.decode()
    client.post(url, {"registration": two.pk, "present": "1"})
    attendances = Attendance.objects.filter(session=session, present=True)
    assert {a.registration_id: a.method for a in attendances} == {one.pk: "code", two.pk: "roster"}
    assert any(e.data["view"] == f"roster:{session.pk}" for e in _views_logged(organiser))


def test_csv_export_is_for_the_organiser_only_and_opens_in_excel(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User], desk: User
) -> None:
    program = make_program()
    registration_submit(program=program, user=make_resident(full_name="=HYPERLINK(1)"), consent=True)
    registration_submit(program=program, user=make_resident(full_name="輸出 花子"), consent=True)
    url = reverse("staff_registrations:export_csv", args=[program.pk])
    assert _client(desk).get(url).status_code == 403
    organiser = _organiser(make_persona, program)
    response = _client(organiser).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2] == "Name"
    names = {row[2] for row in rows[1:]}
    assert names == {"'=HYPERLINK(1)", "輸出 花子"}
    assert any(e.data["view"] == "export_csv" for e in _views_logged(organiser))


def test_settings_form_saves_tiers_and_questions(make_program: MakeProgram, make_persona: Callable[..., User]) -> None:
    program = make_program()
    client = _client(_organiser(make_persona, program))
    url = reverse("staff_registrations:settings", args=[program.pk])
    page = client.get(url).content.decode()
    assert 'for="id_allocation_0"' in page or 'id="id_allocation_0"' in page
    data = {
        "allocation": "lottery",
        "not_drawn": "waitlist",
        "max_party_size": "2",
        "confirm_within_days": "3",
        "offer_expiry_hours": "",
        "cancellation_cutoff_hours": "24",
        "retention_months": "12",
        "draw_at": "",
        "tier_city_resident": "1",
        "tier_first_timer": "2",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
        "questions-0-label": "Experience",
        "questions-0-key": "experience",
        "questions-0-kind": "choice",
        "questions-0-choices": "None\nSome\nA lot",
        "questions-0-required": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    reg_settings = RegistrationSettings.objects.get(program=program)
    assert reg_settings.is_lottery
    assert reg_settings.max_party_size == 2
    assert reg_settings.confirm_within_days == 3
    rules = {(r.criterion, r.tier) for r in PriorityRule.objects.filter(settings=reg_settings)}
    assert rules == {("city_resident", 1), ("first_timer", 2)}
    question = RegistrationQuestion.objects.get(program=program)
    assert question.choices == ["None", "Some", "A lot"]
    assert question.required


def test_minimum_enrolment_prompt_run_or_cancel(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=10, program_fields={"min_participants": 5})
    registration_submit(program=program, user=make_resident(), consent=True)
    _close(program)
    assert registrations_flag_below_minimum() == [program.pk]
    client = _client(_organiser(make_persona, program))
    index = client.get(reverse("staff_registrations:index")).content.decode()
    assert "Below minimum enrolment" in index
    assert program.title in index
    url = reverse("staff_registrations:minimum_decide", args=[program.pk])
    client.post(url, {"decision": "cancel", "reason": ""})
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED
    client.post(url, {"decision": "cancel", "reason": "Too few applications"})
    program.refresh_from_db()
    assert program.status == Program.Status.CANCELLED
    assert "Below minimum enrolment" not in client.get(reverse("staff_registrations:index")).content.decode()


def test_session_cancel_notice_tells_everyone_with_a_place(
    make_program: MakeProgram, make_persona: Callable[..., User], make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=1)
    seated, waiting = make_resident(), make_resident()
    registration_submit(program=program, user=seated, consent=True)
    registration_submit(program=program, user=waiting, consent=True)
    session = program.sessions.first()
    assert session is not None
    client = _client(_organiser(make_persona, program))
    url = reverse("staff_registrations:session_notice", args=[session.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "The hall is closed for repairs"}, follow=True)
    assert "1 person with a place has been told" in response.content.decode()
    assert OutboxMessage.objects.filter(to=seated.email).count() == 2
    assert OutboxMessage.objects.filter(to=waiting.email).count() == 1


def test_index_lists_programmes_with_their_counts(
    make_program: MakeProgram, coordinator: User, make_resident: Callable[..., User]
) -> None:
    first_come = make_program(capacity=2, max_party_size=2)
    lottery = make_program(lottery=True, capacity=5)
    registration_submit(program=first_come, user=make_resident(), party_size=2, consent=True)
    registration_submit(program=first_come, user=make_resident(), consent=True)
    for _n in range(3):
        registration_submit(program=lottery, user=make_resident(), consent=True)
    response = _client(coordinator).get(reverse("staff_registrations:index"))
    rows = {
        row.program.pk: (row.seats_taken, row.applied, row.waitlisted, row.is_lottery)
        for row in response.context["open_rows"]
    }
    assert rows[first_come.pk] == (2, 0, 1, False)
    assert rows[lottery.pk] == (0, 3, 0, True)


def test_desk_links_a_caller_who_has_an_account(
    make_program: MakeProgram, desk: User, make_resident: Callable[..., User]
) -> None:
    program = make_program()
    caller = make_resident(email="caller@example.jp", full_name="口座 持子", phone="0721-11-2222")
    client = _client(desk)
    url = reverse("staff_registrations:register", args=[program.pk])
    unknown = client.post(url, {"channel": "phone", "account": "nobody@example.jp", "party_size": "1", "consent": "on"})
    assert "No account has this e-mail address." in unknown.content.decode()
    client.post(url, {"channel": "phone", "account": "CALLER@example.jp", "party_size": "1", "consent": "on"})
    registration = Registration.objects.get(program=program)
    assert registration.user == caller
    assert registration.full_name == "口座 持子"
    again = client.post(url, {"channel": "phone", "account": caller.email, "party_size": "1", "consent": "on"})
    assert "This account already has a registration" in again.content.decode()
    listing = _client(caller).get(reverse("registrations:mine")).content.decode()
    assert program.title in listing
