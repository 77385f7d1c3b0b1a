"""The city's facilities, loaded from ``facilities/reference/facilities.csv``."""

from datetime import time
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from manabiba.core.models import Area
from manabiba.core.reference import LoadCounts, reference_counts, reference_rows, reference_upsert
from manabiba.facilities.models import Facility, FeeExemption, Room, TimeFrame

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


# Frames a facility gets when it has none: the usual 午前・午後・夜間 of a 公民館, with their English names.
DEFAULT_FRAMES: list[tuple[str, str, time, time]] = [
    ("午前", "Morning", time(9), time(12)),
    ("午後", "Afternoon", time(13), time(17)),
    ("夜間", "Evening", time(18), time(21)),
]
DEFAULT_FRAME_ENGLISH = {name: english for name, english, _starts, _ends in DEFAULT_FRAMES}
EQUIPMENT_FIELDS = {"projector": "has_projector", "kitchen": "has_kitchen", "piano": "has_piano", "tatami": "is_tatami"}


def _facility_named(name: str) -> Facility:
    facility = Facility.objects.filter(name=name).first()
    if facility is None:
        raise ValueError(f"Unknown facility {name!r}: load facilities.csv first")
    return facility


@transaction.atomic
def rooms_load(*, directory: Path | None = None) -> LoadCounts:
    """Bookable rooms, each facility's opening days and default frames, and its fee exemptions.

    Frames are created only for a facility that has none, so frames staff edited survive a reload;
    a default-named frame (午前, 午後, 夜間) without an English name gets one.
    """
    directory = directory or REFERENCE_DIR
    outcomes: list[str] = []
    for row in reference_rows(directory / "booking.csv"):
        facility = _facility_named(row["facility"])
        _facility, outcome = reference_upsert(
            Facility,
            lookup={"pk": facility.pk},
            values={
                "closed_weekdays": row["closed_weekdays"],
                "closed_on_holidays": row["closed_on_holidays"] == "1",
                "closed_at_year_end": row["closed_at_year_end"] == "1",
            },
        )
        outcomes.append(outcome)
        if not facility.frames.exists():
            for name, name_en, starts_at, ends_at in DEFAULT_FRAMES:
                TimeFrame.objects.create(
                    facility=facility, name=name, name_en=name_en, starts_at=starts_at, ends_at=ends_at
                )
                outcomes.append("created")
        for frame in facility.frames.filter(name__in=DEFAULT_FRAME_ENGLISH, name_en=""):
            _frame, outcome = reference_upsert(
                TimeFrame, lookup={"pk": frame.pk}, values={"name_en": DEFAULT_FRAME_ENGLISH[frame.name]}
            )
            outcomes.append(outcome)
    for row in reference_rows(directory / "rooms.csv"):
        equipment = set(row["equipment"].split())
        unknown = equipment - EQUIPMENT_FIELDS.keys()
        if unknown:
            raise ValueError(f"Unknown equipment {sorted(unknown)} for {row['facility']} {row['room']}")
        _room, outcome = reference_upsert(
            Room,
            lookup={"facility": _facility_named(row["facility"]), "name": row["room"]},
            values={
                "name_en": row["room_en"],
                "capacity": int(row["capacity"]) if row["capacity"] else None,
                "bookable": True,
                "fee_per_frame": int(row["fee_per_frame"] or 0),
                "step_free": row["step_free"] == "1",
                "accessibility": row["accessibility"],
                "accessibility_en": row["accessibility_en"],
                **{field: key in equipment for key, field in EQUIPMENT_FIELDS.items()},
            },
        )
        outcomes.append(outcome)
    for row in reference_rows(directory / "exemptions.csv"):
        _exemption, outcome = reference_upsert(
            FeeExemption,
            lookup={"facility": _facility_named(row["facility"]), "name": row["name"]},
            values={"name_en": row["name_en"], "percent": int(row["percent"])},
        )
        outcomes.append(outcome)
    return reference_counts(outcomes, action="facilities.rooms.loaded")
