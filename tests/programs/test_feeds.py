"""Feeds: iCalendar for a programme and for any listing, Atom for any listing, and JSON-LD on the page."""

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.factories import CategoryFactory, OrganizerFactory, ProgramFactory
from manabiba.programs.models import Program
from manabiba.programs.services import program_cancel
from manabiba.programs.templatetags.jsonld import jsonld

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def events_of(body: bytes) -> list[Any]:
    calendar = Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def jsonld_of(html: str) -> dict[str, Any]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert len(blocks) == 1
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def test_a_programme_calendar_has_one_event_per_session_with_stable_ids(client: Client) -> None:
    program = ProgramFactory(published=True, course=True, title="やさしいスマホ講座", venue_name="田無公民館")

    response = client.get(f"/programs/{program.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "やさしいスマホ講座"
    assert "REFRESH-INTERVAL" in calendar
    assert "X-PUBLISHED-TTL" in calendar
    events = list(calendar.walk("VEVENT"))
    sessions = list(program.sessions.order_by("starts_at"))
    assert len(events) == 4
    assert [str(e["UID"]) for e in events] == [f"program-{program.pk}-session-{s.pk}@testserver" for s in sessions]
    assert [e.decoded("DTSTART") for e in events] == [s.starts_at for s in sessions]
    assert [e.decoded("DTEND") for e in events] == [s.ends_at for s in sessions]
    first = events[0]
    assert "やさしいスマホ講座" in str(first["SUMMARY"])
    assert str(first["LOCATION"]) == "田無公民館"
    assert str(first["URL"]) == f"http://testserver/programs/{program.pk}/"
    assert f"http://testserver/programs/{program.pk}/" in str(first["DESCRIPTION"])
    assert program.summary in str(first["DESCRIPTION"])
    assert str(first["STATUS"]) == "CONFIRMED"
    # The same programme asked again gives the same ids, so subscribed calendars update, not duplicate.
    again = events_of(client.get(f"/programs/{program.pk}/calendar.ics").content)
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in events]


def test_times_are_in_tokyo_with_the_time_zone_described(client: Client) -> None:
    starts = datetime(2030, 6, 1, 13, 30, tzinfo=TOKYO)
    program = ProgramFactory(published=True, starts_at=starts)

    body = client.get(f"/programs/{program.pk}/calendar.ics").content

    assert b"DTSTART;TZID=Asia/Tokyo:20300601T133000" in body
    assert b"BEGIN:VTIMEZONE" in body
    event = events_of(body)[0]
    assert event.decoded("DTSTART") == starts


def test_a_cancelled_programme_calendar_says_cancelled(client: Client) -> None:
    program = ProgramFactory(published=True)
    program_cancel(program=program, actor=None, reason="講師の急病のため")

    event = events_of(client.get(f"/programs/{program.pk}/calendar.ics").content)[0]

    assert str(event["STATUS"]) == "CANCELLED"


def test_an_unpublished_programme_has_no_calendar(client: Client) -> None:
    program = ProgramFactory()

    assert client.get(f"/programs/{program.pk}/calendar.ics").status_code == 404
    assert client.get("/programs/999999/calendar.ics").status_code == 404


def test_the_listing_calendar_follows_the_listings_filters(client: Client) -> None:
    ProgramFactory(published=True, weekend=True, title="週末の陶芸")
    ProgramFactory(published=True, title="平日の陶芸")
    ProgramFactory(published=True, weekend=True, title="週末の体操", fee="paid", fee_amount=500)
    ProgramFactory(title="下書きの陶芸", weekend=True)

    response = client.get("/programs/calendar.ics?when=weekend&free=1")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(e["SUMMARY"]) for e in events_of(response.content)] == ["週末の陶芸"]
    everything = events_of(client.get("/programs/calendar.ics").content)
    assert sorted(str(e["SUMMARY"]) for e in everything) == ["平日の陶芸", "週末の体操", "週末の陶芸"]


def test_the_listing_calendar_finds_by_keyword(client: Client) -> None:
    ProgramFactory(published=True, title="糖尿病予防の講座")
    ProgramFactory(published=True, title="陶芸教室")

    events = events_of(client.get("/programs/calendar.ics", {"q": "糖尿病"}).content)

    assert [str(e["SUMMARY"]) for e in events] == ["糖尿病予防の講座"]


