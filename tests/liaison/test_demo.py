"""The liaison demo: contacts, a meeting with open action items, a clash to see; a second run changes nothing."""

from collections.abc import Callable

import pytest
from django.utils import timezone

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import DepartmentContact, User
from manabiba.accounts.reference import departments_load
from manabiba.accounts.roles import Role
from manabiba.core.models import OutboxMessage
from manabiba.core.reference import areas_load
from manabiba.liaison.demo import CLASH_TITLES, MEETING_TITLE, demo_liaison_seed
from manabiba.liaison.models import ActionItem, LiaisonMeeting
from manabiba.liaison.selectors import ActionState, action_items_for
from manabiba.programs.models import Program
from manabiba.programs.planning import program_clashes
from manabiba.programs.reference import audiences_load
from manabiba.programs.services import SessionTimes

pytestmark = pytest.mark.django_db


def test_the_demo_has_contacts_an_open_meeting_and_a_clash_and_is_idempotent(make_persona: Callable[..., User]) -> None:
    areas_load()
    audiences_load()
    departments_load()
    department = DepartmentFactory(name="社会教育課")
    make_persona(Role.COORDINATOR, email="coordinator@demo.manabiba.jp")
    staff = make_persona(Role.DEPARTMENT_STAFF, email="department-staff@demo.manabiba.jp", department=department)
    demo_liaison_seed()
    assert DepartmentContact.objects.filter(user=staff).exists()
    assert DepartmentContact.objects.count() == 5
    meeting = LiaisonMeeting.objects.get(title=MEETING_TITLE)
    assert meeting.action_items.filter(status=ActionItem.Status.OPEN, owner=department).count() == 2
    assert action_items_for(staff, state=ActionState.OVERDUE, today=timezone.localdate()).count() == 1
    second = Program.objects.get(title=CLASH_TITLES[0])
    session = second.sessions.get()
    clashes = program_clashes(
        area_id=second.area_id,
        audience_ids=[a.pk for a in second.audiences.all()],
        sessions=[SessionTimes(starts_at=session.starts_at)],
        exclude_program_id=second.pk,
    )
    assert [c.program.title for c in clashes] == [CLASH_TITLES[1]]
    assert clashes[0].contacts
    before = (
        DepartmentContact.objects.count(),
        ActionItem.objects.count(),
        Program.objects.count(),
        OutboxMessage.objects.count(),
    )
    demo_liaison_seed()
    assert before == (
        DepartmentContact.objects.count(),
        ActionItem.objects.count(),
        Program.objects.count(),
        OutboxMessage.objects.count(),
    )
