"""Import event lists in the municipal open-data layouts as published programmes.

A file is read whole and every row checked before anything is written: if one row is bad,
nothing from that file is imported and every bad row is reported with its number, so the
publisher can fix the file in one go. Rows that are sessions of one course (same title,
organiser and venue on different dates) become one programme with several sessions.
Programmes remember where they came from (``Program.source``/``source_key``), so importing
the same file again changes nothing, and a corrected file updates the programmes in place.

Row numbers count the header as row 1, as a spreadsheet shows them; a row with a quoted
line break is still one row.
"""

import csv
import hashlib
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import Department
from manabiba.core.models import Area
from manabiba.core.spreadsheet import spreadsheet_unescape
from manabiba.facilities.models import Facility
from manabiba.opendata import layouts as f
from manabiba.opendata.layouts import Layout, layout_detect
from manabiba.opendata.municipalities import city_code, city_name, municipality_name
from manabiba.programs.models import TIME_UNKNOWN_END, TIME_UNKNOWN_START, Audience, Category, Organizer, Program
from manabiba.programs.services import (
    SessionTimes,
    organizer_get_or_create,
    program_create,
    program_publish,
    program_update,
)

SOURCE_PREFIX = "opendata:"
# Our own export names each programme in 備考 on a line of its own, so that importing the export
# finds the programmes it came from instead of creating copies: ``manabiba-id:<source>#<key>``,
# the programme's ``source`` and ``source_key``, or ``manabiba#<pk>`` for one made on this site.
OWN_ID = re.compile(r"^manabiba-id:(?P<source>[^#\s]+)#(?P<key>\S+)$", re.MULTILINE)
OWN_SOURCE = "manabiba"
# How far after today the latest date of a file lands with ``shift_to_upcoming``.
UPCOMING_LEAD = timedelta(days=90)
# A date without a time starts at midnight; a stay of several days without an end time ends at 23:59.
DAY_START = TIME_UNKNOWN_START
DAY_END = TIME_UNKNOWN_END

# イベント種類 of the real files -> major field of learning (MEXT's classification).
CATEGORY_BY_EVENT_TYPE = {
    "セミナー": "教育等一般",
    "子育て・教育": "教育等一般",
    "健康・福祉、スポーツ": "スポーツ・レクリエーション",
    "仕事・産業": "産業・技術",
    "催事・観光": "市民生活・国際関係",
    "生活と環境": "家庭生活・趣味",
    "文化・芸術": "芸術・文化",
    "音楽": "芸術・文化",
}
# Words in a title or in 対象者 that name an audience; the files almost never fill 対象者.
AUDIENCE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("親子", ("親子", "おやこ", "親と子", "ママと赤ちゃん")),
    ("幼児", ("幼児", "未就学")),
    ("小学生", ("小学生",)),
    ("中学生", ("中学生",)),
    ("高校生", ("高校生",)),
    ("高齢者", ("高齢者", "シニア")),
    ("女性", ("女性",)),
]
MATERIALS_WORDS = ("材料", "教材", "消耗品", "実費")

_CAPACITY_IN_REMARKS = re.compile(r"定員\s*:?\s*(?:各回|各|先着)?\s*(\d+)\s*(?:人|名|組)")
_NUMBER = re.compile(r"\d+")
_YEN = re.compile(r"(\d[\d,]*)\s*円")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_url_validator = URLValidator()


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # the header is row 1
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("%(file)s row %(row)s: %(message)s") % {
                "file": self.file,
                "row": self.row,
                "message": self.message,
            }
        return _("%(file)s: %(message)s") % {"file": self.file, "message": self.message}


@dataclass
class FileReport:
    path: Path
    layout: str = ""
    sources: set[str] = field(default_factory=set)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged_sessions: int = 0
    shift_days: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.errors)

    @property
    def programs(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(report.rejected for report in self.files)

    @property
    def errors(self) -> list[RowError]:
        return [error for report in self.files for error in report.errors]

    @property
    def created(self) -> int:
        return sum(report.created for report in self.files)

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self.files)


@dataclass
class _Row:
    """One valid row: the session it describes and what it says about its programme."""

    number: int
    source: str
    title: str
    organizer: tuple[str, str, Department | None, bool]  # kind, name, department, of another municipality
    venue_key: str
    session: SessionTimes
    end_date: date
    fields: dict[str, Any]
    categories: list[Category]
    audiences: list[Audience]
    # (source, key) named by our own export's 備考, or None for another publisher's row.
    own: tuple[str, str] | None = None


