"""Reads of programmes and their classifications."""

import functools
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.permissions import has_permission
from manabiba.core.models import Area
from manabiba.core.paths import path_around_id
from manabiba.core.search import search_ids, search_match_sql
from manabiba.core.suggest import search_suggestion
from manabiba.facilities.models import Facility, Room
from manabiba.facilities.selectors import facilities_managed_by
from manabiba.programs.catalogue_index import (
    CatalogueIndex,
    catalogue_index,
    combined,
    filter_bits,
    keyword_matches,
    keyword_page,
    supports,
)
from manabiba.programs.kept import kept_for_the_request
from manabiba.programs.models import (
    Audience,
    Category,
    Organizer,
    Program,
    ProgramSession,
    SessionTimes,
    next_of_sessions,
    venue_label,
)

SEARCH_KIND = "programs.program"


@dataclass(frozen=True)
class CategoryGroup:
    """A major field of learning and the sub-fields under it."""

    major: str
    name_en: str
    major_id: int | None = None  # the row for the major field itself, when there is one
    minors: list[Category] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        """Every category row of the group: the listing's filter for "anything in this field"."""
        return ([self.major_id] if self.major_id is not None else []) + [c.pk for c in self.minors]


def category_list() -> list[CategoryGroup]:
    """Every field of learning, grouped by major field, in the catalogue's order.

    A major field may exist only through its sub-fields (no row with an empty ``minor``);
    it is still listed, in the position of its first sub-field.
    """
    groups: dict[str, CategoryGroup] = {}
    for category in Category.objects.order_by("sort_order", "id"):
        group = groups.setdefault(category.major, CategoryGroup(major=category.major, name_en=""))
        if category.minor:
            group.minors.append(category)
        else:
            groups[category.major] = CategoryGroup(
                major=group.major, name_en=category.name_en, major_id=category.pk, minors=group.minors
            )
    return list(groups.values())


def category_counts(*, now: datetime | None = None) -> dict[int, int]:
    """How many upcoming published programmes each category has: one GROUP BY query."""
    visible = _visible(ProgramFilters(), now or timezone.now()).values("pk")
    rows = (
        Program.categories.through.objects.filter(program_id__in=visible)
        .values("category_id")
        .annotate(n=Count("program_id", distinct=True))
    )
    return {row["category_id"]: row["n"] for row in rows}


# --- Are applications open? One rule, for one programme and for a queryset -------------------


class WindowState(StrEnum):
    NONE = "none"  # no application needed: just come along
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


class WindowReason(StrEnum):
    NO_APPLICATION = "no_application"
    NOT_PUBLISHED = "not_published"  # a draft, or cancelled or finished
    BEFORE_OPENING = "before_opening"
    OPEN = "open"
    DEADLINE_PASSED = "deadline_passed"
    STARTED = "started"  # no closing date: applications close when the first session starts


@dataclass(frozen=True)
class ApplicationWindow:
    """Whether a programme takes applications at a moment, why, and when that changes.

    ``opens_at`` is the programme's opening (None: open from publication); ``closes_at`` is the
    moment applications close: the closing date, else the first session's start (None: never).
    Both bounds are half-open: open from ``opens_at`` itself up to, not including, ``closes_at``.
    """

    state: WindowState
    reason: WindowReason
    opens_at: datetime | None
    closes_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == WindowState.OPEN


def program_application_window(program: Program, *, now: datetime) -> ApplicationWindow:
    """The one answer to "are applications open?" for one programme (its twin for querysets is
    ``application_window_open_q``; a test holds them together)."""
    opens = program.applications_open_at
    closes = program.applications_close_at or program.first_starts_at
    if program.status != Program.Status.PUBLISHED:
        return ApplicationWindow(WindowState.CLOSED, WindowReason.NOT_PUBLISHED, opens, closes)
    if program.application == Program.Application.NONE:
        return ApplicationWindow(WindowState.NONE, WindowReason.NO_APPLICATION, opens, closes)
    if opens is not None and now < opens:
        return ApplicationWindow(WindowState.NOT_YET, WindowReason.BEFORE_OPENING, opens, closes)
    if closes is not None and now >= closes:
        reason = WindowReason.DEADLINE_PASSED if program.applications_close_at else WindowReason.STARTED
        return ApplicationWindow(WindowState.CLOSED, reason, opens, closes)
    return ApplicationWindow(WindowState.OPEN, WindowReason.OPEN, opens, closes)


def application_window_open_q(now: datetime) -> Q:
    """The programmes whose applications are open at ``now``: ``program_application_window`` as a filter."""
    return (
        Q(status=Program.Status.PUBLISHED)
        & ~Q(application=Program.Application.NONE)
        & (Q(applications_open_at__isnull=True) | Q(applications_open_at__lte=now))
        & (
            Q(applications_close_at__gt=now)
            | Q(applications_close_at__isnull=True, first_starts_at__gt=now)
            | Q(applications_close_at__isnull=True, first_starts_at__isnull=True)
        )
    )


# --- The catalogue: one selector for the listing, the calendar, feeds and the API -------------

SEARCH_LIMIT = 2000

# Listing results and facet counts are cached briefly in the shared cache, keyed by the filters
# and by a catalogue version that every change of a programme renews (``catalogue_changed``).
# A resident may see a new programme up to a minute late; the city's server is spared
# recounting every facet for every visitor.
CACHE_SECONDS = 60
_VERSION_KEY = "programs:catalogue-version"


