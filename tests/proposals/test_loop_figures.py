"""The loop, measured: the figures in the report registry, the staff page with its chart and tables,
and the CSV; the learner who later registers as a talent is counted."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.figures import FigureFilter, fiscal_year_of, section_report
from manabiba.core.models import Area
from manabiba.programs.models import Category
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalCall, Review, SurveyInvitation
from manabiba.talents import services as talent_services
from manabiba.talents.models import TalentProfile
from tests.proposals.after import Held, held_lecture
from tests.proposals.conftest import score, talent_create
from tests.talents.conftest import request_fields

pytestmark = pytest.mark.django_db


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


def _rows(key: str, figure: str) -> dict[str, tuple[Any, ...]]:
    with translation.override("en"):
        section = section_report(key, fiscal_year_of(timezone.localdate()), FigureFilter())
    assert section is not None
    found = next(f for f in section.figures if f.key == figure)
    return {row.label: row.values for row in found.rows}


def test_a_participant_who_later_registers_as_a_talent_closes_the_loop(
    held: Held,
    coordinator: User,
    categories: list[Category],
    area: Area,
    talent: TalentProfile,
    make_persona: Callable[..., User],
) -> None:
    services.surveys_send_due()
    token = SurveyInvitation.objects.order_by("pk").first()
    assert token is not None
    services.survey_answer(token=token.token, satisfaction=5, join_again="yes", would_teach="yes")
    # The first participant, who came, registers in the talent bank after the lecture.
    talent_create(held.participants[0], coordinator, categories[1], area)
    # The third, who registered but never came, does too: they do not count as a learner.
    talent_create(held.participants[2], coordinator, categories[1], area)
    proposals = _rows("loop", "loop.proposals")
    assert proposals["Citizen-proposal lectures held"][0] == 1
    assert proposals["Participants who came to the lectures held"][0] == 2
    assert proposals["Talents from the bank whose lecture was held"][0] == 1
    assert proposals["Talents introduced by the bank whose activity was held"][0] == 0
    # A school asks the bank for the lecturer; the talent accepts and the school records it held.
    school = make_persona(Role.RESIDENT, email="school@example.jp")
    intro = talent_services.introduction_request(talent=talent, actor=school, **request_fields())
    intro = talent_services.introduction_forward(request=intro, actor=coordinator)
    intro = talent_services.introduction_answer(request=intro, accept=True, actor=talent.user)
    talent_services.introduction_record_outcome(request=intro, actor=school, held=True, participants=30, satisfaction=5)
    proposals = _rows("loop", "loop.proposals")
    assert proposals["Talents introduced by the bank whose activity was held"][0] == 1
    learners = _rows("loop", "loop.learners_teach")
    assert learners["… who had earlier come to a citizen-proposal lecture"][0] == 1
    assert learners["Survey answers saying “I would like to teach”"][0] == 1


def test_the_loop_page_is_the_coordinators_with_chart_tables_and_csv(
    client: Client, held: Held, coordinator: User, make_persona: Callable[..., User]
) -> None:
    client.force_login(make_persona(Role.DEPARTMENT_STAFF, email="dept@example.jp"))
    assert client.get("/staff/reports/loop/").status_code == 403
    client.force_login(coordinator)
    page = client.get("/staff/reports/loop/").content.decode()
    assert "<svg" in page
    assert 'data-figure="loop.proposals"' in page
    assert 'data-years="loop.learners_teach"' in page
    assert "Citizen-proposal lectures held" in page
    response = client.get("/staff/reports/loop/loop.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Citizen-proposal lectures held" in text.splitlines()[3] or "Citizen-proposal lectures held" in text
    assert text.splitlines()[0].startswith("Table,Item,")
    # The loop is a section of the fiscal year's report as well.
    assert 'id="section-loop"' in client.get("/staff/reports/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("resident", 403),
        ("reviewer", 403),
        ("desk", 403),
        ("department", 403),
        ("coordinator", 200),
        ("administrator", 200),
    ],
)
def test_who_opens_the_loop_page_and_its_csv(
    client: Client, make_persona: Callable[..., User], coordinator: User, who: str, status: int
) -> None:
    roles = {
        "resident": Role.RESIDENT,
        "reviewer": Role.REVIEWER,
        "desk": Role.DESK_STAFF,
        "department": Role.DEPARTMENT_STAFF,
        "administrator": Role.ADMINISTRATOR,
    }
    if who == "coordinator":
        client.force_login(coordinator)
    elif who != "anonymous":
        client.force_login(make_persona(roles[who], email=f"{who}@example.jp"))
    assert client.get("/staff/reports/loop/").status_code == status
    assert client.get("/staff/reports/loop/loop.csv").status_code == status
