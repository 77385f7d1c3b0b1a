"""The demo meetings: a past meeting with its timetable and materials, a training session; run twice, made once."""

import pytest
from django.test import Client

from manabiba.core.reference import areas_load
from manabiba.exchanges.demo import MEETING_TITLE, TRAINING_TITLE, demo_exchanges_seed
from manabiba.exchanges.models import ExchangeMeeting, Material, TimetableSlot
from manabiba.programs.models import Program
from manabiba.programs.reference import audiences_load, categories_load
from manabiba.web.demo import demo_users_seed

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_meeting_with_timetable_and_materials_and_a_training(client: Client) -> None:
    from manabiba.communities.demo import demo_groups_seed

    areas_load()
    categories_load()
    audiences_load()
    demo_users_seed()
    demo_groups_seed()
    lines = demo_exchanges_seed()
    assert lines[0].startswith("exchanges: " + MEETING_TITLE)
    meeting = Program.objects.get(title=MEETING_TITLE)
    assert TimetableSlot.objects.filter(program=meeting).count() == 4
    assert Material.objects.filter(presentation__program=meeting).count() == 3
    html = client.get(f"/exchanges/{meeting.pk}/timetable/").content.decode()
    assert "（スライド）" in html
    assert "昼休憩" in html
    training = ExchangeMeeting.objects.get(program__title=TRAINING_TITLE)
    assert training.groups_only
    demo_exchanges_seed()
    assert Program.objects.filter(title=MEETING_TITLE).count() == 1