def catalogue_changed() -> None:
    """Forget cached listings: called by the services whenever a programme changes."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def catalogue_names_watch() -> None:
    """A saved or deleted organiser, venue, room, area, field or audience is a change of the
    catalogue: kept cards, API items and names (``_listing_names``) name it, and a rename (by
    staff, a group's page, ``load_reference``) must show at once, not after the next programme
    changes. Connected once, by ``ProgramsConfig.ready``."""
    for model in (Organizer, Facility, Room, Area, Category, Audience):
        uid = f"catalogue-names-{model._meta.label_lower}"
        post_save.connect(_named_row_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_named_row_changed, sender=model, dispatch_uid=uid)


def _named_row_changed(**_kwargs: Any) -> None:
    transaction.on_commit(catalogue_changed)


def catalogue_version() -> str:
    """Changes whenever a programme changes: part of every cache key for catalogue pages."""
    version: str | None = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(_VERSION_KEY) or ""
    return version


def _cache_key(name: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"programs:{name}:{catalogue_version()}:{digest}"


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def _ranked_ids(query: str, now: datetime, *, complete: bool = False, limit: int | None = SEARCH_LIMIT) -> list[int]:
    """The keyword's programme ids, best first: the first ``limit`` (every one if ``complete`` or no limit)."""
    limit = None if complete else limit
    return _keyword_cached(
        _cache_key("search", query.strip(), now, limit),
        lambda: search_ids(kind=SEARCH_KIND, query=query, now=now, limit=limit),
    )


def _keyword_cached(key: str, compute: Callable[[], list[int]]) -> list[int]:
    if not settings.CATALOGUE_KEYWORD_CACHE:
        # Kept for the request only (``programs.kept``): a page and its facets share one ranking.
        ids: list[int] | None = kept_for_the_request.get("keyword ranking", key)
        return ids if ids is not None else kept_for_the_request.put("keyword ranking", key, compute())
    cached: list[int] | None = cache.get(key)
    if cached is None:
        cached = compute()
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _index(filters: "ProgramFilters") -> CatalogueIndex | None:
    """The catalogue's bitsets, when they can answer ``filters`` (see ``catalogue_index``)."""
    return catalogue_index(catalogue_version()) if supports(filters) else None


def _keyword_bits(index: CatalogueIndex, query: str) -> int:
    """The published programmes matching ``query``, as bits of ``index``: exact however many match."""
    return keyword_matches(index, query, keep=settings.CATALOGUE_KEYWORD_CACHE).bits


def _is_cut(ranked: list[int]) -> bool:
    """Whether the ranking stopped at the limit, so that more programmes may match."""
    return len(ranked) >= SEARCH_LIMIT


def _keyword(query: str) -> Q:
    """Programmes matching the keyword, decided by the database: exact however many match."""
    subquery, params = search_match_sql(kind=SEARCH_KIND, query=query)
    return Q(pk__in=RawSQL(subquery, params))  # noqa: S611 - fixed text, words as parameters


class When(models.TextChoices):
    """The time facets residents ask for: "the time doesn't suit me" is the second reason not to come."""

    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    WEEKDAY_EVENING = "weekday_evening", _("weekday evening")
    WEEKEND = "weekend", _("weekend or holiday")


class Sort(models.TextChoices):
    DATE = "date", _("date")
    DEADLINE = "deadline", _("application deadline")
    NEW = "new", _("newest")
    RELEVANCE = "relevance", _("best match")


@dataclass(frozen=True)
class ProgramFilters:
    q: str = ""
    categories: tuple[int, ...] = ()
    audiences: tuple[int, ...] = ()
    areas: tuple[int, ...] = ()
    organizer_kinds: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    weekdays: tuple[int, ...] = ()
    when: tuple[str, ...] = ()
    free: bool | None = None
    open_now: bool = False
    wheelchair: bool = False
    childcare: bool = False
    sign_language: bool = False
    # Only programmes with a summary in easy Japanese (やさしい日本語).
    easy_japanese: bool = False
    include_past: bool = False
    # Only programmes whose first session is still to come: "starting soon" is not an exhibition
    # that opened months ago and runs on, nor a course half-way through.
    not_started: bool = False
    # Only programmes published in (published_after, published_until]: what is new since a saved
    # search last looked (the alerts app). Not a filter of the listing's form.
    published_after: datetime | None = None
    published_until: datetime | None = None
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        if self.sort in Sort.values and (self.sort != Sort.RELEVANCE or self.q):
            return self.sort
        return Sort.RELEVANCE if self.q else Sort.DATE


def _session_conditions(filters: ProgramFilters) -> Q | None:
    """What one session must satisfy: date range, day of week and time facets apply to the same session."""
    conditions = Q()
    used = False
    if filters.date_from:
        conditions &= Q(local_date__gte=filters.date_from)
        used = True
    if filters.date_to:
        conditions &= Q(local_date__lte=filters.date_to)
        used = True
    if filters.weekdays:
        conditions &= Q(weekday__in=filters.weekdays)
        used = True
    if filters.when:
        any_when = Q()
        for value in filters.when:
            if value == When.MORNING:
                any_when |= Q(time_band=ProgramSession.TimeBand.MORNING)
            elif value == When.AFTERNOON:
                any_when |= Q(time_band=ProgramSession.TimeBand.AFTERNOON)
            elif value == When.WEEKDAY_EVENING:
                any_when |= Q(time_band=ProgramSession.TimeBand.EVENING, is_day_off=False)
            elif value == When.WEEKEND:
                any_when |= Q(is_day_off=True)
        conditions &= any_when
        used = True
    return conditions if used else None


def _visible(filters: ProgramFilters, now: datetime) -> QuerySet[Program]:
    programs = Program.objects.all()
    if filters.include_past:
        return programs.filter(status__in=[Program.Status.PUBLISHED, Program.Status.FINISHED])
    # Upcoming or running: a programme stays listed until its last session has ended.
    return programs.filter(status=Program.Status.PUBLISHED).filter(
        Q(last_ends_at__gte=now) | Q(last_ends_at__isnull=True)
    )


def _apply(programs: QuerySet[Program], filters: ProgramFilters, now: datetime, skip: str = "") -> QuerySet[Program]:
    """Every filter but ``skip`` (the facet whose counts are being computed)."""
    if filters.categories and skip != "categories":
        programs = programs.filter(
            Exists(
                Program.categories.through.objects.filter(program_id=OuterRef("pk"), category_id__in=filters.categories)
            )
        )
    if filters.audiences and skip != "audiences":
        programs = programs.filter(
            Exists(
                Program.audiences.through.objects.filter(program_id=OuterRef("pk"), audience_id__in=filters.audiences)
            )
        )
    if filters.areas and skip != "areas":
        programs = programs.filter(area_id__in=filters.areas)
    if filters.organizer_kinds and skip != "organizer_kinds":
        programs = programs.filter(organizer__kind__in=filters.organizer_kinds)
    if filters.kinds and skip != "kinds":
        programs = programs.filter(kind__in=filters.kinds)
    if filters.free is not None and skip != "free":
        programs = programs.filter(fee=Program.Fee.FREE) if filters.free else programs.exclude(fee=Program.Fee.FREE)
    if filters.open_now and skip != "open_now":
        programs = programs.filter(application_window_open_q(now))
    if filters.wheelchair and skip != "support":
        programs = programs.filter(wheelchair_accessible=True)
    if filters.childcare and skip != "support":
        programs = programs.filter(childcare_available=True)
    if filters.sign_language and skip != "support":
        programs = programs.filter(sign_language=True)
    if filters.easy_japanese and skip != "support":
        programs = programs.exclude(easy_summary="")
    if filters.not_started:
        programs = programs.filter(first_starts_at__gte=now)
    if filters.published_after is not None:
        programs = programs.filter(published_at__gt=filters.published_after)
    if filters.published_until is not None:
        programs = programs.filter(published_at__lte=filters.published_until)
    session_filter = _session_conditions(
        filters if skip != "when" else ProgramFilters(date_from=filters.date_from, date_to=filters.date_to)
    )
    if session_filter is not None:
        programs = programs.filter(Exists(ProgramSession.objects.filter(session_filter, program_id=OuterRef("pk"))))
    return programs


@dataclass
class ProgramPage:
    programs: list[Program]
    count: int


def program_search(
    filters: ProgramFilters, *, offset: int = 0, limit: int = 20, now: datetime | None = None
) -> ProgramPage:
    """The programmes a resident is looking for, in the order asked, one page at a time.

    A fixed number of queries whatever the page holds: the page's ids, the count, then the
    programmes with their organiser, venue, categories, audiences and sessions. The page is
    cached for a minute under the catalogue version (see ``catalogue_changed``).
    """
    now = _minute(now or timezone.now())
    key = _cache_key("page", filters, offset, limit, now)
    page: ProgramPage | None = cache.get(key)
    if page is None:
        count, page_ids = program_page_ids(filters, offset=offset, limit=limit, now=now)
        by_id = programs_by_id(page_ids)
        page = ProgramPage(programs=[by_id[pk] for pk in page_ids if pk in by_id], count=count)
        cache.set(key, page, CACHE_SECONDS)
    return page


def program_page_ids(
    filters: ProgramFilters, *, offset: int = 0, limit: int = 20, now: datetime | None = None
) -> tuple[int, list[int]]:
    """``program_search``'s count and page as programme ids, without reading the programmes: for
    a listing that keeps its rendered cards (``programs.cards``). Cached as the page is."""
    now = _minute(now or timezone.now())
    key = _cache_key("ids", filters, offset, limit, now)
    found: tuple[int, list[int]] | None = cache.get(key)
    if found is None:
        found = _page_ids(filters, offset=offset, limit=limit, now=now)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _sessions_in_order() -> Prefetch[str]:
    return Prefetch("sessions", queryset=ProgramSession.objects.order_by("starts_at"))


def programs_by_id(ids: Iterable[int]) -> dict[int, Program]:
    """The programmes ``ids`` with what a card or the API shows of them (organiser, venue, fields,
    audiences, sessions in order), in three queries whatever their number."""
    ids = list(ids)
    if not ids:
        return {}
    return {p.pk: p for p in _with_relations(Program.objects.filter(pk__in=ids))}


def program_listings(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What the API's catalogue list gives of each programme ``ids`` (its page's address without
    the host), as plain values, in three statements whatever their number (one round trip on
    PostgreSQL).

    Hand-written SQL, as the catalogue index's build is (table names from the models, values as
    parameters; the ids as one array on PostgreSQL), and without joins: the names of the
    organisers, venues, areas, fields and audiences come from ``_listing_names``, read once a
    minute. On a distinct API search, reading twenty programmes with their relations as model
    instances took three quarters of the request; through ``values_list`` the ORM still spent six
    times the database's own time building the statements and converting the columns; and on
    PostgreSQL, planning a join of five tables cost more than running it (docs/performance.md).
    ``tests/programs/test_api.py`` checks an item against the programme's fields."""
    ids = list(ids)
    if not ids:
        return {}
    names = _listing_names()
    listings: dict[int, dict[str, Any]] = {}
    zone = timezone.get_current_timezone()
    path_head, path_tail = path_around_id("programs:detail")
    rows, links, sessions = _listing_rows(ids)
    if any(not names.knows(*row[12:]) for row in rows):
        # An organiser or venue added since the names were read, without a change of programme
        # (one made outside the services): read them again rather than list it without a name.
        names = _listing_names(fresh=True)
    for row in rows:
        (pk, title, title_kana, fee, fee_amount, capacity, application, closes, status, venue_name) = row[:10]
        (venue_address, is_online, facility_id, room_id, organizer_id, area_id) = row[10:]
        organizer_name, organizer_kind, organizer_url = names.organizers.get(organizer_id, ("", "", ""))
        facility_name, facility_address = names.facilities.get(facility_id, (None, ""))
        listings[pk] = {
            "id": pk,
            "title": title,
            "title_kana": title_kana,
            "url": f"{path_head}{pk}{path_tail}",
            "organizer": {"id": organizer_id, "name": organizer_name, "kind": organizer_kind, "url": organizer_url},
            "categories": [],
            "audiences": [],
            "sessions": [],
            "venue": {
                "name": venue_label(facility_name, names.rooms.get(room_id, ""), bool(is_online), venue_name),
                "address": facility_address if facility_id is not None else venue_address,
                "facility_id": facility_id,
                "online": bool(is_online),
            },
            "area": {"id": area_id, "name": names.areas.get(area_id, "")} if area_id is not None else None,
            "fee": fee,
            "fee_amount": fee_amount,
            "capacity": capacity,
            "application": application,
            "applications_close_at": _local(closes, zone),
            "status": status,
        }
    # Fields and audiences in the order the catalogue lists them.
    if any((category_id, audience_id) not in names.order for _pk, category_id, audience_id in links):
        names = _listing_names(fresh=True)  # a field or audience added since: as above
    for pk, category_id, audience_id in sorted(links, key=lambda link: names.order.get((link[1], link[2]), (0, 0))):
        if pk not in listings:
            continue  # a programme deleted between the statements (SQLite reads them one by one)
        if category_id is not None:
            name = names.categories.get(category_id, "")
            listings[pk]["categories"].append({"id": category_id, "name": name})
        else:
            listings[pk]["audiences"].append({"id": audience_id, "name": names.audiences.get(audience_id, "")})
    for pk, starts_at, ends_at, note in sessions:
        if pk not in listings:
            continue
        listings[pk]["sessions"].append({"start": _local(starts_at, zone), "end": _local(ends_at, zone), "note": note})
    return listings


