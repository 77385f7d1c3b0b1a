"""The city's facilities, loaded from ``facilities/reference/facilities.csv``."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from manabiba.core.models import Area
from manabiba.core.reference import LoadCounts, reference_counts, reference_rows, reference_upsert
from manabiba.facilities.models import Facility

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

# The model keeps six decimal places; rounding first keeps a second load from "updating" every row.
_COORDINATE_PLACES = Decimal("0.000001")


def _coordinate(value: str) -> Decimal | None:
    return Decimal(value).quantize(_COORDINATE_PLACES) if value else None


def area_for_address(address: str, areas: list[Area]) -> Area | None:
    """The area whose name the address starts with; the longest wins (ひばりが丘北 over ひばりが丘)."""
    matches = [area for area in areas if address.startswith(area.name)]
    return max(matches, key=lambda area: len(area.name)) if matches else None


@transaction.atomic
def facilities_load(*, path: Path | None = None) -> LoadCounts:
    """Create or update facilities by name; load areas first, the address links each to its area."""
    rows = reference_rows(path or REFERENCE_DIR / "facilities.csv")
    kinds = set(Facility.Kind.values)
    areas = list(Area.objects.all())
    outcomes = []
    for row in rows:
        if row["kind"] not in kinds:
            raise ValueError(f"Unknown facility kind {row['kind']!r} for {row['name']}")
        _facility, outcome = reference_upsert(
            Facility,
            lookup={"name": row["name"]},
            values={
                "kana": row["kana"],
                "kind": row["kind"],
                "address": row["address"],
                "area": area_for_address(row["address"], areas) if row["address"] else None,
                "latitude": _coordinate(row["lat"]),
                "longitude": _coordinate(row["lon"]),
                "phone": row["phone"],
            },
        )
        outcomes.append(outcome)
    return reference_counts(outcomes, action="facilities.facilities.loaded")