@dataclass
class _Group:
    source: str
    key: str
    rows: list[_Row]
    own: bool = False


class _RollbackError(Exception):
    """Raised inside a file's transaction so that none of it is kept."""


def _clean(value: str | None) -> str:
    # A cell our own export escaped against formula injection reads back as the text it was.
    return spreadsheet_unescape(value or "").replace("\r\n", "\n").strip()


def _norm(value: str) -> str:
    """For comparing and keying only: NFKC with runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def _clip(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


def _parse_date(value: str) -> date:
    match = _DATE.fullmatch(_norm(value))
    if not match:
        raise ValueError(value)
    return date(int(match[1]), int(match[2]), int(match[3]))


def _parse_time(value: str) -> time:
    match = _TIME.fullmatch(_norm(value))
    if not match:
        raise ValueError(value)
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def _int(value: str) -> int | None:
    text = _norm(value).replace(",", "")
    match = _NUMBER.search(text)
    return int(match[0]) if match else None


@dataclass
class _Context:
    """What every row is matched against, read once per import."""

    facilities: list[tuple[str, Facility]]
    areas: list[Area]
    departments: dict[str, Department]
    categories: dict[str, Category]
    audiences: dict[str, Audience]

    @classmethod
    def load(cls) -> "_Context":
        return cls(
            facilities=sorted(
                ((_norm(facility.name), facility) for facility in Facility.objects.all()),
                key=lambda pair: -len(pair[0]),
            ),
            areas=sorted(Area.objects.all(), key=lambda area: -len(area.name)),
            departments={_norm(department.name): department for department in Department.objects.all()},
            categories={category.major: category for category in Category.objects.filter(minor="")},
            audiences={audience.name: audience for audience in Audience.objects.all()},
        )

    def facility_in(self, *texts: str) -> Facility | None:
        for text in texts:
            normalised = _norm(text)
            for name, facility in self.facilities:
                if len(name) >= 3 and name in normalised:
                    return facility
            # 「保谷保健福祉総合センター」 is how the files name 「防災・保谷保健福祉総合センター」.
            for name, facility in self.facilities:
                if len(normalised) >= 6 and normalised in name:
                    return facility
        return None

    def area_of(self, town: str) -> Area | None:
        normalised = _norm(town)
        return next((area for area in self.areas if normalised.startswith(area.name)), None)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        records = [dict(zip(header, record, strict=False)) for record in reader]
    return header, records


def _logical(columns: dict[str, str], record: dict[str, str]) -> dict[str, str]:
    return {name: _clean(record.get(column)) for column, name in columns.items()}


class _RowInvalidError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages


class _RowSkippedError(Exception):
    """A row that is not an event on a day, such as a standing notice; reported, not imported."""


def _times(values: dict[str, str], layout: Layout) -> tuple[datetime, datetime | None, date]:
    """The session's start and end, or every reason they cannot be read."""
    problems: list[str] = []
    start_day = end_day = None
    start_at = end_at = None
    if not values.get(f.START_DATE) and not layout.start_date_required:
        if not values.get(f.END_DATE):
            raise _RowSkippedError
        values = {**values, f.START_DATE: values[f.END_DATE]}
    if not values.get(f.START_DATE):
        problems.append(_("The start date is missing."))
    else:
        try:
            start_day = _parse_date(values[f.START_DATE])
        except ValueError:
            problems.append(
                _("The start date “%(value)s” is not a date like 2025-04-01.") % {"value": values[f.START_DATE]}
            )
    if values.get(f.END_DATE):
        try:
            end_day = _parse_date(values[f.END_DATE])
        except ValueError:
            problems.append(
                _("The end date “%(value)s” is not a date like 2025-04-01.") % {"value": values[f.END_DATE]}
            )
    for name, label in ((f.START_TIME, "start"), (f.END_TIME, "end")):
        if values.get(name):
            try:
                parsed = _parse_time(values[name])
            except ValueError:
                message = (
                    _("The start time “%(value)s” is not a time like 10:00.")
                    if label == "start"
                    else _("The end time “%(value)s” is not a time like 12:00.")
                )
                problems.append(message % {"value": values[name]})
                continue
            if label == "start":
                start_at = parsed
            else:
                end_at = parsed
    if problems:
        raise _RowInvalidError(problems)
    assert start_day is not None
    end_day = end_day or start_day
    starts_at = _aware(start_day, start_at or DAY_START)
    ends_at: datetime | None
    if end_at is not None:
        ends_at = _aware(end_day, end_at)
    elif end_day != start_day:
        ends_at = _aware(end_day, DAY_END)
    else:
        ends_at = None
    if end_day < start_day or (ends_at is not None and ends_at < starts_at):
        raise _RowInvalidError([_("The event ends before it starts.")])
    return starts_at, ends_at, end_day


