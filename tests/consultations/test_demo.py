"""The demo consultations: a queue in every state, made through the services, and made once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.consultations.demo import CONSULTATIONS, demo_consultations_seed
from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.selectors import consultation_queue
from manabiba.core.models import OutboxMessage
from manabiba.programs.factories import ProgramFactory, sessions_from
from manabiba.web.demo import demo_email, demo_users_seed

pytestmark = pytest.mark.django_db


def test_demo_consultations_fill_the_queue_once() -> None:
    demo_users_seed()
    upcoming = ProgramFactory(
        published=True,
        title="親子で楽しむ木工教室",
        sessions=sessions_from(timezone.now() + timedelta(days=10)),
    )
    lines = demo_consultations_seed()
    assert lines[0] == f"demo consultations: {len(CONSULTATIONS)} made, {len(CONSULTATIONS)} in all"

    demo = Consultation.objects.all()
    assert demo.count() == len(CONSULTATIONS) == 8
    statuses = set(demo.values_list("status", flat=True))
    assert statuses == {"new", "in_progress", "waiting_for_resident", "answered", "closed"}
    assert set(demo.values_list("channel", flat=True)) == {"web", "phone", "counter"}
    assert len(set(demo.values_list("topic", flat=True))) >= 4

    resident = User.objects.get(email=demo_email(Role.RESIDENT))
    assert resident.consultations.filter(body__startswith="退職後に地域で何か学びたい", status="new").exists()
    routed = demo.get(body__startswith="陶芸サークルの講師になりたい")
    assert routed.department is not None
    assert (routed.department.name, routed.status, routed.channel) == ("社会教育課", "new", "phone")
    noted = demo.get(status="in_progress", department__isnull=False)
    assert noted.messages.filter(kind=Message.Kind.NOTE).exists()
    answered = demo.get(status="answered")
    recommended = Message.objects.get(consultation=answered, kind=Message.Kind.REPLY)
    assert list(recommended.programs.values_list("pk", flat=True)) == [upcoming.pk]

    coordinator = User.objects.get(email=demo_email(Role.COORDINATOR))
    open_queue = consultation_queue(user=coordinator)
    assert open_queue.count() == len(CONSULTATIONS) - 1  # all but the closed one
    assert (
        consultation_queue(user=coordinator, view="overdue").get().body.startswith("市の生涯学習の講座で取った修了証")
    )
    assert consultation_queue(user=coordinator, view="waiting").count() == 1
    assert consultation_queue(user=coordinator, view="closed").count() == 1
    department_staff = User.objects.get(email=demo_email(Role.DEPARTMENT_STAFF))
    assert consultation_queue(user=department_staff, view="department").count() == 2
    assert OutboxMessage.objects.filter(to=demo_email(Role.DEPARTMENT_STAFF)).exists()  # told of the assignment

    counts = (Consultation.objects.count(), Message.objects.count(), OutboxMessage.objects.count())
    assert demo_consultations_seed() == [f"demo consultations: 0 made, {len(CONSULTATIONS)} in all"]
    assert (Consultation.objects.count(), Message.objects.count(), OutboxMessage.objects.count()) == counts
