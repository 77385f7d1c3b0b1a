"""Another municipality's event list names bodies of that municipality: they are marked, so that the
programme form offers only this city's bodies as co-hosts."""

import pytest

from manabiba.opendata.importer import events_import
from manabiba.programs.models import Organizer
from manabiba.programs.selectors import organizers_of_the_city

from .conftest import OPENDATA_DIR

pytestmark = pytest.mark.django_db


def test_organisers_only_other_cities_name_are_not_this_citys() -> None:
    report = events_import(paths=[OPENDATA_DIR / "events-musashino.csv"])
    assert report.ok
    neighbours = set(Organizer.objects.values_list("pk", flat=True))
    assert neighbours
    assert set(Organizer.objects.filter(outside_city=True).values_list("pk", flat=True)) == neighbours
    assert not organizers_of_the_city().exists()
    report = events_import(paths=[OPENDATA_DIR / "events-nishitokyo.csv"])
    assert report.ok
    own = set(Organizer.objects.values_list("pk", flat=True)) - neighbours
    assert own
    assert set(organizers_of_the_city().values_list("pk", flat=True)) == own
