"""Exchange meetings through their services: applications, the timetable, tables, group seats,
materials, introductions, the survey, erasure."""

import io
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from manabiba.accounts.models import User
from manabiba.communities.models import CommunityGroup, ContactMessage
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.exchanges import selectors, services
from manabiba.exchanges.models import ExchangeMeeting, GroupAttendance, Material, Presentation, SurveyResponse
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration
from manabiba.registrations.selectors import online_application_refusal, seats_free
from tests.exchanges.conftest import apply, exchange_program

pytestmark = pytest.mark.django_db


def _at(program: Program, hour: int, minute: int = 0) -> "timezone.datetime":
    assert program.first_starts_at is not None
    day = timezone.localtime(program.first_starts_at)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def test_two_groups_apply_and_the_coordinator_decides(
    meeting: ExchangeMeeting,
    program: Program,
    group_a: CommunityGroup,
    owner_a: User,
    group_b: CommunityGroup,
    owner_b: User,
    coordinator: User,
) -> None:
    first = apply(program, group_a, owner_a)
    second = apply(program, group_b, owner_b, generations=["w"])
    assert first.generations == "co"
    assert first.status == Presentation.Status.APPLIED
    services.presentation_decide(presentation=first, actor=coordinator, status="accepted")
    services.presentation_decide(presentation=second, actor=coordinator, status="waitlisted", note="時間が足りません")
    assert Presentation.objects.get(pk=second.pk).status == "waitlisted"
    subjects = list(OutboxMessage.objects.filter(to="owner-b@example.jp").values_list("body", flat=True))
    assert any("時間が足りません" in body for body in subjects)
    assert AuditEntry.objects.filter(action="exchanges.presentation.accepted").exists()


def test_a_group_applies_only_once_and_only_its_own_editors_apply(
    meeting: ExchangeMeeting, program: Program, group_a: CommunityGroup, owner_a: User, owner_b: User
) -> None:
    apply(program, group_a, owner_a)
    with pytest.raises(ValidationError):
        apply(program, group_a, owner_a)
    with pytest.raises(PermissionDenied):
        apply(program, group_a, owner_b, title="別")


def test_a_group_organiser_cannot_decide(accepted: Presentation, owner_a: User) -> None:
    with pytest.raises(PermissionDenied):
        services.presentation_decide(presentation=accepted, actor=owner_a, status="declined")


def test_slots_on_one_stage_never_overlap_and_presenters_are_mailed_their_time(
    accepted: Presentation, program: Program, coordinator: User
) -> None:
    services.slot_add(
        program=program,
        actor=coordinator,
        stage="大ホール",
        starts_at=_at(program, 10),
        ends_at=_at(program, 10, 15),
        presentation=accepted,
    )
    with pytest.raises(ValidationError) as error:
        services.slot_add(
            program=program,
            actor=coordinator,
            stage="大ホール",
            starts_at=_at(program, 10, 10),
            ends_at=_at(program, 10, 20),
            label="休憩",
        )
    assert "starts_at" in error.value.error_dict
    # The same time on another stage is fine.
    services.slot_add(
        program=program,
        actor=coordinator,
        stage="会議室",
        starts_at=_at(program, 10, 10),
        ends_at=_at(program, 10, 20),
        label="休憩",
    )
    assert services.timetable_publish(program=program, actor=coordinator) == 1
    body = OutboxMessage.objects.filter(to="owner-a@example.jp").latest("pk").body
    assert "10:00〜10:15" in body
    assert "大ホール" in body
    # Publishing again without a change mails nobody.
    assert services.timetable_publish(program=program, actor=coordinator) == 0
    stages = selectors.timetable(program)
    assert [stage.name for stage in stages] == ["大ホール", "会議室"]


def test_only_accepted_presentations_are_placed(
    meeting: ExchangeMeeting, program: Program, group_a: CommunityGroup, owner_a: User, coordinator: User
) -> None:
    pending = apply(program, group_a, owner_a)
    with pytest.raises(ValidationError):
        services.slot_add(
            program=program,
            actor=coordinator,
            stage="大ホール",
            starts_at=_at(program, 10),
            ends_at=_at(program, 10, 15),
            presentation=pending,
        )


def test_a_group_registers_eight_members_through_registrations(
    meeting: ExchangeMeeting, program: Program, group_a: CommunityGroup, owner_a: User
) -> None:
    attendance = services.group_attendance_register(
        program=program, group=group_a, actor=owner_a, members=8, generations=["c", "w"], consent=True
    )
    registration = attendance.registration
    assert registration is not None
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.party_size == 8
    assert registration.user is None
    assert registration.full_name == group_a.name
    assert seats_free(program) == 22
    with pytest.raises(ValidationError):
        services.group_attendance_register(
            program=program, group=group_a, actor=owner_a, members=2, generations=[], consent=True
        )


def test_a_group_beyond_the_free_seats_waits(
    meeting: ExchangeMeeting,
    program: Program,
    group_a: CommunityGroup,
    owner_a: User,
    group_b: CommunityGroup,
    owner_b: User,
) -> None:
    services.group_attendance_register(
        program=program, group=group_a, actor=owner_a, members=25, generations=[], consent=True
    )
    late = services.group_attendance_register(
        program=program, group=group_b, actor=owner_b, members=8, generations=[], consent=True
    )
    assert late.registration is not None
    assert late.registration.status == Registration.Status.WAITLISTED


