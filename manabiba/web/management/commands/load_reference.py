from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

from manabiba.accounts.reference import departments_load
from manabiba.core.reference import LoadCounts, areas_load
from manabiba.desk.reference import desk_contact_load, weekly_hours_load
from manabiba.facilities.reference import facilities_load, rooms_load
from manabiba.programs.reference import audiences_load, categories_load

# Facilities link to areas, so areas come first.
LOADERS: list[tuple[str, Callable[[], LoadCounts]]] = [
    ("areas", areas_load),
    ("departments", departments_load),
    ("categories", categories_load),
    ("audiences", audiences_load),
    ("facilities", facilities_load),
    ("rooms", rooms_load),
    ("desk hours", weekly_hours_load),
    ("desk contact", desk_contact_load),
]


class Command(BaseCommand):
    help = (
        "Load the city's reference data (areas, departments, fields, audiences, facilities, their bookable rooms, "
        "the desk's weekly hours). Safe to rerun."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, load in LOADERS:
            counts = load()
            self.stdout.write(f"{name}: {counts.created} created, {counts.updated} updated")
