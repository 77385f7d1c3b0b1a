"""The demo registrations: settings for some demo programmes and a few applications, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Audience, Program
from manabiba.registrations.demo import demo_registrations_seed
from manabiba.registrations.models import Registration, RegistrationSettings

pytestmark = pytest.mark.django_db


def _demo_programmes(count: int = 5) -> list[Program]:
    """Demo programmes that take applications on the site, as the web app's demo makes them."""
    return [
        ProgramFactory(
            published=True,
            capacity=5,
            application=Program.Application.SITE,
            applications_close_at=timezone.now() + timedelta(days=5),
            source="demo",
            source_key=f"demo-{n:03d}",
        )
        for n in range(count)
    ]


def test_demo_registrations_are_seeded_once() -> None:
    _demo_programmes()
    lines = demo_registrations_seed()
    assert len(lines) == 4
    allocations = sorted(RegistrationSettings.objects.values_list("allocation", flat=True))
    assert allocations == ["first_come", "first_come", "lottery", "lottery"]
    count = Registration.objects.count()
    assert count > 0
    assert Registration.objects.filter(status="applied").exists()
    assert Registration.objects.filter(status="waitlisted").exists()
    assert demo_registrations_seed() == []
    assert Registration.objects.count() == count


def test_the_parent_and_child_plan_goes_to_a_programme_for_parents_and_children() -> None:
    families = Audience.objects.create(name="親子", sort_order=1)
    _demo_programmes()[4].audiences.set([families])
    demo_registrations_seed()
    settings = RegistrationSettings.objects.get(asks_participant_age=True)
    assert list(settings.program.audiences.all()) == [families]
    # The other plans keep to the first programmes, in order.
    first = ["demo-000", "demo-001", "demo-002"]
    assert RegistrationSettings.objects.filter(program__source_key__in=first).count() == 3