def test_a_training_for_groups_only_refuses_individuals(
    program: Program, coordinator: User, group_a: CommunityGroup, owner_a: User
) -> None:
    services.meeting_setup(program=program, actor=coordinator, format="training", groups_only=True)
    assert online_application_refusal(program, now=timezone.now()) is not None
    attendance = services.group_attendance_register(
        program=program, group=group_a, actor=owner_a, members=5, generations=["w"], consent=True
    )
    services.group_attendance_record(attendance=attendance, actor=coordinator, members_present=4)
    history = selectors.group_training_history(group_a)
    assert [(row.program_id, row.members_present) for row in history] == [(program.pk, 4)]


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def test_materials_are_checked_and_shown_after_the_day_if_agreed(
    accepted: Presentation, owner_a: User, coordinator: User
) -> None:
    with pytest.raises(ValidationError):
        services.material_upload(presentation=accepted, actor=owner_a, title="偽物", file=io.BytesIO(b"not a file"))
    services.material_upload(presentation=accepted, actor=owner_a, title="スライド", file=io.BytesIO(b"%PDF-1.4 test"))
    services.material_upload(presentation=accepted, actor=owner_a, title="チラシ", file=_png())
    assert sorted(Material.objects.values_list("kind", flat=True)) == ["image", "pdf"]
    program = accepted.program
    assert selectors.public_materials(program) == []  # before the day
    after = (program.last_ends_at or timezone.now()) + timedelta(hours=1)
    assert selectors.public_materials(program, now=after) == []  # not agreed
    services.presentation_consent_set(presentation=accepted, actor=owner_a, materials_public=True)
    assert len(selectors.public_materials(program, now=after)) == 2


def test_generation_mix_counts_presentations_and_groups(
    accepted: Presentation, program: Program, group_b: CommunityGroup, owner_b: User
) -> None:
    services.group_attendance_register(
        program=program, group=group_b, actor=owner_b, members=8, generations=["o"], consent=True
    )
    mix = {row.code: row for row in selectors.generation_mix(program)}
    assert mix["c"].presentations == 1
    assert mix["o"].presentations == 1
    assert mix["o"].groups == 1
    assert mix["o"].members == 8
    assert mix["s"].presentations == 0
    assert mix["s"].members == 0


def _past_meeting(coordinator: User) -> Program:
    program = exchange_program(past=True, applications_open_at=None, applications_close_at=None)
    services.meeting_setup(program=program, actor=coordinator, format="meeting")
    return program


def test_after_the_meeting_a_group_asks_to_meet_another_through_its_contact_form(
    coordinator: User, group_a: CommunityGroup, owner_a: User, group_b: CommunityGroup
) -> None:
    program = _past_meeting(coordinator)
    GroupAttendance.objects.create(program=program, group=group_a, members=3)
    GroupAttendance.objects.create(program=program, group=group_b, members=4)
    services.introduction_request(
        program=program, from_group=group_a, to_group=group_b, actor=owner_a, message="また一緒に活動しませんか。"
    )
    message = ContactMessage.objects.get(group=group_b)
    assert message.sender_name == group_a.name
    # Group B's editors are mailed through the site; group B's address never reaches group A.
    assert not OutboxMessage.objects.filter(to="owner-a@example.jp", body__contains="group-b@example.jp").exists()
    with pytest.raises(ValidationError):
        services.introduction_request(
            program=program, from_group=group_a, to_group=group_b, actor=owner_a, message="もう一度"
        )


def test_the_survey_goes_to_attendees_once_and_each_link_answers_once(
    coordinator: User, group_a: CommunityGroup
) -> None:
    program = _past_meeting(coordinator)
    registration = Registration.objects.create(
        program=program,
        status=Registration.Status.CONFIRMED,
        party_size=1,
        full_name="参加 者",
        email="attendee@example.jp",
        check_in_code="AAAAAA",
    )
    assert services.survey_send(program=program, actor=coordinator) == 1
    with pytest.raises(ValidationError):
        services.survey_send(program=program, actor=coordinator)
    body = OutboxMessage.objects.get(to="attendee@example.jp").body
    token = body.split("/exchanges/survey/")[1].split("/")[0]
    found = services.survey_registration(token)
    assert found == registration
    services.survey_respond(registration=registration, satisfaction=5, met_other_generations=True, new_contacts=False)
    with pytest.raises(ValidationError):
        services.survey_respond(
            registration=registration, satisfaction=4, met_other_generations=False, new_contacts=False
        )
    results = selectors.survey_results(program)
    assert results.responses == 1
    assert results.satisfaction_average == 5.0
    assert results.met_other_generations == 1
    assert services.survey_registration("tampered") is None


def test_erasure_unnames_the_person_and_keeps_the_groups_record(accepted: Presentation, owner_a: User) -> None:
    services.exchanges_erase_for_deleted_account(user=owner_a)
    accepted.refresh_from_db()
    assert accepted.applied_by is None
    assert accepted.group_id is not None


def test_setup_is_only_for_exchange_programmes(coordinator: User) -> None:
    from manabiba.programs.factories import ProgramFactory

    course = ProgramFactory(kind=Program.Kind.COURSE)
    with pytest.raises(ValidationError):
        services.meeting_setup(program=course, actor=coordinator, format="meeting")
    assert not SurveyResponse.objects.exists()
    assert not django_mail.outbox