def _fee(base: str, detail: str) -> dict[str, Any]:
    note = _clip(detail, 200)
    amount = _int(base) if base else None
    detail_n = _norm(detail)
    kind = Program.Fee.MATERIALS if any(word in detail_n for word in MATERIALS_WORDS) else Program.Fee.PAID
    if amount:
        return {"fee": kind, "fee_amount": amount, "fee_note": note}
    yen = {int(match.replace(",", "")) for match in _YEN.findall(detail_n)} - {0}
    if yen:
        return {"fee": kind, "fee_amount": yen.pop() if len(yen) == 1 else None, "fee_note": note}
    return {"fee": Program.Fee.FREE, "fee_amount": None, "fee_note": note}


def _application(method: str) -> str:
    text = _norm(method)
    if not text or "不要" in text:
        return Program.Application.NONE
    if any(word in text for word in ("ハガキ", "はがき", "葉書")):
        return Program.Application.POSTCARD
    if "電話" in text:
        return Program.Application.PHONE
    if "http" in text or "フォーム" in text:
        return Program.Application.EXTERNAL
    return Program.Application.NONE


def _valid_url(value: str) -> str:
    value = _norm(value)
    if not value or len(value) > 200:
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value


def _valid_email(value: str) -> str:
    value = _norm(value)
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _organizer(
    values: dict[str, str], municipality: str, context: _Context
) -> tuple[str, str, Department | None, bool]:
    """Who runs it: 主催, else the contact, else the municipality; a 課 of this city is a department.

    The last item says the organiser is named by another municipality's list (not a body of this city).
    """
    # Spaces evened out but the width kept: 「（公財）」 stays full-width, as the publisher wrote it.
    name = " ".join(values.get(f.ORGANIZER, "").split()) or _norm(values.get(f.CONTACT_NAME, "")) or municipality
    if municipality == city_name():
        bare = name.removeprefix(city_name()).strip()
        department = context.departments.get(_norm(bare))
        if department is not None or bare.endswith("課"):
            return Organizer.Kind.DEPARTMENT, _clip(bare, 200), department, False
    outside = bool(municipality) and municipality != city_name()
    return Organizer.Kind.OTHER, _clip(name, 200), None, outside


def _address(values: dict[str, str]) -> str:
    building = _norm(values.get(f.ADDRESS_BUILDING, ""))
    address = _norm(values.get(f.ADDRESS, ""))
    if not address:
        address = "".join(
            _norm(values.get(name, ""))
            for name in (f.ADDRESS_PREFECTURE, f.ADDRESS_CITY, f.ADDRESS_TOWN, f.ADDRESS_STREET)
        )
    if building and building not in address:
        address = f"{address} {building}".strip()
    return address


