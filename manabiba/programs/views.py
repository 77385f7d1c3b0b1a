"""The public catalogue: the listing with facets, a programme's page, the month calendar and the day list."""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from manabiba.core.dates import FIRST_DAY, LAST_DAY, day_from_iso
from manabiba.core.holidays import holiday_name
from manabiba.core.page_cache import cache_public_page
from manabiba.core.preferences import furigana_on
from manabiba.programs.cards import program_cards
from manabiba.programs.forms import PAGE_SIZE, WEEKDAYS, ProgramFilterForm
from manabiba.programs.models import Program
from manabiba.programs.permissions import can_edit_program
from manabiba.programs.selectors import (
    CalendarDayPrograms,
    CalendarEntry,
    FacetValue,
    ProgramFilters,
    Sort,
    calendar_month_programs,
    catalogue_version,
    program_application_window,
    program_facets,
    program_page_ids,
    program_search_suggestion,
    programs_on,
)
from manabiba.programs.selectors import program_detail as program_detail_get
from manabiba.programs.templatetags.programme_dates import day_label

# The GET parameter each facet of program_facets is asked for by.
FACET_PARAMS = {
    "categories": "category",
    "audiences": "audience",
    "areas": "area",
    "organizer_kinds": "organizer",
    "free": "free",
    "when": "when",
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@dataclass(frozen=True)
class PageLink:
    number: int
    query: str
    current: bool


def _query(request: HttpRequest, **replace: Any) -> str:
    """The current GET query with some parameters replaced or dropped, and the empty ones left out."""
    params = request.GET.copy()
    for name, value in replace.items():
        params.pop(name, None)
        if value is not None:
            params[name] = str(value)
    for name in list(params):
        kept = [v for v in params.getlist(name) if v != ""]
        if kept:
            params.setlist(name, kept)
        else:
            params.pop(name)
    return params.urlencode()


def _page_links(request: HttpRequest, current: int, last: int) -> list[PageLink | None]:
    """The first, last and nearby pages; ``None`` marks a gap."""
    wanted = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links: list[PageLink | None] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            links.append(None)
        links.append(PageLink(number, _query(request, page=number if number > 1 else None), number == current))
        previous = number
    return links


@dataclass(frozen=True)
class Chip:
    """A filter in force, shown above the results as a link that removes it."""

    label: str
    remove_query: str


def _query_without(request: HttpRequest, name: str, value: str | None = None) -> str:
    """The current query without one value of ``name`` (all of them when ``value`` is None), from page 1."""
    params = request.GET.copy()
    params.pop("page", None)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return _query_from(params)


def _query_from(params: Any) -> str:
    for name in list(params):
        kept = [v for v in params.getlist(name) if v != ""]
        if kept:
            params.setlist(name, kept)
        else:
            params.pop(name)
    encoded: str = params.urlencode()
    return encoded


def _chips(
    request: HttpRequest,
    form: ProgramFilterForm,
    filters: ProgramFilters,
    facets: dict[str, list[FacetValue]],
    choices: list[tuple[str, list[tuple[Any, Any, bool]]]],
) -> list[Chip]:
    """Every filter in force, in the order the form shows them, each with the query that drops it."""
    chips: list[Chip] = []
    if filters.q:
        chips.append(Chip(_("“%(query)s”") % {"query": filters.q}, _query_without(request, "q")))
    if filters.date_from is not None:
        label = _("From %(day)s") % {"day": day_label(filters.date_from)}
        chips.append(Chip(label, _query_without(request, "date_from")))
    if filters.date_to is not None:
        label = _("Until %(day)s") % {"day": day_label(filters.date_to)}
        chips.append(Chip(label, _query_without(request, "date_to")))
    for key, values in facets.items():
        param = FACET_PARAMS.get(key)
        for option in values:
            if param and option.selected:
                chips.append(Chip(str(capfirst(option.label)), _query_without(request, param, str(option.value))))
    for param, options in choices:
        for value, label, selected in options:
            if selected:
                chips.append(Chip(str(capfirst(label)), _query_without(request, param, str(value))))
    for name, on in (
        ("open", filters.open_now),
        ("wheelchair", filters.wheelchair),
        ("childcare", filters.childcare),
        ("sign_language", filters.sign_language),
        ("easy", filters.easy_japanese),
        ("past", filters.include_past),
    ):
        if on:
            chips.append(Chip(str(form.fields[name].label), _query_without(request, name)))
    return chips


@cache_public_page(catalogue_version)
def program_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ProgramFilterForm(request.GET or None)
    filters = form.filters()
    page_number = form.page_number
    count, page_ids = program_page_ids(filters, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    facets = program_facets(filters)
    last_page = max(1, -(-count // PAGE_SIZE))
    weekdays = [(value, label, value in filters.weekdays) for value, label in WEEKDAYS]
    suggestion = program_search_suggestion(filters.q)
    kinds = [(value, label, value in filters.kinds) for value, label in Program.Kind.choices]
    context = {
        "form": form,
        "filters": filters,
        "facets": facets,
        "weekdays": weekdays,
        "kinds": kinds,
        "chips": _chips(request, form, filters, facets, [("weekday", weekdays), ("kind", kinds)]),
        "sorts": [(value, label) for value, label in Sort.choices if value != Sort.RELEVANCE or filters.q],
        "sort": filters.effective_sort,
        "cards": program_cards(page_ids, query=filters.q, furigana_on=furigana_on(request)),
        "count": count,
        "page_number": page_number,
        "last_page": last_page,
        "page_links": _page_links(request, page_number, last_page) if last_page > 1 else [],
        "previous_query": _query(request, page=page_number - 1 if page_number > 2 else None),
        "next_query": _query(request, page=page_number + 1),
        "feed_query": _query(request, page=None),
        "filtered": form.is_filtered,
        "suggestion": suggestion,
        "suggestion_query": _query(request, q=suggestion, page=None) if suggestion else "",
        "facet_counts": [(FACET_PARAMS[key], values) for key, values in facets.items() if key in FACET_PARAMS],
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "programs/program_list_update.html" if partial else "programs/program_list.html"
    response = render(request, template, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@cache_public_page(catalogue_version)
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_detail_get(program_id, user=request.user)
    if program is None:
        raise Http404
    now = timezone.now()
    finished = program.status == Program.Status.FINISHED or (
        program.status == Program.Status.PUBLISHED and program.last_ends_at is not None and program.last_ends_at < now
    )
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "sessions": list(program.sessions.all()),
            "categories": list(program.categories.all()),
            "audiences": list(program.audiences.all()),
            "co_organizers": list(program.co_organizers.all()),
            "application": program_application_window(program, now=now),
            "finished": finished,
            "is_public": program.status
            in {Program.Status.PUBLISHED, Program.Status.FINISHED, Program.Status.CANCELLED},
            "can_edit": can_edit_program(request.user, program),
            "share_links": _share_links(request, program),
            "map_url": _map_url(program),
        },
    )


def _map_url(program: Program) -> str:
    """A map of where the programme is held, on OpenStreetMap (no script of a map service on our pages)."""
    facility = program.facility
    if facility is not None and facility.coordinates:
        latitude, longitude = facility.coordinates
        return f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}"
    address = (facility.address if facility is not None else "") or program.venue_address
    return f"https://www.openstreetmap.org/search?{urlencode({'query': address})}" if address else ""


def _share_links(request: HttpRequest, program: Program) -> list[tuple[str, str]]:
    """Plain links that hand the programme to mail, LINE or X: no third-party script, no tracking."""
    url = request.build_absolute_uri(reverse("programs:detail", args=[program.pk]))
    return [
        (_("E-mail"), f"mailto:?{urlencode({'subject': program.title, 'body': url}, quote_via=quote)}"),
        ("LINE", f"https://social-plugins.line.me/lineit/share?{urlencode({'url': url})}"),
        ("X", f"https://x.com/intent/post?{urlencode({'text': program.title, 'url': url})}"),
    ]


@cache_public_page(catalogue_version)
def program_print(request: HttpRequest, program_id: int) -> HttpResponse:
    """A programme on one A4 sheet: when, where (with a map link), how to apply, whom to ask."""
    program = program_detail_get(program_id, user=request.user)
    if program is None:
        raise Http404
    return render(
        request,
        "programs/program_print.html",
        {
            "program": program,
            "sessions": list(program.sessions.all()),
            "application": program_application_window(program, now=timezone.now()),
            "map_url": _map_url(program),
            "page_url": request.build_absolute_uri(reverse("programs:detail", args=[program.pk])),
        },
    )


def calendar_current(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    url = reverse("programs:calendar", args=[today.year, today.month])
    # The listing's filters come along.
    query = _query(request, page=None, sort=None)
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    count: int
    holiday: str | None
    in_month: bool
    first: tuple[CalendarEntry, ...] = ()

    @property
    def more(self) -> int:
        return self.count - len(self.first)

    @property
    def is_day_off(self) -> bool:
        return self.day.weekday() >= 5 or self.holiday is not None

    @property
    def css(self) -> str:
        classes = ["calendar__day"]
        if self.day.weekday() == 5:
            classes.append("calendar__day--saturday")
        if self.day.weekday() == 6 or self.holiday:
            classes.append("calendar__day--holiday")
        if not self.in_month:
            classes.append("calendar__day--other-month")
        return " ".join(classes)


def _shift_month(year: int, month: int, delta: int) -> date:
    index = year * 12 + (month - 1) + delta
    return date(index // 12, index % 12 + 1, 1)


@cache_public_page(catalogue_version)
def calendar_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (FIRST_DAY.year <= year <= LAST_DAY.year and 1 <= month <= 12):
        raise Http404
    # The listing's filters come along (a link from a filtered list shows the same programmes).
    form = ProgramFilterForm(request.GET or None)
    days = calendar_month_programs(year, month, filters=form.filters() if form.is_filtered else None)
    empty = CalendarDayPrograms(0, ())
    # Japanese calendars start on Sunday.
    weeks = [
        [
            CalendarDay(
                day,
                days.get(day, empty).count,
                holiday_name(day),
                day.month == month,
                days.get(day, empty).first if day.month == month else (),
            )
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month)
    ]
    first = date(year, month, 1)
    previous, following = _shift_month(year, month, -1), _shift_month(year, month, 1)
    sunday_first = [WEEKDAYS[6], *WEEKDAYS[:6]]
    return render(
        request,
        "programs/calendar.html",
        {
            "month": first,
            "weeks": weeks,
            "weekday_names": [label for _value, label in sunday_first],
            "previous": previous if previous.year >= FIRST_DAY.year else None,
            "following": following if following.year <= LAST_DAY.year else None,
            "today": timezone.localdate(),
            "total": sum(entry.count for entry in days.values()),
            "filter_query": _query(request, page=None, sort=None),
            "filtered": form.is_filtered,
        },
    )


@cache_public_page(catalogue_version)
def day_list(request: HttpRequest, day: str) -> HttpResponse:
    when = day_from_iso(day)
    if when is None:
        raise Http404
    form = ProgramFilterForm(request.GET or None)
    programs = programs_on(when, filters=form.filters() if form.is_filtered else None)
    rows = [(program, [s for s in program.sessions.all() if s.local_date == when]) for program in programs]
    return render(
        request,
        "programs/day_list.html",
        {
            "day": when,
            "holiday": holiday_name(when),
            "rows": rows,
            "previous": date.fromordinal(when.toordinal() - 1),
            "following": date.fromordinal(when.toordinal() + 1),
            "filter_query": _query(request, page=None, sort=None),
        },
    )
