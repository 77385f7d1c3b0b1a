"""Fields (分野) and audiences (対象) from MEXT's classification, loaded from ``programs/reference/``."""

from pathlib import Path

from django.db import transaction

from manabiba.core.reference import LoadCounts, reference_counts, reference_rows, reference_upsert
from manabiba.programs.models import Audience, Category

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@transaction.atomic
def categories_load(*, path: Path | None = None) -> LoadCounts:
    rows = reference_rows(path or REFERENCE_DIR / "categories.csv")
    outcomes = [
        reference_upsert(
            Category,
            lookup={"major": row["major"], "minor": row["minor"]},
            values={"name_en": row["english"], "sort_order": index},
        )[1]
        for index, row in enumerate(rows, start=1)
    ]
    return reference_counts(outcomes, action="programs.categories.loaded")


@transaction.atomic
def audiences_load(*, path: Path | None = None) -> LoadCounts:
    rows = reference_rows(path or REFERENCE_DIR / "audiences.csv")
    outcomes = [
        reference_upsert(
            Audience, lookup={"name": row["name"]}, values={"name_en": row["english"], "sort_order": index}
        )[1]
        for index, row in enumerate(rows, start=1)
    ]
    return reference_counts(outcomes, action="programs.audiences.loaded")