def _row(
    number: int, values: dict[str, str], *, layout: Layout, source: str, municipality: str, context: _Context
) -> _Row:
    problems: list[str] = []
    title = values.get(f.TITLE, "")
    if not title:
        problems.append(_("The title is missing."))
    try:
        starts_at, ends_at, end_day = _times(values, layout)
    except _RowInvalidError as invalid:
        problems.extend(invalid.messages)
    close_at = None
    if values.get(f.APPLY_END_DATE):
        try:
            close_day = _parse_date(values[f.APPLY_END_DATE])
            close_time = _parse_time(values[f.APPLY_END_TIME]) if values.get(f.APPLY_END_TIME) else DAY_END
            close_at = _aware(close_day, close_time)
        except ValueError:
            problems.append(
                _("The application deadline “%(value)s” is not a date and time like 2025-04-01 17:00.")
                % {"value": " ".join(filter(None, [values[f.APPLY_END_DATE], values.get(f.APPLY_END_TIME, "")]))}
            )
    if problems:
        raise _RowInvalidError(problems)

    address = _address(values)
    address_city = _norm(values.get(f.ADDRESS_CITY, ""))
    in_city = city_name() in (address_city or address) or (not address and municipality == city_name())
    venue = next(
        (_norm(values[name]) for name in (f.VENUE_NAME, f.MEETING_PLACE, f.ADDRESS_BUILDING) if values.get(name)),
        "",
    )
    facility = context.facility_in(venue, values.get(f.ADDRESS_BUILDING, "")) if in_city else None
    area = None
    if in_city:
        town = _norm(values.get(f.ADDRESS_TOWN, "")) or address.split(city_name(), 1)[-1]
        area = context.area_of(town) if town else None
        if area is None and facility is not None:
            area = facility.area
    remarks = values.get(f.REMARKS, "")
    own = None
    if match := OWN_ID.search(remarks):
        own = (match["source"], match["key"])
        source = own[0]
        remarks = OWN_ID.sub("", remarks).strip()
    capacity = _int(values.get(f.CAPACITY, ""))
    if not capacity:
        match = _CAPACITY_IN_REMARKS.search(_norm(remarks))
        capacity = int(match[1]) if match else None
    phone = _norm(values.get(f.CONTACT_PHONE, ""))
    if values.get(f.CONTACT_EXTENSION):
        phone = f"{phone} 内線{_norm(values[f.CONTACT_EXTENSION])}"
    description = "\n\n".join(filter(None, [values.get(f.DESCRIPTION, ""), remarks]))
    summary = values.get(f.SUMMARY, "") or values.get(f.SUBTITLE, "")
    category_name = CATEGORY_BY_EVENT_TYPE.get(_norm(values.get(f.CATEGORY, "")))
    category = context.categories.get(category_name) if category_name else None
    audience_text = _norm(" ".join([title, values.get(f.AUDIENCE, "")]))
    audiences = [
        context.audiences[name]
        for name, words in AUDIENCE_WORDS
        if name in context.audiences and any(word in audience_text for word in words)
    ]
    organizer = _organizer(values, municipality, context)
    venue_key = facility.name if facility is not None else venue
    fields: dict[str, Any] = {
        "title": _clip(title, 200),
        "title_kana": _clip(values.get(f.TITLE_KANA, ""), 400),
        "title_en": _clip(values.get(f.TITLE_EN, ""), 200),
        "summary": _clip(summary, 300),
        "description": description,
        "area": area,
        "facility": facility,
        "venue_name": "" if facility is not None else _clip(venue, 200),
        "venue_address": "" if facility is not None else _clip(address, 300),
        "capacity": capacity or None,
        "application": _application(values.get(f.APPLY_METHOD, "")),
        "application_url": _valid_url(values.get(f.URL, "")),
        "application_note": values.get(f.APPLY_METHOD, ""),
        "applications_close_at": close_at,
        "contact_name": _clip(_norm(values.get(f.CONTACT_NAME, "")), 200),
        "contact_phone": _clip(phone, 50),
        "contact_email": _valid_email(values.get(f.CONTACT_EMAIL, "")),
        **_fee(values.get(f.FEE_BASE, ""), values.get(f.FEE_DETAIL, "")),
    }
    return _Row(
        number=number,
        source=source,
        title=title,
        organizer=organizer,
        venue_key=venue_key,
        session=SessionTimes(starts_at=starts_at, ends_at=ends_at, note=_clip(values.get(f.DATE_NOTE, ""), 200)),
        end_date=end_day,
        fields=fields,
        categories=[category] if category else [],
        audiences=audiences,
        own=own,
    )


def source_key(title: str, organizer: str, venue: str) -> str:
    """Stable across imports and exports: the same course at the same place by the same organiser."""
    text = "\x1f".join(_norm(part) for part in (title, organizer, venue))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def own_id(program: Program) -> str:
    """The line of 備考 by which an import of our own export finds ``program`` again."""
    if program.source:
        return f"manabiba-id:{program.source}#{program.source_key}"
    return f"manabiba-id:{OWN_SOURCE}#{program.pk}"