def test_the_atom_feed_parses_and_lists_the_newest_programmes_first(client: Client) -> None:
    older = ProgramFactory(published=True, title="先に公開した講座")
    newer = ProgramFactory(published=True, title="後で公開した講座", summary="新しい講座です。")
    Program.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=3))

    response = client.get("/programs/feed.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == ["後で公開した講座", "先に公開した講座"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/programs/{newer.pk}/"
    assert entry.summary == "新しい講座です。"
    assert entry.updated_parsed is not None


def test_the_atom_feed_follows_the_listings_filters(client: Client) -> None:
    pottery = CategoryFactory(major="芸術・文化")
    ProgramFactory(published=True, title="陶芸入門", categories=[pottery])
    ProgramFactory(published=True, title="防災講座")

    feed = feedparser.parse(client.get(f"/programs/feed.atom?category={pottery.pk}&page=3").content)

    assert feed.bozo == 0
    assert [entry.title for entry in feed.entries] == ["陶芸入門"]
    assert feed.feed.link.endswith(f"/programs/?category={pottery.pk}")


def _required_event_fields(event: dict[str, Any]) -> None:
    """What schema.org and the search engines that read it need of an Event."""
    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "Event"
    assert isinstance(event["name"], str)
    assert event["name"]
    datetime.fromisoformat(event["startDate"])
    datetime.fromisoformat(event["endDate"])
    assert event["eventStatus"] in {"https://schema.org/EventScheduled", "https://schema.org/EventCancelled"}
    assert event["eventAttendanceMode"].startswith("https://schema.org/")
    assert event["inLanguage"] == "ja"
    assert event["url"].startswith("http://testserver/programs/")
    assert event["organizer"]["@type"] == "Organization"
    offer = event["offers"]
    assert offer["@type"] == "Offer"
    assert offer["priceCurrency"] == "JPY"
    assert offer["availability"].startswith("https://schema.org/")


def test_the_detail_page_describes_the_programme_as_a_schema_org_event(client: Client) -> None:
    facility = FacilityFactory(name="柳沢公民館", address="西東京市柳沢1-2-3")
    organizer = OrganizerFactory(name="社会教育課", url="https://www.city.example.jp/kyoiku/")
    starts = datetime(2030, 6, 1, 13, 30, tzinfo=TOKYO)
    now = timezone.now()
    program = ProgramFactory(
        published=True,
        title="はじめての囲碁",
        summary="初心者向けの囲碁教室です。",
        organizer=organizer,
        facility=facility,
        venue_name="",
        starts_at=starts,
        fee="paid",
        fee_amount=500,
        capacity=20,
        application="site",
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=10),
    )

    response = client.get(f"/programs/{program.pk}/")

    assert response.status_code == 200
    event = jsonld_of(response.content.decode())
    _required_event_fields(event)
    assert event["name"] == "はじめての囲碁"
    assert event["description"] == "初心者向けの囲碁教室です。"
    assert datetime.fromisoformat(event["startDate"]) == starts
    assert datetime.fromisoformat(event["endDate"]) == starts + timedelta(hours=2)
    assert event["startDate"].endswith("+09:00")
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["location"]["@type"] == "Place"
    assert event["location"]["name"] == "柳沢公民館"
    address = event["location"]["address"]
    assert address["@type"] == "PostalAddress"
    assert address["addressLocality"] == "西東京市"
    assert address["streetAddress"] == "柳沢1-2-3"
    assert address["addressCountry"] == "JP"
    assert event["organizer"] == {"@type": "Organization", "name": "社会教育課", "url": organizer.url}
    offer = event["offers"]
    assert offer["price"] == 500
    assert offer["availability"] == "https://schema.org/InStock"
    assert datetime.fromisoformat(offer["validFrom"]) == program.applications_open_at
    assert datetime.fromisoformat(offer["validThrough"]) == program.applications_close_at
    assert offer["url"] == f"http://testserver/programs/{program.pk}/"
    assert event["maximumAttendeeCapacity"] == 20
    assert "subEvent" not in event


def test_a_course_is_one_event_spanning_its_sessions_with_a_sub_event_each(client: Client) -> None:
    program = ProgramFactory(published=True, course=True)
    sessions = list(program.sessions.order_by("starts_at"))

    event = jsonld_of(client.get(f"/programs/{program.pk}/").content.decode())

    _required_event_fields(event)
    assert datetime.fromisoformat(event["startDate"]) == sessions[0].starts_at
    assert datetime.fromisoformat(event["endDate"]) == sessions[-1].ends_at
    assert [datetime.fromisoformat(sub["startDate"]) for sub in event["subEvent"]] == [s.starts_at for s in sessions]
    assert all(sub["@type"] == "Event" for sub in event["subEvent"])
    assert event["offers"]["price"] == 0


def test_cancelled_and_online_programmes_say_so_in_json_ld(client: Client) -> None:
    online = ProgramFactory(published=True, is_online=True, venue_name="")
    mixed = ProgramFactory(published=True, is_online=True, venue_name="田無公民館")
    cancelled = ProgramFactory(published=True)
    program_cancel(program=cancelled, actor=None, reason="台風のため")

    online_event = jsonld_of(client.get(f"/programs/{online.pk}/").content.decode())
    mixed_event = jsonld_of(client.get(f"/programs/{mixed.pk}/").content.decode())
    cancelled_event = jsonld_of(client.get(f"/programs/{cancelled.pk}/").content.decode())

    assert online_event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online_event["location"]["@type"] == "VirtualLocation"
    assert online_event["location"]["url"].startswith("http")
    assert mixed_event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert {loc["@type"] for loc in mixed_event["location"]} == {"Place", "VirtualLocation"}
    assert cancelled_event["eventStatus"] == "https://schema.org/EventCancelled"
    assert "offers" not in cancelled_event, "a cancelled programme offers no places"


def test_json_ld_cannot_close_its_script_element(client: Client) -> None:
    program = ProgramFactory(published=True, title="</script><script>alert(1)</script> & <!-- 講座")

    html = client.get(f"/programs/{program.pk}/").content.decode()

    assert "<script>alert(1)" not in html
    assert jsonld_of(html)["name"] == "</script><script>alert(1)</script> & <!-- 講座"


def test_the_jsonld_filter_escapes_what_html_would_read() -> None:
    text = str(jsonld({"a": "<b>&\u2028"}))

    assert not {"<", ">", "&"} & set(text)
    assert json.loads(text) == {"a": "<b>&\u2028"}


def test_listing_feeds_read_a_fixed_number_of_queries(client: Client) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    ProgramFactory(published=True, course=True, categories=[CategoryFactory()])
    few = (queries("/programs/calendar.ics"), queries("/programs/feed.atom"))
    for _ in range(4):
        ProgramFactory(published=True, course=True, categories=[CategoryFactory()])

    assert (queries("/programs/calendar.ics"), queries("/programs/feed.atom")) == few
