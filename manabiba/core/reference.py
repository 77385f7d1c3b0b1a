"""Reference data shipped with the code (``<app>/reference/*.csv``), loaded by natural key.

Loading is idempotent: a row whose values already match is left alone, so running the
load twice changes nothing and a corrected CSV updates rows in place without new ids.
"""

import csv
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from django.db import models, transaction

from manabiba.core.audit import audit_log
from manabiba.core.models import Area

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

_M = TypeVar("_M", bound=models.Model)


class LoadCounts(NamedTuple):
    created: int
    updated: int


def reference_rows(path: Path) -> list[dict[str, str]]:
    """Read a reference CSV into stripped rows; ``utf-8-sig`` because spreadsheets add a BOM."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def reference_upsert(model: type[_M], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[_M, str]:
    """Create or update one row by its natural key. Returns the row and ``created``, ``updated`` or ``same``."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "same"
    for name in changed:
        setattr(instance, name, values[name])
    # updated_at follows the change on models that have one.
    fields = {field.name for field in instance._meta.concrete_fields}
    instance.save(update_fields=[*changed, *(["updated_at"] if "updated_at" in fields else [])])
    return instance, "updated"


def reference_counts(outcomes: list[str], *, action: str) -> LoadCounts:
    """Tally upsert outcomes and record the load in the audit log when it changed anything."""
    counts = LoadCounts(created=outcomes.count("created"), updated=outcomes.count("updated"))
    if counts.created or counts.updated:
        audit_log(action=action, actor=None, data=counts._asdict())
    return counts


@transaction.atomic
def areas_load(*, path: Path | None = None) -> LoadCounts:
    """Load the towns (町名) of the city from ``core/reference/areas.csv``."""
    rows = reference_rows(path or REFERENCE_DIR / "areas.csv")
    outcomes = [
        reference_upsert(
            Area,
            lookup={"name": row["name"]},
            values={
                "kana": row["kana"],
                "name_en": row.get("english", ""),
                "former_city": row["former_city"],
                "sort_order": index,
            },
        )[1]
        for index, row in enumerate(rows, start=1)
    ]
    return reference_counts(outcomes, action="core.areas.loaded")