def _groups(rows: Iterable[_Row]) -> list[_Group]:
    groups: dict[tuple[str, str], _Group] = {}
    for row in rows:
        key = row.own[1] if row.own else source_key(row.title, row.organizer[1], row.venue_key)
        group = groups.setdefault((row.source, key), _Group(source=row.source, key=key, rows=[]))
        group.rows.append(row)
        group.own = group.own or row.own is not None
    return list(groups.values())


# Dates written in a 開始日時特記事項: 2019/1/14, 2019-01-14, 2019年1月14日, 令和4年1月29日, 1月7日.
_NOTE_DATE = re.compile(
    r"(?P<iy>\d{4})(?P<sep>[/.-])(?P<im>\d{1,2})(?P=sep)(?P<id>\d{1,2})(?!\d)"
    r"|(?:(?P<era>令和)(?P<ey>\d{1,2}|元)|(?P<jy>\d{4}))年(?P<jm>\d{1,2})月(?P<jd>\d{1,2})日"
    r"|(?<![年\d])(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
)
_REIWA_OFFSET = 2018


def _shift_note(note: str, delta: timedelta, near: date) -> str:
    """``note`` with the dates it names moved by ``delta`` as the session was, so the demo's note
    does not contradict its dates; a date without a year is taken in the year nearest ``near``."""

    def _moved(match: re.Match[str]) -> str:
        try:
            if match["iy"]:
                day = date(int(match["iy"]), int(match["im"]), int(match["id"])) + delta
                width = 2 if len(match["im"]) == 2 else 1
                return f"{day.year}{match['sep']}{day.month:0{width}d}{match['sep']}{day.day:0{width}d}"
            if match["jm"]:
                era_year = 1 if match["ey"] == "元" else int(match["ey"] or 0)
                year = int(match["jy"]) if match["jy"] else _REIWA_OFFSET + era_year
                day = date(year, int(match["jm"]), int(match["jd"])) + delta
                if match["era"]:
                    return f"令和{day.year - _REIWA_OFFSET}年{day.month}月{day.day}日"
                return f"{day.year}年{day.month}月{day.day}日"
            candidates = [date(near.year + offset, int(match["m"]), int(match["d"])) for offset in (-1, 0, 1)]
            day = min(candidates, key=lambda candidate: abs(candidate - near)) + delta
            return f"{day.month}月{day.day}日"
        except ValueError:  # 2月30日 and the like: not a date, left as written
            return match[0]

    return _NOTE_DATE.sub(_moved, note)


def _shift(rows: list[_Row], today: date) -> int:
    """Whole weeks that move the file's latest date to a few months from today (weekdays kept)."""
    latest = max(max(row.end_date, timezone.localtime(row.session.starts_at).date()) for row in rows)
    weeks = math.ceil((today + UPCOMING_LEAD - latest).days / 7)
    days = weeks * 7
    delta = timedelta(days=days)
    for row in rows:
        session = row.session
        row.session = SessionTimes(
            starts_at=_aware(
                timezone.localtime(session.starts_at).date() + delta, timezone.localtime(session.starts_at).time()
            ),
            ends_at=(
                _aware(timezone.localtime(session.ends_at).date() + delta, timezone.localtime(session.ends_at).time())
                if session.ends_at
                else None
            ),
            note=_shift_note(session.note, delta, timezone.localtime(session.starts_at).date()),
        )
        close_at = row.fields["applications_close_at"]
        if close_at is not None:
            local = timezone.localtime(close_at)
            row.fields["applications_close_at"] = _aware(local.date() + delta, local.time())
    return days


def _sessions(group: _Group) -> list[SessionTimes]:
    seen: dict[tuple[datetime, datetime | None], SessionTimes] = {}
    for row in group.rows:
        seen.setdefault((row.session.starts_at, row.session.ends_at), row.session)
    return sorted(seen.values(), key=lambda s: (s.starts_at, s.ends_at or s.starts_at, s.note))


