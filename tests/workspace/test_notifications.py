"""Staff are told of work through the outbox, in their own language."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation
from manabiba.consultations.services import consultation_assign
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer
from manabiba.programs.services import program_publish, program_return, program_submit
from tests.workspace.conftest import Office, build_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_persona: Any) -> User:
    return make_persona(Role.GROUP_ORGANISER, email="author@example.jp", language="en")


def _citizen_programme(author: User) -> Any:
    organizer = OrganizerFactory(kind=Organizer.Kind.CITIZEN, department=None, name="市民講師 山田")
    return ProgramFactory(organizer=organizer, created_by=author, title="Watercolour for beginners")


def test_the_coordinators_are_mailed_when_a_review_is_requested_each_in_their_language(
    make_persona: Any, author: User, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    english = make_persona(Role.COORDINATOR, email="coord.en@example.jp", language="en")
    japanese = make_persona(Role.COORDINATOR, email="coord.ja@example.jp", language="ja")
    make_persona(Role.DEPARTMENT_STAFF, email="dept@example.jp")
    program = _citizen_programme(author)
    with django_capture_on_commit_callbacks(execute=True):
        program_submit(program=program, actor=author)
    [to_english] = smtp_server.to(english.email)
    assert "Programme waiting for review: Watercolour for beginners" in smtp_server.subject(to_english)
    assert f"/staff/programs/{program.pk}/" in smtp_server.body(to_english)
    [to_japanese] = smtp_server.to(japanese.email)
    assert "審査待ちの講座" in smtp_server.subject(to_japanese)
    assert to_japanese["Content-Language"] == "ja"
    assert smtp_server.to("dept@example.jp") == []
    assert smtp_server.to(author.email) == []


def test_the_author_is_mailed_when_the_programme_is_returned_and_when_published(
    coordinator: User, author: User, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    program = _citizen_programme(author)
    with django_capture_on_commit_callbacks(execute=True):
        program_submit(program=program, actor=author)
    with django_capture_on_commit_callbacks(execute=True):
        program_return(program=program, actor=coordinator, reason="Please add the materials fee.")
    [returned] = smtp_server.to(author.email)
    assert "Please revise your programme: Watercolour for beginners" in smtp_server.subject(returned)
    assert "Please add the materials fee." in smtp_server.body(returned)
    with django_capture_on_commit_callbacks(execute=True):
        program_submit(program=program, actor=author)
        program_publish(program=program, actor=coordinator)
    published = [m for m in smtp_server.to(author.email) if "published" in smtp_server.subject(m)]
    assert len(published) == 1
    assert f"/programs/{program.pk}/" in smtp_server.body(published[0])


def test_nobody_is_mailed_about_their_own_change(make_persona: Any, office: Office) -> None:
    organizer = OrganizerFactory(name="スポーツ振興課主催", department=office.sports)
    program = ProgramFactory(organizer=organizer, created_by=office.sports_staff)
    program_publish(program=program, actor=office.sports_staff)
    assert not OutboxMessage.objects.filter(to=office.sports_staff.email).exists()


def test_a_department_is_mailed_when_a_consultation_is_routed_to_it_with_nobody_named(
    make_persona: Any, office: Office, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    colleague = make_persona(Role.DEPARTMENT_STAFF, email="sports2@example.jp", department=office.sports, language="en")
    build_work(office, 1)
    consultation = Consultation.objects.filter(department=office.sports, assignee=None).first()
    assert consultation is not None
    Consultation.objects.filter(pk=consultation.pk).update(department=None)
    consultation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_assign(consultation=consultation, actor=office.desk, department=office.sports, assignee=None)
    [to_colleague] = smtp_server.to(colleague.email)
    assert f"[{consultation.reference}]" in smtp_server.subject(to_colleague)
    assert "routed to スポーツ振興課 with nobody named" in smtp_server.body(to_colleague)
    assert len(smtp_server.to(office.sports_staff.email)) == 1
    assert smtp_server.to(office.childcare_staff.email) == []
    assert smtp_server.to(office.desk.email) == []


def test_a_named_person_gets_the_assignment_and_the_department_is_not_mailed_as_well(
    make_persona: Any, office: Office
) -> None:
    colleague = make_persona(Role.DEPARTMENT_STAFF, email="sports2@example.jp", department=office.sports)
    build_work(office, 1)
    consultation = Consultation.objects.filter(department=office.sports, assignee=None).first()
    assert consultation is not None
    Consultation.objects.filter(pk=consultation.pk).update(department=None)
    consultation.refresh_from_db()
    consultation_assign(
        consultation=consultation, actor=office.desk, department=office.sports, assignee=office.sports_staff
    )
    assert OutboxMessage.objects.filter(to=office.sports_staff.email).count() == 1
    assert not OutboxMessage.objects.filter(to=colleague.email).exists()


def test_the_daily_digest_lists_ones_overdue_items_in_ones_language_and_can_be_turned_off(
    make_persona: Any, office: Office
) -> None:
    office.coordinator.language = "en"
    office.coordinator.save(update_fields=["language"])
    quiet = make_persona(Role.COORDINATOR, email="quiet@example.jp", staff_digest=False)
    idle = make_persona(Role.DESK_STAFF, email="idle@example.jp")
    build_work(office, 2)
    out = StringIO()
    call_command("send_staff_digest", stdout=out)
    coordinator_mail = OutboxMessage.objects.get(to=office.coordinator.email)
    assert coordinator_mail.language == "en"
    assert "Consultations overdue: 4" in coordinator_mail.body
    assert "Lotteries to draw: 4" in coordinator_mail.body
    assert "Mail that failed to send" not in coordinator_mail.body  # needs attention, but is not late
    assert "?view=overdue" in coordinator_mail.body
    # A department's digest holds its own overdue work only, in Japanese.
    sports_mail = OutboxMessage.objects.get(to=office.sports_staff.email)
    assert "期限超過の相談：2件" in sports_mail.body
    assert "送信できなかったメール" not in sports_mail.body
    # Opted out, or nothing overdue: no mail.
    assert not OutboxMessage.objects.filter(to__in=[quiet.email, idle.email]).exists()
    assert "4 digests queued" in out.getvalue()  # coordinator, both departments, the desk that logged them
    # The timer may run twice: nobody is mailed twice the same day.
    call_command("send_staff_digest", stdout=StringIO())
    assert OutboxMessage.objects.filter(to=office.coordinator.email).count() == 1
    assert AuditEntry.objects.filter(action="accounts.staff_digest.sent", target_id=str(office.coordinator.pk)).exists()


def test_staff_can_turn_the_digest_off_in_their_profile_and_residents_are_not_asked(
    client: Any, office: Office, resident: User
) -> None:
    client.force_login(resident)
    assert "staff_digest" not in client.get("/accounts/profile/edit/").content.decode()
    client.force_login(office.sports_staff)
    assert 'name="staff_digest"' in client.get("/accounts/profile/edit/").content.decode()
    client.post("/accounts/profile/edit/", {"language": "ja", "full_name": "運動 太郎"})
    office.sports_staff.refresh_from_db()
    assert office.sports_staff.staff_digest is False