_Rows = list[tuple[Any, ...]]


def _listing_rows(ids: list[int]) -> tuple[_Rows, _Rows, _Rows]:
    """The rows of ``program_listings``'s three statements: programmes, links, sessions."""
    ids_param = _ids_param(ids)
    programmes, links, sessions = _read_together(
        [
            (_listing_sql("programs"), [ids_param]),
            (_listing_sql("links"), [ids_param, ids_param]),
            (_listing_sql("sessions"), [ids_param]),
        ]
    )
    return programmes, links, sessions


def _among_ids() -> str:
    """SQL for "is one of the ids" after a column, the ids being one parameter (``_ids_param``):
    the statement's text is the same whatever their number, so psycopg parses it once (it keeps no
    statement of over fifty parameters), and Django does not prepare thousands of parameters."""
    return "= ANY(%s)" if connection.vendor == "postgresql" else "IN (SELECT value FROM json_each(%s))"


def _ids_param(ids: list[int]) -> list[int] | str:
    """The ids as the one parameter of ``_among_ids``: an array on PostgreSQL, JSON on SQLite."""
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


def _read_together(statements: list[tuple[str, list[Any]]]) -> list[_Rows]:
    """The rows of each statement (SQL, parameters), in one round trip on PostgreSQL."""
    with connection.cursor() as cursor:
        # Several statements at once need psycopg's client-side binding (Django's default).
        one_by_one = connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("server_side_binding")
        if one_by_one:
            found = []
            for sql, params in statements:
                cursor.execute(sql, params)
                found.append(cursor.fetchall())
            return found
        # One round trip: each statement cost about 0.17 ms here before PostgreSQL did any work,
        # a third of a distinct API search's reading. Each still sees what was committed when it
        # ran, as on SQLite: the callers skip rows of a programme gone in between.
        cursor.execute(
            "; ".join(sql for sql, _params in statements), [v for _sql, params in statements for v in params]
        )
        found = [cursor.fetchall()]
        while cursor.nextset():
            found.append(cursor.fetchall())
        return found