def _same(program: Program, fields: dict[str, Any], sessions: Sequence[SessionTimes], group_row: _Row) -> bool:
    for name, value in fields.items():
        current = (
            getattr(program, f"{name}_id") if name in {"organizer", "area", "facility"} else getattr(program, name)
        )
        wanted = value.pk if name in {"organizer", "area", "facility"} and value is not None else value
        if current != wanted:
            return False
    existing = [(s.starts_at, s.ends_at, s.note) for s in program.sessions.all()]
    if existing != [(s.starts_at, s.ends_at, s.note) for s in sessions]:
        return False
    if {c.pk for c in program.categories.all()} != {c.pk for c in group_row.categories}:
        return False
    return {a.pk for a in program.audiences.all()} == {a.pk for a in group_row.audiences}


@dataclass
class _FileState:
    """Rows already in the database for a file's sources, and organisers met so far: one file's writes only."""

    programs: dict[tuple[str, str], Program]
    organizers: dict[tuple[str, str], Organizer] = field(default_factory=dict)

    @classmethod
    def load(cls, sources: set[str], own_pks: set[int]) -> "_FileState":
        programs = Program.objects.filter(source__in=sources).prefetch_related("sessions", "categories", "audiences")
        found = {(program.source, program.source_key): program for program in programs}
        # Programmes made on this site have no source; our export names them by their number.
        for program in Program.objects.filter(source="", pk__in=own_pks):
            found.setdefault((OWN_SOURCE, str(program.pk)), program)
        return cls(programs=found)

    def organizer(self, kind: str, name: str, department: Department | None, outside_city: bool) -> Organizer:
        if (kind, name) not in self.organizers:
            extra: dict[str, Any] = {"department": department} if department is not None else {}
            self.organizers[kind, name] = organizer_get_or_create(
                kind=kind, name=name, outside_city=outside_city, **extra
            )
        return self.organizers[kind, name]


def _write(group: _Group, report: FileReport, state: _FileState) -> None:
    program = state.programs.get((group.source, group.key))
    if program is not None and group.own:
        # A row of our own export about a programme this database has: the database is the record,
        # the file only its copy (which lacks categories, audiences and support), so nothing changes.
        report.unchanged += 1
        return
    first = min(group.rows, key=lambda row: (row.session.starts_at, row.number))
    sessions = _sessions(group)
    organizer = state.organizer(*first.organizer)
    fields = {
        **first.fields,
        "organizer": organizer,
        "kind": Program.Kind.COURSE if len(sessions) > 1 else Program.Kind.EVENT,
        "source": group.source,
        "source_key": group.key,
    }
    report.merged_sessions += len(group.rows) - 1
    if program is None:
        program = program_create(
            actor=None, sessions=sessions, categories=first.categories, audiences=first.audiences, **fields
        )
        program_publish(program=program, actor=None)
        report.created += 1
        return
    unpublished = program.status in {Program.Status.DRAFT, Program.Status.SUBMITTED}
    if _same(program, fields, sessions, first) and not unpublished:
        report.unchanged += 1
        return
    program = program_update(
        program=program,
        actor=None,
        sessions=sessions,
        categories=first.categories,
        audiences=first.audiences,
        **fields,
    )
    if unpublished:
        program_publish(program=program, actor=None)
    report.updated += 1


# A year written in an event's text (令和3年度, 平成30年, 2022年): moved dates would contradict it.
_YEAR_IN_TEXT = re.compile(r"(?:令和|平成|昭和)\s*(?:\d+|元)\s*年|(?:19|20)\d\d\s*年")


def _year_named(values: dict[str, str]) -> str:
    """The first year the event's own text names, or ""."""
    # Not the date note: the demo shift rewrites the dates written there.
    for name in (f.TITLE, f.SUBTITLE, f.SUMMARY, f.DESCRIPTION, f.APPLY_METHOD):
        if match := _YEAR_IN_TEXT.search(_norm(values.get(name, ""))):
            return match.group()
    return ""


