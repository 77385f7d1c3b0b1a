"""Feeds of the catalogue: iCalendar (one programme, or any listing to subscribe to), Atom for any
listing, and the schema.org ``Event`` behind the JSON-LD of a programme's page.

A listing's feed takes the listing's own query string, parsed by the listing's own form, so that
"subscribe to this search" gives exactly what the page shows (up to ``FEED_LIMIT`` programmes).

JSON-LD for a programme of several sessions: one ``Event`` whose ``startDate`` is the first
session's start and ``endDate`` the last session's end, with one ``subEvent`` per session. Search
engines that read only the top-level event still get the right span; calendars that read
``subEvent`` get each meeting.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event, vDuration

from manabiba.programs.forms import ProgramFilterForm
from manabiba.programs.models import Program, ProgramSession
from manabiba.programs.selectors import (
    ProgramFilters,
    Sort,
    WindowState,
    program_application_window,
    program_detail,
    program_search,
)

# A feed is read by machines that poll it: enough programmes to be useful, few enough to be cheap.
FEED_LIMIT = 200
# How often a subscribed calendar should come back for changes.
REFRESH = timedelta(hours=6)
TOKYO = ZoneInfo("Asia/Tokyo")
ICAL_CONTENT_TYPE = "text/calendar; charset=utf-8"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
SCHEMA = "https://schema.org/"


def listing_filters(request: HttpRequest) -> ProgramFilters:
    """The filters of the listing page for the same query string."""
    return ProgramFilterForm(request.GET or None).filters()


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def program_url(request: HttpRequest, program: Program) -> str:
    return _absolute(request, reverse("programs:detail", args=[program.pk]))


def _listing_query(request: HttpRequest) -> str:
    """The query string without the page number: a feed is every page at once."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _host(request: HttpRequest) -> str:
    return request.get_host().split(":", 1)[0]


def _plain(program: Program) -> str:
    return program.summary or program.description[:300]


# --- iCalendar ------------------------------------------------------------------------------------


def _location(program: Program) -> str:
    if program.facility is not None:
        parts = [program.venue_label, program.facility.address]
    else:
        parts = [program.venue_label, program.venue_address]
    return " ".join(part for part in parts if part)


def _vevent(request: HttpRequest, program: Program, session: ProgramSession, number: int, total: int) -> Event:
    url = program_url(request, program)
    event = Event()
    event.add("uid", f"program-{program.pk}-session-{session.pk}@{_host(request)}")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", program.updated_at)
    event.add("dtstart", session.starts_at.astimezone(TOKYO))
    event.add("dtend", (session.ends_at or session.starts_at).astimezone(TOKYO))
    summary = program.title
    if total > 1:
        summary = _("%(title)s (session %(number)s of %(total)s)") % {
            "title": program.title,
            "number": number,
            "total": total,
        }
    event.add("summary", summary)
    event.add("description", "\n\n".join(part for part in [_plain(program), session.note, url] if part))
    location = _location(program)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if program.status == Program.Status.CANCELLED else "CONFIRMED")
    event.add("categories", [str(category) for category in program.categories.all()] or [program.get_kind_display()])
    return event