@dataclass(frozen=True)
class _ListingNames:
    """What ``program_listings`` names by id: organisers (name, kind, address), facilities (name,
    address), rooms, areas, fields and audiences, and the list order of fields and audiences."""

    organizers: dict[int, tuple[str, str, str]]
    facilities: dict[int, tuple[str, str]]
    rooms: dict[int, str]
    areas: dict[int, str]
    categories: dict[int, str]
    audiences: dict[int, str]
    order: dict[tuple[int | None, int | None], tuple[int, int]]

    def knows(self, facility_id: int | None, room_id: int | None, organizer_id: int, area_id: int | None) -> bool:
        return (
            organizer_id in self.organizers
            and (facility_id is None or facility_id in self.facilities)
            and (room_id is None or room_id in self.rooms)
            and (area_id is None or area_id in self.areas)
        )


def _listing_names(*, fresh: bool = False) -> _ListingNames:
    def read() -> _ListingNames:
        categories = list(Category.objects.order_by("sort_order", "pk"))
        audiences = list(Audience.objects.order_by("sort_order", "pk"))
        return _ListingNames(
            organizers={
                pk: (name, kind, url)
                for pk, name, kind, url in Organizer.objects.values_list("pk", "name", "kind", "url")
            },
            facilities={
                pk: (name, address) for pk, name, address in Facility.objects.values_list("pk", "name", "address")
            },
            rooms=dict(Room.objects.values_list("pk", "name")),
            areas=dict(Area.objects.values_list("pk", "name")),
            categories={c.pk: str(c) for c in categories},
            audiences={a.pk: a.name for a in audiences},
            order={
                **{(c.pk, None): (0, place) for place, c in enumerate(categories)},
                **{(None, a.pk): (1, place) for place, a in enumerate(audiences)},
            },
        )

    return _kept_reference("listing names", read, fresh=fresh)