def _import_file(
    path: Path,
    *,
    source_label: str | None,
    shift_to_upcoming: bool,
    today: date,
    context: _Context,
    municipalities: Collection[str] | None = None,
) -> FileReport:
    report = FileReport(path=path)
    name = path.name
    try:
        header, records = _read(path)
    except (UnicodeDecodeError, csv.Error) as exc:
        report.errors.append(RowError(name, 0, _("The file cannot be read as UTF-8 CSV (%(error)s).") % {"error": exc}))
        return report
    layout = layout_detect(header)
    if layout is None:
        report.errors.append(
            RowError(name, 1, _("The header does not match any event-list layout this site can read."))
        )
        return report
    report.layout = layout.name
    columns = layout.columns_of(header)
    rows: list[_Row] = []
    for number, record in enumerate(records, start=2):
        values = _logical(columns, record)
        if not any(values.values()):
            continue
        report.rows += 1
        code = _norm(values.get(f.CODE, ""))
        municipality = (
            municipality_name(code)
            or _norm(values.get(f.MUNICIPALITY, ""))
            or _norm(values.get(f.ADDRESS_CITY, ""))
            or (city_name() if code == city_code() and code else "")
        )
        source = source_label or f"{SOURCE_PREFIX}{code or path.stem}"
        if municipalities is not None and code not in municipalities:
            report.skipped.append(
                RowError(
                    name,
                    number,
                    _("The row is an event of %(municipality)s, not of this city; skipped.")
                    % {"municipality": municipality or code},
                )
            )
            continue
        if shift_to_upcoming and (year := _year_named(values)):
            report.skipped.append(
                RowError(
                    name,
                    number,
                    _("The text names the year %(year)s, which moved dates would contradict; skipped.")
                    % {"year": year},
                )
            )
            continue
        try:
            rows.append(_row(number, values, layout=layout, source=source, municipality=municipality, context=context))
        except _RowSkippedError:
            report.skipped.append(RowError(name, number, _("The row has no date, so it is not an event; skipped.")))
        except _RowInvalidError as invalid:
            report.errors.extend(RowError(name, number, message) for message in invalid.messages)
    if report.errors or not rows:
        return report
    if shift_to_upcoming:
        report.shift_days = _shift(rows, today)
    report.sources = {row.source for row in rows}
    try:
        with transaction.atomic():
            own_pks = {int(row.own[1]) for row in rows if row.own and row.own[0] == OWN_SOURCE and row.own[1].isdigit()}
            state = _FileState.load(report.sources, own_pks)
            for group in _groups(rows):
                try:
                    _write(group, report, state)
                except (ValidationError, IntegrityError) as exc:
                    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    row = min(r.number for r in group.rows)
                    report.errors.extend(RowError(name, row, str(message)) for message in messages)
            if report.errors:
                raise _RollbackError
    except _RollbackError:
        report.created = report.updated = report.unchanged = report.merged_sessions = 0
    return report


def events_import(
    *,
    paths: Sequence[Path | str],
    source_label: str | None = None,
    shift_to_upcoming: bool = False,
    today: date | None = None,
    municipalities: Collection[str] | None = None,
) -> ImportReport:
    """Import each file in its own transaction; a file with any bad row is left out whole.

    ``source_label`` replaces the default source (``opendata:<municipality code>``), for files
    that are not a municipality's own. ``shift_to_upcoming`` is for demo data: it moves each
    file's dates by whole weeks so its latest date falls about three months after ``today``,
    and skips rows whose text names a year (the moved dates would contradict it).
    ``municipalities`` (codes) keeps only those municipalities' rows.
    """
    context = _Context.load()
    today = today or timezone.localdate()
    report = ImportReport()
    for path in paths:
        report.files.append(
            _import_file(
                Path(path),
                source_label=source_label,
                shift_to_upcoming=shift_to_upcoming,
                today=today,
                context=context,
                municipalities=municipalities,
            )
        )
    return report


def report_lines(report: ImportReport) -> list[str]:
    """The per-file summary that import_events and seed_demo print."""
    lines = []
    for file in report.files:
        if file.rejected:
            lines.append(
                _("%(file)s: rejected, nothing imported (%(count)s problems)")
                % {"file": file.path.name, "count": len(file.errors)}
            )
            lines.extend(f"  {error}" for error in file.errors)
        else:
            lines.append(
                _(
                    "%(file)s (%(layout)s): %(rows)s rows, %(created)s created, %(updated)s updated, "
                    "%(unchanged)s unchanged, %(merged)s rows merged as further sessions"
                )
                % {
                    "file": file.path.name,
                    "layout": file.layout,
                    "rows": file.rows,
                    "created": file.created,
                    "updated": file.updated,
                    "unchanged": file.unchanged,
                    "merged": file.merged_sessions,
                }
            )
            if file.shift_days:
                lines.append("  " + _("dates moved by %(days)s days") % {"days": file.shift_days})
        lines.extend(f"  {note}" for note in file.skipped)
    return lines
