"""The city's departments, loaded from ``accounts/reference/departments.csv``."""

from pathlib import Path

from django.db import transaction

from manabiba.accounts.models import Department
from manabiba.core.reference import LoadCounts, reference_counts, reference_rows, reference_upsert

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@transaction.atomic
def departments_load(*, path: Path | None = None) -> LoadCounts:
    """Create or update departments by name; the CSV's ``notes`` say where each came from and are not loaded."""
    rows = reference_rows(path or REFERENCE_DIR / "departments.csv")
    outcomes = [
        reference_upsert(
            Department,
            lookup={"name": row["department"]},
            values={"division": row["division"], "name_en": row["english"]},
        )[1]
        for row in rows
    ]
    return reference_counts(outcomes, action="accounts.departments.loaded")