@functools.cache
def _listing_tables(vendor: str) -> dict[str, str]:
    """The quoted names of the tables ``program_listings`` reads, for the database ``vendor``."""
    return {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("program", Program),
            ("program_category", Program.categories.through),
            ("program_audience", Program.audiences.through),
            ("session", ProgramSession),
            ("organizer", Organizer),
            ("facility", Facility),
            ("room", Room),
        )
    }


def _listing_sql(part: str) -> str:
    """One of ``program_listings``'s statements, the programme ids as one parameter (``_ids_param``;
    twice for ``links``)."""
    table = _listing_tables(connection.vendor)
    among = _among_ids()
    if part == "programs":
        return (
            "SELECT id, title, title_kana, fee, fee_amount, capacity, application,"  # noqa: S608
            " CAST(applications_close_at AS TEXT),"
            " status, venue_name, venue_address, is_online, facility_id, room_id, organizer_id, area_id"
            f" FROM {table['program']} WHERE id {among}"
        )
    if part == "links":
        return (
            f"SELECT program_id, category_id, NULL FROM {table['program_category']}"  # noqa: S608
            f" WHERE program_id {among}"
            f" UNION ALL SELECT program_id, NULL, audience_id FROM {table['program_audience']}"
            f" WHERE program_id {among}"
        )
    assert part == "sessions", part
    return (
        f"SELECT program_id, CAST(starts_at AS TEXT), CAST(ends_at AS TEXT), note FROM {table['session']}"  # noqa: S608
        # The table's columns, not the text columns of the same name (PostgreSQL would sort by those).
        f" WHERE program_id {among} ORDER BY {table['session']}.starts_at, {table['session']}.id"
    )


def _moment(moment: str, zone: tzinfo) -> datetime:
    """``_local`` of a column that is never empty."""
    local = _local(moment, zone)
    assert local is not None
    return local


def _local(moment: str | None, zone: tzinfo) -> datetime | None:
    """A moment read as text by hand-written SQL, in ``zone``: SQLite gives it without a zone
    (stored in UTC, as Django stores every moment), PostgreSQL in the connection's zone, UTC, as
    Django sets it (ISO style, the server's default). Read as text because Django's loader for
    PostgreSQL's moments is written in Python: on a distinct API search, a page's sixty-odd moments
    cost more than parsing them here in C."""
    if moment is None:
        return None
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(zone)


@dataclass(frozen=True)
class CardProgram:
    """What a catalogue card shows of a programme (``programs.cards``), read without model instances."""

    pk: int
    title: str
    status: str
    summary: str
    description: str
    easy_summary: str
    venue_label: str
    organizer_name: str
    fee: str
    fee_amount: int | None
    fee_note: str
    application: str
    applications_close_at: datetime | None
    wheelchair_accessible: bool
    childcare_available: bool
    sign_language: bool
    next_session: ProgramSession | None  # the one a resident can still go to (``next_of_sessions``)
    later_sessions: int  # how many start after it


def program_cards_by_id(ids: Iterable[int]) -> dict[int, CardProgram]:
    """What a catalogue card shows of each programme ``ids`` (organiser, venue, next session), in two
    statements whatever their number (one round trip on PostgreSQL). A card names no field,
    audience or area, so they are not read.

    Hand-written SQL, as ``program_listings`` is, for the same reason: on a search page whose cards
    were not kept, reading twenty programmes with their organiser, venue and sessions as model
    instances cost a fifth of the page (docs/performance.md)."""
    ids = list(ids)
    if not ids:
        return {}
    table, among, ids_param = _listing_tables(connection.vendor), _among_ids(), _ids_param(ids)
    rows, session_rows = _read_together(
        [
            (
                "SELECT p.id, p.title, p.status, p.summary, p.description, p.easy_summary, p.venue_name, p.is_online,"  # noqa: S608
                " p.fee, p.fee_amount, p.fee_note, p.application, CAST(p.applications_close_at AS TEXT),"
                " p.wheelchair_accessible, p.childcare_available, p.sign_language, o.name, f.name, r.name"
                f" FROM {table['program']} p JOIN {table['organizer']} o ON o.id = p.organizer_id"
                f" LEFT JOIN {table['facility']} f ON f.id = p.facility_id"
                f" LEFT JOIN {table['room']} r ON r.id = p.room_id"
                f" WHERE p.id {among}",
                [ids_param],
            ),
            (
                f"SELECT program_id, CAST(starts_at AS TEXT), CAST(ends_at AS TEXT) FROM {table['session']}"  # noqa: S608
                f" WHERE program_id {among} ORDER BY {table['session']}.starts_at, {table['session']}.id",
                [ids_param],
            ),
        ]
    )
    zone = timezone.get_current_timezone()
    sessions: dict[int, list[SessionTimes]] = {}
    for pk, starts_at, ends_at in session_rows:
        sessions.setdefault(pk, []).append(SessionTimes(_moment(starts_at, zone), _local(ends_at, zone)))
    cards: dict[int, CardProgram] = {}
    now = timezone.now()
    for row in rows:
        (pk, title, status, summary, description, easy_summary, venue_name, is_online, fee, fee_amount) = row[:10]
        (fee_note, application, closes, wheelchair, childcare, sign_language, organizer, facility, room) = row[10:]
        held = sessions.get(pk, [])
        upcoming = next_of_sessions(held, now)
        cards[pk] = CardProgram(
            pk=pk,
            title=title,
            status=status,
            summary=summary,
            description=description,
            easy_summary=easy_summary,
            venue_label=venue_label(facility, room or "", bool(is_online), venue_name),
            organizer_name=organizer,
            fee=fee,
            fee_amount=fee_amount,
            fee_note=fee_note,
            application=application,
            applications_close_at=_local(closes, zone),
            wheelchair_accessible=bool(wheelchair),
            childcare_available=bool(childcare),
            sign_language=bool(sign_language),
            next_session=ProgramSession(program_id=pk, starts_at=upcoming.starts_at, ends_at=upcoming.ends_at)
            if upcoming
            else None,
            later_sessions=sum(1 for other in held if upcoming and other.starts_at > upcoming.starts_at),
        )
    return cards


