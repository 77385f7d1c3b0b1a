"""After a citizen-proposal lecture: the survey goes once to those who came, answers are anonymous and
one each, the proposer files the report with figures from attendance, the coordinator accepts it or
asks for changes, the round's public summary shows it, and the talent's history lists the lecture."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import user_delete
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.proposals import selectors, services
from manabiba.proposals.models import Proposal, ProposalCall, ProposalReport, Review, SurveyAnswer, SurveyInvitation
from manabiba.talents.models import TalentProfile
from tests.proposals.after import Held, held_lecture
from tests.proposals.conftest import score
from tests.workspace.conftest import cards_on, rows_behind

pytestmark = pytest.mark.django_db

REPORT = {
    "content": "全2回、筆の持ち方から作品づくりまで。",
    "outcomes": "参加者が書き初めの作品を仕上げた。",
    "income": 600,
    "spending": 15600,
    "money_note": "",
    "self_evaluation": 4,
    "self_evaluation_note": "",
    "next_steps": "サークルを立ち上げる。",
}


@pytest.fixture
def held(
    call: ProposalCall,
    in_review: tuple[Proposal, list[Review]],
    reviewers: list[User],
    coordinator: User,
    make_persona: Callable[..., User],
    time_machine: Any,
) -> Held:
    lecture = held_lecture(
        call=call,
        in_review=in_review,
        reviewers=reviewers,
        coordinator=coordinator,
        make_persona=make_persona,
        score=score,
    )
    time_machine.move_to(lecture.after, tick=False)
    return lecture


def _tokens() -> list[str]:
    return list(SurveyInvitation.objects.order_by("pk").values_list("token", flat=True))


def test_the_survey_goes_once_to_the_people_who_came_and_the_proposer_is_asked_for_the_report(
    held: Held, group_owner: User
) -> None:
    OutboxMessage.objects.all().delete()
    call_command("proposals_daily")
    call_command("proposals_daily")  # a second run sends nothing more
    assert SurveyInvitation.objects.count() == 2
    to = list(OutboxMessage.objects.values_list("to", flat=True))
    assert to.count("learner0@example.jp") == to.count("learner1@example.jp") == 1
    assert "learner2@example.jp" not in to  # registered but did not come
    assert to.count(group_owner.email) == 1
    survey_mail = OutboxMessage.objects.get(to="learner0@example.jp")
    assert "アンケート" in survey_mail.subject
    assert "/proposals/survey/" in survey_mail.body
    assert AuditEntry.objects.filter(action="proposals.survey.sent").count() == 1


def test_nothing_is_sent_before_the_last_session(
    call: ProposalCall,
    in_review: tuple[Proposal, list[Review]],
    reviewers: list[User],
    coordinator: User,
    make_persona: Callable[..., User],
) -> None:
    held_lecture(
        call=call,
        in_review=in_review,
        reviewers=reviewers,
        coordinator=coordinator,
        make_persona=make_persona,
        score=score,
    )
    assert services.surveys_send_due() == 0
    assert not SurveyInvitation.objects.exists()


def test_an_answer_is_anonymous_and_one_per_participant(client: Client, held: Held) -> None:
    services.surveys_send_due()
    token = _tokens()[0]
    page = client.get(f"/proposals/survey/{token}/")
    assert page.status_code == 200
    response = client.post(
        f"/proposals/survey/{token}/",
        {"satisfaction": "5", "join_again": "yes", "would_teach": "maybe", "comment": "楽しかった"},
    )
    assert "Thank you for your answer" in response.content.decode()
    answer = SurveyAnswer.objects.get()
    assert answer.satisfaction == 5
    # The answer does not point back to the invitation; the audit entry names nobody.
    assert not hasattr(answer, "invitation")
    entry = AuditEntry.objects.get(action="proposals.survey.answered")
    assert entry.actor_id is None
    assert entry.data == {}
    again = client.post(f"/proposals/survey/{token}/", {"satisfaction": "1", "join_again": "no", "would_teach": "no"})
    assert "already been answered" in again.content.decode()
    assert SurveyAnswer.objects.count() == 1
    assert client.get("/proposals/survey/not-a-token/").status_code == 404


def test_a_bad_answer_shows_errors_and_saves_nothing(client: Client, held: Held) -> None:
    services.surveys_send_due()
    response = client.post(f"/proposals/survey/{_tokens()[0]}/", {"satisfaction": "9"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_the_report_takes_its_figures_from_attendance_and_the_coordinator_accepts_it(
    client: Client, held: Held, group_owner: User, coordinator: User
) -> None:
    services.surveys_send_due()
    for token, satisfaction in zip(_tokens(), (5, 4), strict=True):
        services.survey_answer(token=token, satisfaction=satisfaction, join_again="yes", would_teach="yes")
    client.force_login(group_owner)
    page = client.get(f"/proposals/{held.proposal.pk}/").content.decode()
    assert "File the post-course report" in page
    response = client.post(f"/proposals/{held.proposal.pk}/report/", {k: str(v) for k, v in REPORT.items()})
    assert response.status_code == 302
    report = ProposalReport.objects.get()
    assert report.status == ProposalReport.Status.SUBMITTED
    assert (report.sessions_held, report.participants_confirmed, report.participants_attended, report.attendances) == (
        2,
        3,
        2,
        4,
    )
    # Filed once: the form is gone until the office asks for changes.
    page = client.get(f"/proposals/{held.proposal.pk}/report/").content.decode()
    assert "File the report" not in page
    with pytest.raises(ValidationError):
        services.report_file(proposal=held.proposal, actor=group_owner, **REPORT)

    services.report_request_changes(report=report, actor=coordinator, reason="収支の内訳を書いてください。")
    assert "収支の内訳" in client.get(f"/proposals/{held.proposal.pk}/report/").content.decode()
    services.report_file(proposal=held.proposal, actor=group_owner, **{**REPORT, "money_note": "教材費 300円×2人"})
    report.refresh_from_db()
    assert report.status == ProposalReport.Status.SUBMITTED

    client.force_login(coordinator)
    page = client.get(f"/staff/proposals/{held.proposal.pk}/report/").content.decode()
    assert "4.5" in page  # the survey's average beside the report
    client.post(f"/staff/proposals/{held.proposal.pk}/report/", {"action": "accept"})
    report.refresh_from_db()
    assert report.status == ProposalReport.Status.ACCEPTED
    actions = set(AuditEntry.objects.filter(action__startswith="proposals.report.").values_list("action", flat=True))
    assert actions == {"proposals.report.filed", "proposals.report.changes_requested", "proposals.report.accepted"}


def test_the_round_summary_is_public_and_holds_no_personal_data(
    client: Client, held: Held, group_owner: User, coordinator: User
) -> None:
    services.surveys_send_due()
    services.survey_answer(token=_tokens()[0], satisfaction=4, join_again="yes", would_teach="no", comment="秘密の感想")
    report = services.report_file(proposal=held.proposal, actor=group_owner, **REPORT)
    before = client.get(f"/proposals/calls/{held.proposal.call_id}/summary/").content.decode()
    assert "参加者が書き初め" not in before  # not accepted yet
    services.report_accept(report=report, actor=coordinator)
    page = client.get(f"/proposals/calls/{held.proposal.call_id}/summary/").content.decode()
    assert "はじめての書道" in page
    assert "参加者が書き初めの作品を仕上げた。" in page
    assert "秘密の感想" not in page  # comments are for the proposer and the office
    for private in ("hanako@example.jp", "042-000-0000", "learner0", "学び 手0", "15600"):
        assert private not in page
    summary = selectors.round_summary(held.proposal.call)
    assert (summary.received, summary.adopted, summary.held, summary.participants) == (1, 1, 1, 2)


@pytest.mark.parametrize("who", ["anonymous", "resident", "reviewer", "department", "proposer", "coordinator"])
def test_who_sees_the_survey_results_and_the_report_pages(
    client: Client,
    held: Held,
    who: str,
    group_owner: User,
    coordinator: User,
    reviewers: list[User],
    make_persona: Callable[..., User],
) -> None:
    services.surveys_send_due()
    services.survey_answer(token=_tokens()[0], satisfaction=4, join_again="yes", would_teach="no", comment="感想")
    services.report_file(proposal=held.proposal, actor=group_owner, **REPORT)
    people = {
        "anonymous": None,
        "resident": held.participants[0],
        "reviewer": reviewers[0],
        "department": make_persona(Role.DEPARTMENT_STAFF, email="dept@example.jp"),
        "proposer": group_owner,
        "coordinator": coordinator,
    }
    person = people[who]
    if person is not None:
        client.force_login(person)
    pk = held.proposal.pk
    results = client.get(f"/proposals/{pk}/survey-results/")
    report = client.get(f"/proposals/{pk}/report/")
    staff = client.get(f"/staff/proposals/{pk}/report/")
    if who == "anonymous":
        assert results.status_code == report.status_code == staff.status_code == 302
        return
    assert (results.status_code == 200) == (who in {"proposer", "coordinator"})
    if results.status_code == 200:
        assert "感想" in results.content.decode()
    assert (report.status_code == 200) == (who == "proposer")
    assert (staff.status_code == 200) == (who == "coordinator")
    if who == "coordinator":
        with pytest.raises(PermissionDenied):
            services.report_file(proposal=held.proposal, actor=person, **REPORT)
    else:
        with pytest.raises(PermissionDenied):
            services.report_accept(report=held.proposal.report, actor=person)


def test_deleting_an_account_erases_its_survey_link_and_free_text_and_keeps_the_score(held: Held) -> None:
    services.surveys_send_due()
    learner = held.participants[0]
    token = SurveyInvitation.objects.get(user=learner).token
    services.survey_answer(
        token=token, satisfaction=3, join_again="no", would_teach="yes", comment="田無に住む山田です"
    )
    user_delete(user=learner, actor=learner)
    assert not SurveyInvitation.objects.filter(token=token).exists()
    answer = SurveyAnswer.objects.get()
    assert answer.respondent_id is None
    assert answer.comment == ""
    assert answer.satisfaction == 3  # the anonymous figure stays


def test_the_talent_page_and_my_page_list_the_lecture_given(client: Client, held: Held, talent: TalentProfile) -> None:
    page = client.get(f"/talents/{talent.pk}/").content.decode()
    assert "はじめての書道" in page
    assert f"/programs/{held.program.pk}/" in page
    assert talent.user is not None
    client.force_login(talent.user)
    mine = client.get("/talents/mine/").content.decode()
    assert "はじめての書道" in mine


def test_the_round_summary_costs_the_same_queries_whatever_the_answers(
    client: Client, held: Held, django_assert_num_queries: Any
) -> None:
    services.surveys_send_due()
    url = f"/proposals/calls/{held.proposal.call_id}/summary/"
    client.get(url)
    # The call, proposals received, the lectures with programme/talent/report, the survey per lecture,
    # and people who came (live registrations, kept figures): grouped, never one query per lecture.
    with django_assert_num_queries(6):
        client.get(url)
    for token in _tokens():
        services.survey_answer(token=token, satisfaction=4, join_again="yes", would_teach="no")
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert "2 answers, average satisfaction 4.0 out of 5" in page


def test_the_api_gives_a_held_lectures_figures_and_its_accepted_report(
    client: Client, held: Held, group_owner: User, coordinator: User
) -> None:
    services.surveys_send_due()
    services.survey_answer(token=_tokens()[0], satisfaction=5, join_again="yes", would_teach="yes", comment="秘密")
    url = f"/api/v1/proposal-calls/{held.proposal.call_id}/lectures"
    lecture = client.get(url).json()[0]
    assert (lecture["held"], lecture["participants"], lecture["survey_answers"]) == (True, 2, 1)
    assert lecture["satisfaction"] == 5.0
    assert lecture["report_outcomes"] is None  # nothing until the office accepts the report
    report = services.report_file(proposal=held.proposal, actor=group_owner, **REPORT)
    services.report_accept(report=report, actor=coordinator)
    body = client.get(url).content.decode()
    assert "参加者が書き初めの作品を仕上げた。" in client.get(url).json()[0]["report_outcomes"]
    for private in ("秘密", "hanako@example.jp", "15600"):
        assert private not in body


def test_a_filed_report_waits_on_the_coordinators_workspace_until_checked(
    client: Client, held: Held, group_owner: User, coordinator: User
) -> None:
    client.force_login(coordinator)
    assert "proposals.reports_to_check" not in cards_on(client)  # nothing waits: no card
    report = services.report_file(proposal=held.proposal, actor=group_owner, **REPORT)
    assert OutboxMessage.objects.filter(to=coordinator.email, subject__contains=held.proposal.reference).exists()
    shown = cards_on(client)["proposals.reports_to_check"]
    assert shown.count == 1 == rows_behind(client, shown.url)
    services.report_accept(report=report, actor=coordinator)
    assert "proposals.reports_to_check" not in cards_on(client)
    assert OutboxMessage.objects.filter(to=group_owner.email, subject__contains="受理").exists()


def test_the_report_waits_for_the_last_session_and_the_survey_for_its_deadline(
    client: Client, held: Held, group_owner: User, time_machine: Any
) -> None:
    services.surveys_send_due()
    token = _tokens()[0]
    time_machine.move_to(held.after + timedelta(days=services.SURVEY_DAYS + 1), tick=False)
    with pytest.raises(ValidationError, match="closed"), translation.override("en"):
        services.survey_answer(token=token, satisfaction=5, join_again="yes", would_teach="yes")
    assert "This survey is closed." in client.get(f"/proposals/survey/{token}/").content.decode()
    assert not SurveyAnswer.objects.exists()


def test_the_report_cannot_be_filed_before_the_last_session(
    call: ProposalCall,
    in_review: tuple[Proposal, list[Review]],
    reviewers: list[User],
    coordinator: User,
    group_owner: User,
    make_persona: Callable[..., User],
    client: Client,
) -> None:
    lecture = held_lecture(
        call=call,
        in_review=in_review,
        reviewers=reviewers,
        coordinator=coordinator,
        make_persona=make_persona,
        score=score,
    )
    with pytest.raises(ValidationError, match="last session"), translation.override("en"):
        services.report_file(proposal=lecture.proposal, actor=group_owner, **REPORT)
    client.force_login(group_owner)
    page = client.get(f"/proposals/{lecture.proposal.pk}/report/").content.decode()
    assert "The report can be filed once the last session is over." in page
    assert "<form" not in page.split("<main", 1)[1]
