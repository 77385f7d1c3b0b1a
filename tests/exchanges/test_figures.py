"""The generations at exchange meetings, in the reports' registry."""

import pytest
from django.test import Client
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.communities.models import CommunityGroup
from manabiba.core.figures import FigureFilter, fiscal_year_of
from manabiba.exchanges import services
from manabiba.exchanges.figures import exchange_figures
from manabiba.exchanges.models import ExchangeMeeting, Presentation
from manabiba.programs.models import Program

pytestmark = pytest.mark.django_db


def test_the_figure_counts_generations_of_presentations_and_attending_groups(
    accepted: Presentation, program: Program, group_b: CommunityGroup, owner_b: User
) -> None:
    services.group_attendance_register(
        program=program, group=group_b, actor=owner_b, members=8, generations=["o", "w"], consent=True
    )
    assert program.first_starts_at is not None
    with translation.override("en"):
        section = exchange_figures(fiscal_year_of(timezone.localdate(program.first_starts_at)), FigureFilter())
    assert section is not None
    rows = {row.label: row.values for row in section.figures[0].rows}
    # Presentations and tables, attending groups, their members.
    assert rows["Children"] == (1, 0, 0)
    assert rows["Seniors"] == (1, 1, 8)
    assert rows["Working age"] == (0, 1, 8)
    assert rows["Students"] == (0, 0, 0)


def test_another_departments_slice_counts_nothing(accepted: Presentation, program: Program) -> None:
    assert program.first_starts_at is not None
    other = FigureFilter(department_id=program.organizer.department_id + 1000)  # type: ignore[operator]
    section = exchange_figures(fiscal_year_of(timezone.localdate(program.first_starts_at)), other)
    assert section is not None
    assert all(value == 0 for row in section.figures[0].rows for value in row.values)


def test_a_groups_training_history_shows_on_its_staff_page(
    client: Client, program: Program, coordinator: User, group_a: CommunityGroup, owner_a: User
) -> None:
    services.meeting_setup(program=program, actor=coordinator, format=ExchangeMeeting.Format.TRAINING, groups_only=True)
    attendance = services.group_attendance_register(
        program=program, group=group_a, actor=owner_a, members=6, generations=["w"], consent=True
    )
    services.group_attendance_record(attendance=attendance, actor=coordinator, members_present=5)
    client.force_login(coordinator)
    html = client.get(f"/staff/groups/{group_a.pk}/").content.decode()
    assert "Joint training history" in html
    assert program.title in html