def _page_ids(filters: ProgramFilters, *, offset: int, limit: int, now: datetime) -> tuple[int, list[int]]:
    sort = filters.effective_sort
    index = _index(filters)
    known: int | None = None  # the count, when the bitsets gave it
    if index is not None:
        allowed = combined(filter_bits(index, filters), index.visible(now))
        matches = None
        if filters.q.strip():
            matches = keyword_matches(index, filters.q, keep=settings.CATALOGUE_KEYWORD_CACHE)
        if matches is not None:
            allowed &= matches.bits
        count = allowed.bit_count()
        if sort == Sort.RELEVANCE and matches is not None:
            # The keyword's tiers give its ranking at any moment: the page is its first matches
            # that the other filters keep, however deep they lie.
            in_order = keyword_page(index, matches, allowed, now, offset + limit)
            return count, in_order[offset : offset + limit]
        known = count
    programs = _apply(_visible(filters, now), filters, now)
    ranked: list[int] | None = None
    if filters.q.strip():
        ranked = _ranked_ids(filters.q, now)
        if _is_cut(ranked):
            # More matches than the ranking read: the database matches the keyword itself, so
            # that the other filters and the count see every match, not only the first ones.
            programs = programs.filter(_keyword(filters.q))
            if sort == Sort.RELEVANCE:
                return _relevance_page_beyond_limit(programs, filters.q, ranked, offset=offset, limit=limit, now=now)
        else:
            programs = programs.filter(_among(ranked))
    if sort == Sort.RELEVANCE and ranked is not None:
        # The index ranks; the page is cut from its order after the other filters. One query
        # gives both the count and the page.
        kept = set(programs.order_by().values_list("pk", flat=True))
        return len(kept), [pk for pk in ranked if pk in kept][offset : offset + limit]
    count = programs.count() if known is None else known
    if sort == Sort.DEADLINE:
        programs = programs.order_by(F("applications_close_at").asc(nulls_last=True), "next_starts_at", "pk")
    elif sort == Sort.NEW:
        programs = programs.order_by(F("published_at").desc(nulls_last=True), "-pk")
    else:
        # By the next session, not the first: a course running since spring is not "starting soon".
        programs = programs.order_by(F("next_starts_at").asc(nulls_last=True), "pk")
    return count, list(programs.values_list("pk", flat=True)[offset : offset + limit])


def _relevance_page_beyond_limit(
    programs: QuerySet[Program], query: str, ranked: list[int], *, offset: int, limit: int, now: datetime
) -> tuple[int, list[int]]:
    """A page in relevance order when the keyword matches more than the ranking read.

    A limited ranking is the head of the full one, so a page lying within the head is cut from
    it; a page beyond it (deep pages, or filters that leave few of the first matches) needs the
    full ranking. The count is always the database's own.
    """
    count = programs.count()
    allowed = set(programs.filter(_among(ranked)).order_by().values_list("pk", flat=True))
    in_order = [pk for pk in ranked if pk in allowed]
    if len(in_order) < offset + limit and len(in_order) < count:
        allowed = set(programs.order_by().values_list("pk", flat=True))
        in_order = [pk for pk in _ranked_ids(query, now, complete=True) if pk in allowed]
    return count, in_order[offset : offset + limit]


def _among(ids: list[int]) -> RawSQL:
    """``pk IN ids`` with the ids as one parameter, for the top level of a programme query: as
    2,000 parameters, Django spends longer preparing them than the database spends on them."""
    sql = f'"programs_program"."id" {_among_ids()}'
    return RawSQL(sql, [_ids_param(ids)], output_field=models.BooleanField())  # noqa: S611 - fixed text, ids as a parameter


def _with_relations(programs: QuerySet[Program]) -> QuerySet[Program]:
    return programs.select_related("organizer", "facility", "room", "area").prefetch_related(
        "categories", "audiences", _sessions_in_order()
    )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def program_facets(filters: ProgramFilters, *, now: datetime | None = None) -> dict[str, list[FacetValue]]:
    """For each facet, how many programmes each value would give with the other filters kept."""
    now = _minute(now or timezone.now())
    # The labels are in the reader's language, so each language has its own entry.
    key = _cache_key("facets", filters, now, translation.get_language())
    facets: dict[str, list[FacetValue]] | None = cache.get(key)
    if facets is None:
        facets = _facets(filters, now)
        cache.set(key, facets, CACHE_SECONDS)
    return facets


@dataclass(frozen=True)
class _FacetChoices:
    """The fields, audiences and areas the facets list."""

    categories: tuple[Category, ...]
    audiences: tuple[Audience, ...]
    areas: tuple[Area, ...]


# Reference data changes only when ``load_reference`` runs (at a deploy), or when staff add or
# rename an organiser or a venue, so each process reads what it needs of it at most once a minute (as
# often as the catalogue index checks the database) instead of at every page; a new catalogue
# version (which such a change makes: ``catalogue_names_watch``) reads it again at once.
FACET_CHOICES_MAX_AGE = 60.0
_reference_kept: dict[tuple[str, str], tuple[str, float, Any]] = {}
T = TypeVar("T")


