"""Write programmes as an event list in a municipal open-data layout: one row per session.

The output reads back through :mod:`manabiba.opendata.importer` into the same programmes:
same titles, sessions, venues and fees. Each row's 備考 names its programme (``manabiba-id:…``),
so importing the export into the database it came from changes nothing, and importing it into
an empty database and exporting again gives the same file. A session without a known start
time starts at midnight in the database and is written with an empty time, as the files that
had none: the layout has no other way to say "not known", so a required cell whose value is
not known stays empty, and :func:`missing_required` counts those cells.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from manabiba.core.japanese import reading
from manabiba.core.spreadsheet import BOM, spreadsheet_csv
from manabiba.opendata import layouts as f
from manabiba.opendata.importer import SOURCE_PREFIX, own_id
from manabiba.opendata.layouts import LAYOUTS, Layout
from manabiba.opendata.municipalities import PREFECTURE, city_code, city_name, municipality_name
from manabiba.programs.models import Program, ProgramSession


def _date(value: datetime) -> str:
    return timezone.localtime(value).date().isoformat()


def _time(value: datetime | None, known: bool) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value is not None and known else ""


def _code_of(program: Program) -> str:
    if program.source.startswith(SOURCE_PREFIX):
        code = program.source.removeprefix(SOURCE_PREFIX)
        if code.isdigit():
            return code
    return city_code()


def _address(program: Program) -> str:
    """The venue's address: the facility's, the one given, else the town (町) the venue is in,
    which is still a true address, only a less precise one."""
    if program.facility is not None and program.facility.address:
        return f"{PREFECTURE}{city_name()}{program.facility.address}"
    if program.facility is None and program.venue_address:
        return program.venue_address
    if program.is_online and program.facility is None and not program.venue_name:
        return ""
    area = program.facility.area if program.facility is not None else program.area
    return f"{PREFECTURE}{city_name()}{area.name}" if area is not None else ""


def _fee_base(program: Program) -> str:
    if program.fee == Program.Fee.FREE:
        return "0"
    return str(program.fee_amount) if program.fee_amount else ""


def _values(program: Program, session: ProgramSession) -> dict[str, str]:
    code = _code_of(program)
    municipality = municipality_name(code) or (city_name() if code == city_code() else "")
    address = _address(program)
    close_at = program.applications_close_at
    ends_at = session.ends_at
    facility = program.facility
    return {
        f.CODE: code,
        f.PREFECTURE: PREFECTURE if municipality else "",
        f.MUNICIPALITY: municipality,
        f.TITLE: program.title,
        # The reading the site shows as furigana, when nobody typed one in.
        f.TITLE_KANA: program.title_kana or reading(program.title),
        f.TITLE_EN: program.title_en,
        f.SUMMARY: program.summary,
        f.START_DATE: _date(session.starts_at),
        f.END_DATE: _date(ends_at or session.starts_at),
        f.START_TIME: _time(session.starts_at, session.start_time_known),
        f.END_TIME: _time(ends_at, session.end_time_known),
        f.DATE_NOTE: session.note,
        f.DESCRIPTION: program.description,
        f.FEE_BASE: _fee_base(program),
        f.FEE_DETAIL: program.fee_note,
        f.CONTACT_NAME: program.contact_name,
        f.CONTACT_PHONE: program.contact_phone,
        f.CONTACT_EMAIL: program.contact_email,
        f.ORGANIZER: program.organizer.name,
        f.VENUE_NAME: program.venue_label,
        f.ADDRESS: address,
        # The split address columns of the older layout: everything after the city is one piece.
        f.ADDRESS_PREFECTURE: PREFECTURE if address.startswith(PREFECTURE) else "",
        f.ADDRESS_STREET: address.removeprefix(PREFECTURE),
        f.LATITUDE: str(facility.latitude) if facility is not None and facility.latitude is not None else "",
        f.LONGITUDE: str(facility.longitude) if facility is not None and facility.longitude is not None else "",
        f.CAPACITY: str(program.capacity) if program.capacity else "",
        f.APPLY_END_DATE: _date(close_at) if close_at else "",
        f.APPLY_END_TIME: timezone.localtime(close_at).strftime("%H:%M") if close_at else "",
        f.APPLY_METHOD: program.application_note,
        f.URL: program.application_url,
        f.REMARKS: own_id(program),
    }


def events_export(programs: Iterable[Program], layout: str = "suisho_v1", *, bom: bool = False) -> str:
    """The programmes as CSV text in ``layout`` (a key of ``LAYOUTS``): the header, CRLF lines, cells
    that a spreadsheet would run as a formula escaped, and a BOM first when ``bom`` (for files)."""
    chosen = LAYOUTS[layout]
    if isinstance(programs, QuerySet):
        programs = programs.select_related("organizer", "facility__area", "room", "area").prefetch_related("sessions")
    return spreadsheet_csv(chosen.header, _rows(programs, chosen), bom=bom)


def _rows(programs: Iterable[Program], chosen: Layout) -> Iterator[list[str]]:
    number = 0
    for program in programs:
        for session in program.sessions.all():
            number += 1
            values = _values(program, session)
            values[f.NUMBER] = str(number)
            yield [values.get(chosen.fields[column], "") for column in chosen.header]


# The fields that the v1.0 item definitions mark (必須) (quoted in samples/README.md).
REQUIRED_FIELDS = (
    f.TITLE,
    f.TITLE_KANA,
    f.START_DATE,
    f.END_DATE,
    f.START_TIME,
    f.END_TIME,
    f.DESCRIPTION,
    f.VENUE_NAME,
    f.ADDRESS,
)


def missing_required(text: str, layout: str = "suisho_v1") -> dict[str, int]:
    """For each required column that ``layout`` has, how many rows of the export ``text`` leave it empty."""
    chosen = LAYOUTS[layout]
    columns = [column for name in REQUIRED_FIELDS for column in chosen.header if chosen.fields[column] == name]
    counts: Counter[str] = Counter()
    for row in csv.DictReader(io.StringIO(text.removeprefix(BOM))):
        counts.update(column for column in columns if not row.get(column, "").strip())
    return {column: counts[column] for column in columns}