def _calendar(request: HttpRequest, name: str, programs: list[Program]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Manabiba//Programme catalogue//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for program in programs:
        sessions = list(program.sessions.all())
        for number, session in enumerate(sessions, start=1):
            calendar.add_component(_vevent(request, program, session, number, len(sessions)))
    calendar.add_missing_timezones()
    return calendar


def _ical_response(calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=ICAL_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def ical_program(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_detail(program_id, user=request.user)
    if program is None:
        raise Http404
    calendar = _calendar(request, program.title, [program])
    return _ical_response(calendar, f"program-{program.pk}.ics")


def _listing_name(filters: ProgramFilters) -> str:
    site = _("%(city)s learning programmes") % {"city": settings.CITY_NAME}
    if filters.q:
        return _("%(site)s: %(query)s") % {"site": site, "query": filters.q}
    return site


@require_GET
def ical_list(request: HttpRequest) -> HttpResponse:
    filters = listing_filters(request)
    page = program_search(filters, limit=FEED_LIMIT)
    return _ical_response(_calendar(request, _listing_name(filters), page.programs), "programs.ics")


# --- Atom -----------------------------------------------------------------------------------------


@require_GET
def atom_list(request: HttpRequest) -> HttpResponse:
    """The newest programmes of a listing first, whatever order the listing itself was in."""
    filters = listing_filters(request)
    page = program_search(replace(filters, sort=Sort.NEW), limit=FEED_LIMIT)
    query = _listing_query(request)
    listing = _absolute(request, reverse("programs:list") + (f"?{query}" if query else ""))
    feed = Atom1Feed(
        title=_listing_name(filters),
        link=listing,
        description=_("New learning programmes and events."),
        language="ja",
        feed_url=_absolute(request, reverse("programs:atom_list") + (f"?{query}" if query else "")),
        feed_guid=listing,
    )
    for program in page.programs:
        url = program_url(request, program)
        feed.add_item(
            title=program.title,
            link=url,
            description=_plain(program),
            unique_id=url,
            pubdate=program.published_at or program.created_at,
            updateddate=program.updated_at,
            author_name=program.organizer.name,
            categories=[str(category) for category in program.categories.all()],
        )
    response = HttpResponse(content_type=ATOM_CONTENT_TYPE)
    feed.write(response, "utf-8")
    return response


# --- schema.org Event (JSON-LD) -------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(TOKYO).isoformat() if value is not None else None


def _attendance_mode(program: Program) -> str:
    in_person = program.facility_id is not None or bool(program.venue_name or program.venue_address)
    if program.is_online and in_person:
        return f"{SCHEMA}MixedEventAttendanceMode"
    if program.is_online:
        return f"{SCHEMA}OnlineEventAttendanceMode"
    return f"{SCHEMA}OfflineEventAttendanceMode"


def _place(program: Program) -> dict[str, Any] | None:
    if program.facility is not None:
        name, street = program.venue_label, program.facility.address
    elif program.venue_name or program.venue_address:
        name, street = program.venue_name or program.venue_address, program.venue_address
    else:
        return None
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "addressLocality": settings.CITY_NAME,
        "addressRegion": "東京都",
        "addressCountry": "JP",
    }
    if street:
        address["streetAddress"] = street
    return {"@type": "Place", "name": name, "address": address}


def _locations(request: HttpRequest, program: Program) -> list[dict[str, Any]]:
    locations = []
    place = _place(program)
    if place is not None:
        locations.append(place)
    if program.is_online:
        locations.append({"@type": "VirtualLocation", "url": program.application_url or program_url(request, program)})
    return locations


def _availability(program: Program, now: datetime) -> str:
    state = program_application_window(program, now=now).state
    if state == WindowState.CLOSED:
        return f"{SCHEMA}SoldOut"
    if state == WindowState.NOT_YET:
        return f"{SCHEMA}PreOrder"
    return f"{SCHEMA}InStock"


def _offer(request: HttpRequest, program: Program, now: datetime) -> dict[str, Any]:
    offer: dict[str, Any] = {
        "@type": "Offer",
        "priceCurrency": "JPY",
        "availability": _availability(program, now),
        "url": program.application_url or program_url(request, program),
    }
    if program.fee == Program.Fee.FREE:
        offer["price"] = 0
    elif program.fee_amount is not None:
        offer["price"] = program.fee_amount
    valid_from = program.applications_open_at or program.published_at
    if valid_from is not None:
        offer["validFrom"] = _iso(valid_from)
    if program.applications_close_at is not None:
        offer["validThrough"] = _iso(program.applications_close_at)
    return offer


def program_event_jsonld(request: HttpRequest, program: Program, *, now: datetime | None = None) -> dict[str, Any]:
    """The schema.org ``Event`` for a programme's page (see the module's note on courses)."""
    now = now or timezone.now()
    url = program_url(request, program)
    status = f"{SCHEMA}EventCancelled" if program.status == Program.Status.CANCELLED else f"{SCHEMA}EventScheduled"
    sessions = list(program.sessions.all())
    locations = _locations(request, program)
    location: Any = locations[0] if len(locations) == 1 else locations or None
    event: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "name": program.title,
        "url": url,
        "inLanguage": "ja",
        "eventStatus": status,
        "eventAttendanceMode": _attendance_mode(program),
        "organizer": {"@type": "Organization", "name": program.organizer.name},
        "offers": _offer(request, program, now),
    }
    if program.organizer.url:
        event["organizer"]["url"] = program.organizer.url
    if program.title_en:
        event["alternateName"] = program.title_en
    description = _plain(program)
    if description:
        event["description"] = description
    if sessions:
        event["startDate"] = _iso(sessions[0].starts_at)
        event["endDate"] = _iso(max(s.ends_at or s.starts_at for s in sessions))
    if location is not None:
        event["location"] = location
    if program.image:
        event["image"] = [_absolute(request, program.image.url)]
    if program.capacity:
        event["maximumAttendeeCapacity"] = program.capacity
    if len(sessions) > 1:
        event["subEvent"] = [
            {
                "@type": "Event",
                "name": _("%(title)s (session %(number)s of %(total)s)")
                % {"title": program.title, "number": number, "total": len(sessions)},
                "startDate": _iso(session.starts_at),
                "endDate": _iso(session.ends_at or session.starts_at),
                "eventStatus": status,
                "eventAttendanceMode": event["eventAttendanceMode"],
                **({"location": location} if location is not None else {}),
                "url": url,
            }
            for number, session in enumerate(sessions, start=1)
        ]
    return event