def _kept_reference(name: str, read: Callable[[], T], *, fresh: bool = False) -> T:
    """``read()``, kept in this process under ``name`` for FACET_CHOICES_MAX_AGE seconds and the
    catalogue's version (``fresh``: read again now)."""
    version, now, key = catalogue_version(), time.monotonic(), (connection.alias, name)
    kept = _reference_kept.get(key)
    if fresh or kept is None or kept[0] != version or now - kept[1] >= FACET_CHOICES_MAX_AGE:
        kept = (version, now, read())
        _reference_kept[key] = kept
    value: T = kept[2]
    return value


def _facet_choices() -> _FacetChoices:
    return _kept_reference(
        "facet choices",
        lambda: _FacetChoices(
            categories=tuple(Category.objects.order_by("sort_order")),
            audiences=tuple(Audience.objects.order_by("sort_order")),
            areas=tuple(Area.objects.all()),
        ),
    )


def _listed_facets(
    filters: ProgramFilters, *, categories: dict[Any, int], audiences: dict[Any, int], areas: dict[Any, int]
) -> dict[str, list[FacetValue]]:
    """The field, audience and area facets: every value the city lists, with its count."""
    choices = _facet_choices()
    return {
        "categories": [
            FacetValue(str(c.pk), c.label, categories.get(c.pk, 0), c.pk in filters.categories)
            for c in choices.categories
        ],
        "audiences": [
            FacetValue(str(a.pk), a.label, audiences.get(a.pk, 0), a.pk in filters.audiences) for a in choices.audiences
        ],
        "areas": [FacetValue(str(a.pk), a.label, areas.get(a.pk, 0), a.pk in filters.areas) for a in choices.areas],
    }


def _indexed_facets(index: CatalogueIndex, filters: ProgramFilters, now: datetime) -> dict[str, list[FacetValue]]:
    """``_facets`` from the catalogue's bitsets: the same counts, without a query per facet."""
    base = index.visible(now)
    if filters.q.strip():
        base &= _keyword_bits(index, filters.q)
    applied = filter_bits(index, filters)

    def counts(skip: str, table: dict[Any, int]) -> dict[Any, int]:
        among = combined(applied, base, skip=skip)
        return {value: (among & bits).bit_count() for value, bits in table.items()}

    facets = _listed_facets(
        filters,
        categories=counts("categories", index.categories),
        audiences=counts("audiences", index.audiences),
        areas=counts("areas", index.areas),
    )
    kind_counts = counts("organizer_kinds", index.organizer_kinds)
    facets["organizer_kinds"] = [
        FacetValue(value, str(label), kind_counts.get(value, 0), value in filters.organizer_kinds)
        for value, label in Organizer.Kind.choices
    ]
    among = combined(applied, base, skip="free")
    free_count = (among & index.fees.get(Program.Fee.FREE, 0)).bit_count()
    facets["free"] = [
        FacetValue("1", str(_("free")), free_count, filters.free is True),
        FacetValue("0", str(_("fee or materials")), among.bit_count() - free_count, filters.free is False),
    ]
    when_counts = counts("when", index.when)
    facets["when"] = [
        FacetValue(value, str(label), when_counts.get(value, 0), value in filters.when) for value, label in When.choices
    ]
    return facets


def _facets(filters: ProgramFilters, now: datetime) -> dict[str, list[FacetValue]]:
    index = _index(filters)
    if index is not None:
        return _indexed_facets(index, filters, now)
    base = _visible(filters, now)
    if filters.q.strip():
        ranked = _ranked_ids(filters.q, now)
        base = base.filter(_keyword(filters.q)) if _is_cut(ranked) else base.filter(pk__in=ranked)

    def counts(skip: str, rows: QuerySet[Any], key: str) -> dict[Any, int]:
        """Programmes per value of one facet, with every other filter applied: one GROUP BY query."""
        link = _PROGRAM_LINK[skip]
        ids = _apply(base, filters, now, skip=skip).values("pk")
        grouped = rows.filter(**{f"{link}__in": ids}).values(key).annotate(n=Count(link, distinct=True))
        return {row[key]: row["n"] for row in grouped}

    facets = _listed_facets(
        filters,
        categories=counts("categories", Program.categories.through.objects.all(), "category_id"),
        audiences=counts("audiences", Program.audiences.through.objects.all(), "audience_id"),
        areas=counts("areas", Program.objects.all(), "area_id"),
    )
    kind_counts = counts("organizer_kinds", Program.objects.all(), "organizer__kind")
    facets["organizer_kinds"] = [
        FacetValue(value, str(label), kind_counts.get(value, 0), value in filters.organizer_kinds)
        for value, label in Organizer.Kind.choices
    ]
    fee_counts = counts("free", Program.objects.all(), "fee")
    free_count = fee_counts.get(Program.Fee.FREE, 0)
    facets["free"] = [
        FacetValue("1", str(_("free")), free_count, filters.free is True),
        FacetValue("0", str(_("fee or materials")), sum(fee_counts.values()) - free_count, filters.free is False),
    ]
    when_ids = _apply(base, filters, now, skip="when").values("pk")
    sessions = ProgramSession.objects.filter(program_id__in=when_ids)
    if filters.date_from:
        sessions = sessions.filter(local_date__gte=filters.date_from)
    if filters.date_to:
        sessions = sessions.filter(local_date__lte=filters.date_to)
    when_counts = sessions.aggregate(
        morning=Count("program_id", filter=Q(time_band=ProgramSession.TimeBand.MORNING), distinct=True),
        afternoon=Count("program_id", filter=Q(time_band=ProgramSession.TimeBand.AFTERNOON), distinct=True),
        weekday_evening=Count(
            "program_id", filter=Q(time_band=ProgramSession.TimeBand.EVENING, is_day_off=False), distinct=True
        ),
        weekend=Count("program_id", filter=Q(is_day_off=True), distinct=True),
    )
    facets["when"] = [
        FacetValue(value, str(label), when_counts[value] or 0, value in filters.when) for value, label in When.choices
    ]
    return facets


