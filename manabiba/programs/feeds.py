"""Feeds of the catalogue: iCalendar (one programme, or any listing to subscribe to), Atom for any
listing, and the schema.org ``Event`` behind the JSON-LD of a programme's page.

A listing's feed takes the listing's own query string, parsed by the listing's own form, so that
"subscribe to this search" gives exactly what the page shows (up to ``FEED_LIMIT`` programmes).

JSON-LD for a programme of several sessions: one ``Event`` whose ``startDate`` is the first
session's start and ``endDate`` the last session's end, with one ``subEvent`` per session. Search
engines that read only the top-level event still get the right span; calendars that read
``subEvent`` get each meeting.
"""

import re
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
from icalendar import Calendar, Event, Timezone, vDuration

from manabiba.programs.availability import program_is_full
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
    if session.start_time_known:
        event.add("dtstart", session.starts_at.astimezone(TOKYO))
        event.add("dtend", (session.ends_at or session.starts_at).astimezone(TOKYO))
    else:
        # A day whose time nobody announced is an all-day event (DTEND is the day after, RFC 5545).
        event.add("dtstart", session.starts_at.astimezone(TOKYO).date())
        event.add("dtend", session.end_local_date + timedelta(days=1))
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
    if not calendar.subcomponents:
        # RFC 5545 wants at least one component: a search that finds nothing still subscribes to a
        # valid calendar, holding only the time zone its events will use.
        calendar.add_component(Timezone.from_tzid("Asia/Tokyo"))
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


def _start(session: ProgramSession) -> str:
    """The start as a date-time, or as a day when its time is not known (never a made-up midnight)."""
    if session.start_time_known:
        return session.starts_at.astimezone(TOKYO).isoformat()
    return session.starts_at.astimezone(TOKYO).date().isoformat()


def _end(session: ProgramSession) -> str:
    if session.ends_at is not None and session.end_time_known:
        return session.ends_at.astimezone(TOKYO).isoformat()
    if session.start_time_known and session.ends_at is None:
        return session.starts_at.astimezone(TOKYO).isoformat()
    return session.end_local_date.isoformat()


def _attendance_mode(program: Program) -> str:
    in_person = program.facility_id is not None or bool(program.venue_name or program.venue_address)
    if program.is_online and in_person:
        return f"{SCHEMA}MixedEventAttendanceMode"
    if program.is_online:
        return f"{SCHEMA}OnlineEventAttendanceMode"
    return f"{SCHEMA}OfflineEventAttendanceMode"


# 〒188-8666 東京都小平市小川町… : the postal code, the prefecture and the municipality of an address.
_POSTAL_CODE = re.compile(r"〒?\s*(\d{3})-?(\d{4})\s*")
_REGION = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
# 町 alone is not enough: most neighbourhoods are 〜町 (南町, 田無町) inside a city.
_LOCALITY = re.compile(r"^(.+?郡.+?[町村]|.+?市.+?区|.+?[市区])")


def postal_address(street: str) -> dict[str, Any]:
    """A schema.org ``PostalAddress`` read from a Japanese address.

    A venue's address names its own municipality when it lies outside the city (a neighbouring
    city's event in the open data); an address without one is in the city, as our facilities are.
    """
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "JP"}
    rest = street.strip()
    if match := _POSTAL_CODE.match(rest):
        address["postalCode"] = f"{match.group(1)}-{match.group(2)}"
        rest = rest[match.end() :]
    region = "東京都"
    if match := _REGION.match(rest):
        region, rest = match.group(1), rest[match.end() :]
    locality = settings.CITY_NAME
    if match := _LOCALITY.match(rest):
        locality, rest = match.group(1), rest[match.end() :]
    address["addressRegion"] = region
    address["addressLocality"] = locality
    if rest.strip():
        address["streetAddress"] = rest.strip()
    return address


def _place(program: Program) -> dict[str, Any] | None:
    if program.facility is not None:
        name, street = program.venue_label, program.facility.address
    elif program.venue_name or program.venue_address:
        name, street = program.venue_name or program.venue_address, program.venue_address
    else:
        return None
    return {"@type": "Place", "name": name, "address": postal_address(street)}


def _locations(request: HttpRequest, program: Program) -> list[dict[str, Any]]:
    locations = []
    place = _place(program)
    if place is not None:
        locations.append(place)
    if program.is_online:
        locations.append({"@type": "VirtualLocation", "url": program.application_url or program_url(request, program)})
    return locations


def _is_over(program: Program, sessions: list[ProgramSession], now: datetime) -> bool:
    if program.status in {Program.Status.FINISHED, Program.Status.CANCELLED}:
        return True
    return bool(sessions) and max(s.ends_at or s.starts_at for s in sessions) < now


def _availability(program: Program, now: datetime) -> str:
    state = program_application_window(program, now=now).state
    if state == WindowState.CLOSED:
        return f"{SCHEMA}SoldOut"
    if program_is_full(program):
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
    }
    # A programme that is over offers nothing any more; one still to come says whether places remain.
    if not _is_over(program, sessions, now):
        event["offers"] = _offer(request, program, now)
    if program.organizer.url:
        event["organizer"]["url"] = program.organizer.url
    if program.title_en:
        event["alternateName"] = program.title_en
    description = _plain(program)
    if description:
        event["description"] = description
    if sessions:
        event["startDate"] = _start(sessions[0])
        event["endDate"] = _end(max(sessions, key=lambda s: s.ends_at or s.starts_at))
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
                "startDate": _start(session),
                "endDate": _end(session),
                "eventStatus": status,
                "eventAttendanceMode": event["eventAttendanceMode"],
                **({"location": location} if location is not None else {}),
                "url": url,
            }
            for number, session in enumerate(sessions, start=1)
        ]
    return event
