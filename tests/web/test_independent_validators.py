"""Validators nobody here wrote judge what the site gives other systems: openapi-spec-validator
the API document, vobject the calendars (the catalogue's, a listing's, an empty search's and a
room's), extruct the JSON-LD of a programme page, feedparser the Atom feed."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import extruct
import feedparser
import pytest
import vobject
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.services import SessionTimes

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def test_the_openapi_document_is_a_valid_openapi_document(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()

    validate(document)  # raises on any violation of the OpenAPI specification


def _calendar(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    return vobject.readOne(response.content.decode("utf-8"))


def test_vobject_reads_every_calendar_the_site_publishes(client: Client) -> None:
    course = ProgramFactory(published=True, course=True, title="やさしいスマホ講座")
    day = ProgramFactory(
        published=True,
        title="屋敷林の公開",
        sessions=[SessionTimes(starts_at=datetime(2030, 11, 8, tzinfo=TOKYO), ends_at=None)],
    )

    one = _calendar(client, f"/programs/{course.pk}/calendar.ics")
    listing = _calendar(client, "/programs/calendar.ics")
    empty = _calendar(client, "/programs/calendar.ics?q=存在しない講座名ぴよぴよ")
    unknown_time = _calendar(client, f"/programs/{day.pk}/calendar.ics")

    assert len(one.vevent_list) == 4
    assert all("やさしいスマホ講座" in str(event.summary.value) for event in one.vevent_list)
    assert len(listing.vevent_list) >= 5
    assert not hasattr(empty, "vevent_list") or empty.vevent_list == []
    assert unknown_time.vevent.dtstart.value == date(2030, 11, 8)


def test_vobject_reads_a_rooms_month(client: Client) -> None:
    facility = FacilityFactory(name="検証公民館")
    TimeFrameFactory(facility=facility, name="夜間", starts_at=time(18), ends_at=time(21))
    room = RoomFactory(facility=facility, name="講座室", capacity=30, bookable=True)

    today = timezone.localdate()
    month = _calendar(client, f"/venues/rooms/{room.pk}/{today.year}/{today.month}/calendar.ics")

    assert month.name == "VCALENDAR"
    assert all("夜間" in str(event.summary.value) for event in month.vevent_list)


def test_extruct_finds_the_programme_as_a_schema_org_event(client: Client) -> None:
    facility = FacilityFactory(name="柳沢公民館", address="西東京市柳沢1-2-3")
    starts = datetime(2030, 6, 1, 13, 30, tzinfo=TOKYO)
    program = ProgramFactory(published=True, title="はじめての囲碁", facility=facility, venue_name="", starts_at=starts)

    page = client.get(f"/programs/{program.pk}/")
    data = extruct.extract(page.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"])

    events = [item for item in data["json-ld"] if item.get("@type") == "Event"]
    assert len(events) == 1
    event = events[0]
    assert event["name"] == "はじめての囲碁"
    assert datetime.fromisoformat(event["startDate"]) == starts
    assert event["location"]["address"]["addressLocality"] == "西東京市"
    assert event["location"]["address"]["streetAddress"] == "柳沢1-2-3"


def test_feedparser_reads_the_atom_feed_without_complaint(client: Client) -> None:
    ProgramFactory(published=True, title="囲碁入門", starts_at=datetime.now(TOKYO) + timedelta(days=3))

    feed = feedparser.parse(client.get("/programs/feed.atom").content)

    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == ["囲碁入門"]