_PROGRAM_LINK = {
    "categories": "program_id",
    "audiences": "program_id",
    "areas": "pk",
    "organizer_kinds": "pk",
    "free": "pk",
}


SCHOOL_KINDS = frozenset({Facility.Kind.SCHOOL_ELEMENTARY, Facility.Kind.SCHOOL_JUNIOR_HIGH})


@dataclass(frozen=True)
class AuthorOrganizer:
    """Whose name a programme goes out under when its author cannot choose the organiser."""

    kind: str
    name: str
    department: Any = None
    facility: Any = None
    user: Any = None


def author_organizer(user: Any) -> AuthorOrganizer:
    """City staff write for their department, else for the facility they staff (a school as a school);
    a staff member with neither writes for the city. Only residents who teach (a group organiser, a
    talent) write as a citizen lecturer: a member of staff is never labelled 市民講師."""
    if has_permission(user, "programs.publish_own"):
        department = getattr(user, "department", None)
        if department is not None:
            return AuthorOrganizer(Organizer.Kind.DEPARTMENT, str(department.name), department=department)
        facilities = facilities_managed_by(user)
        if facilities:
            facility = facilities[0]
            kind = Organizer.Kind.SCHOOL if facility.kind in SCHOOL_KINDS else Organizer.Kind.DEPARTMENT
            return AuthorOrganizer(kind, facility.name, facility=facility)
        return AuthorOrganizer(Organizer.Kind.DEPARTMENT, str(settings.CITY_NAME))
    return AuthorOrganizer(Organizer.Kind.CITIZEN, str(user.full_name), user=user)


def program_search_suggestion(query: str) -> str | None:
    """「もしかして」: a keyword from the catalogue's own words when ``query`` is not one of them."""
    return search_suggestion(kind=SEARCH_KIND, query=query) if query else None


def program_detail(program_id: int, *, user: Any = None) -> Program | None:
    """A programme as its public page shows it: published or finished, or any status for its editors."""
    program = _with_relations(Program.objects.filter(pk=program_id)).prefetch_related("co_organizers").first()
    if program is None:
        return None
    if program.status in {Program.Status.PUBLISHED, Program.Status.FINISHED, Program.Status.CANCELLED}:
        return program
    from manabiba.programs.permissions import can_edit_program

    return program if user is not None and can_edit_program(user, program) else None


def programs_on(day: date, *, filters: ProgramFilters | None = None) -> list[Program]:
    """Programmes with a session on ``day``, for the day list (with the listing's filters, if given)."""
    ids = ProgramSession.objects.filter(
        local_date=day, program_id__in=_calendar_programs(filters, _minute(timezone.now())).values("pk")
    ).values("program_id")
    return list(_with_relations(Program.objects.filter(pk__in=ids)).order_by("first_starts_at", "pk"))


@dataclass(frozen=True)
class CalendarEntry:
    program_id: int
    title: str


@dataclass(frozen=True)
class CalendarDayPrograms:
    count: int
    # The first few programmes of the day, by starting time: the calendar shows their titles.
    first: tuple[CalendarEntry, ...]


def _calendar_programs(filters: ProgramFilters | None, now: datetime) -> QuerySet[Program]:
    programs = Program.objects.filter(status__in=[Program.Status.PUBLISHED, Program.Status.FINISHED])
    if filters is None:
        return programs
    programs = _apply(programs, filters, now)
    return programs.filter(_keyword(filters.q)) if filters.q else programs


def calendar_month_programs(
    year: int, month: int, *, filters: ProgramFilters | None = None, per_day: int = 3
) -> dict[date, CalendarDayPrograms]:
    """Each day of a month with how many programmes meet and the titles of the first ``per_day``,
    with the listing's filters (field, area, fee, keyword …) applied: one query."""
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1)
    rows = (
        ProgramSession.objects.filter(
            local_date__gte=first,
            local_date__lt=last,
            program_id__in=_calendar_programs(filters, _minute(timezone.now())).values("pk"),
        )
        .order_by("local_date", "starts_at", "program_id")
        .values_list("local_date", "program_id", "program__title")
    )
    days: dict[date, tuple[list[int], list[CalendarEntry]]] = {}
    for day, program_id, title in rows:
        ids, entries = days.setdefault(day, ([], []))
        if program_id in ids:
            continue
        ids.append(program_id)
        if len(entries) < per_day:
            entries.append(CalendarEntry(program_id, title))
    return {day: CalendarDayPrograms(len(ids), tuple(entries)) for day, (ids, entries) in days.items()}


def sessions_in_month(year: int, month: int) -> dict[date, int]:
    """How many programmes meet on each day of a month, for the month calendar."""
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1)
    rows = (
        ProgramSession.objects.filter(
            local_date__gte=first,
            local_date__lt=last,
            program__status__in=[Program.Status.PUBLISHED, Program.Status.FINISHED],
        )
        .values("local_date")
        .annotate(n=Count("program_id", distinct=True))
    )
    return {row["local_date"]: row["n"] for row in rows}


def organizers_of_the_city(*, keep: Iterable[int] = ()) -> QuerySet[Organizer]:
    """The bodies of this city a programme may name as organiser or co-host.

    Departments, the centre, schools and facilities, groups, citizen lecturers and other bodies, but
    none that only another municipality's open data names (``Organizer.outside_city``), apart from
    those in ``keep`` (the ones a programme already names, so that editing it keeps them).
    """
    keep = list(keep)
    condition = Q(outside_city=False) | Q(pk__in=keep) if keep else Q(outside_city=False)
    return Organizer.objects.filter(condition).order_by("kind", "name_kana", "name")
