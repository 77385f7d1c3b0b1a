"""The desk's default weekly hours and contact details, from ``desk/reference/``."""

from datetime import time
from pathlib import Path

from django.db import transaction

from manabiba.core.reference import LoadCounts, reference_counts, reference_rows
from manabiba.desk.models import DeskContact, WeeklyHours
from manabiba.desk.selectors import hours_version_bump

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@transaction.atomic
def weekly_hours_load(*, path: Path | None = None) -> LoadCounts:
    """Load the default week, but only into an empty table: hours staff have set are the city's."""
    if WeeklyHours.objects.exists():
        return LoadCounts(created=0, updated=0)
    rows = reference_rows(path or REFERENCE_DIR / "weekly_hours.csv")
    for row in rows:
        WeeklyHours.objects.create(
            weekday=int(row["weekday"]),
            opens_at=time.fromisoformat(row["opens_at"]),
            closes_at=time.fromisoformat(row["closes_at"]),
        )
    transaction.on_commit(hours_version_bump)
    return reference_counts(["created"] * len(rows), action="desk.hours.loaded")


@transaction.atomic
def desk_contact_load(*, path: Path | None = None) -> LoadCounts:
    """Load the desk's contact details, but only when there are none: what staff have set is the city's."""
    if DeskContact.objects.exists():
        return LoadCounts(created=0, updated=0)
    rows = reference_rows(path or REFERENCE_DIR / "contact.csv")
    for row in rows[:1]:
        DeskContact.objects.create(**row)
    transaction.on_commit(hours_version_bump)
    return reference_counts(["created"] * len(rows[:1]), action="desk.contact.loaded")
