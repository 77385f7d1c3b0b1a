"""Feeds and structured data tell the truth: unknown times are days, past programmes offer
nothing, full ones are sold out, venues are where their address says, empty calendars are valid."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from manabiba.accounts.models import User
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.services import SessionTimes
from manabiba.registrations.services import registration_submit

from .test_feeds import jsonld_of

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def _day_only(day: date, *, until: date | None = None) -> list[SessionTimes]:
    """A session as the open data gives it when only the day is known (stored from midnight)."""
    starts = datetime(day.year, day.month, day.day, tzinfo=TOKYO)
    ends = datetime(until.year, until.month, until.day, 23, 59, tzinfo=TOKYO) if until else None
    return [SessionTimes(starts_at=starts, ends_at=ends)]


def test_a_session_whose_time_is_unknown_is_a_day_in_calendars_json_ld_and_on_the_page(client: Client) -> None:
    program = ProgramFactory(published=True, title="屋敷林の公開", sessions=_day_only(date(2030, 11, 8)))

    page = client.get(f"/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
    calendar = Calendar.from_ical(client.get(f"/programs/{program.pk}/calendar.ics").content)

    event = jsonld_of(page.content.decode())
    assert event["startDate"] == "2030-11-08"
    assert event["endDate"] == "2030-11-08"
    vevent = next(iter(calendar.walk("VEVENT")))
    assert vevent.decoded("DTSTART") == date(2030, 11, 8)
    assert vevent.decoded("DTEND") == date(2030, 11, 9)
    assert "VALUE=DATE" in vevent.to_ical().decode()
    # What a reader sees: the structured data carries timestamps of the programme's own (its offer
    # valid from when it was made), which read 00:00 when the test runs at midnight in Tokyo.
    text = re.sub(r"<script.*?</script>", "", page.content.decode(), flags=re.DOTALL)
    assert "2030年11月8日（金）時間未定" in text
    assert "00:00" not in text


def test_a_several_day_exhibition_without_times_spans_its_days(client: Client) -> None:
    program = ProgramFactory(published=True, sessions=_day_only(date(2030, 11, 1), until=date(2030, 11, 3)))

    event = jsonld_of(client.get(f"/programs/{program.pk}/").content.decode())
    vevent = next(iter(Calendar.from_ical(client.get(f"/programs/{program.pk}/calendar.ics").content).walk("VEVENT")))

    assert (event["startDate"], event["endDate"]) == ("2030-11-01", "2030-11-03")
    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (date(2030, 11, 1), date(2030, 11, 4))


def test_a_programme_that_is_over_offers_nothing(client: Client) -> None:
    program = ProgramFactory(published=True, past=True)

    event = jsonld_of(client.get(f"/programs/{program.pk}/").content.decode())

    assert "offers" not in event


def test_a_programme_whose_seats_are_taken_is_sold_out(client: Client, make_persona: object) -> None:
    program = ProgramFactory(
        published=True,
        capacity=1,
        application="site",
        applications_open_at=timezone.now() - timedelta(days=1),
        applications_close_at=timezone.now() + timedelta(days=3),
    )
    before = jsonld_of(client.get(f"/programs/{program.pk}/").content.decode())
    registration_submit(program=program, user=User.objects.create_user(email="seat@example.jp"), consent=True)
    cache.clear()  # visitors' pages are cached for a minute; the structured data is what is tested here

    after = jsonld_of(client.get(f"/programs/{program.pk}/").content.decode())

    assert before["offers"]["availability"] == "https://schema.org/InStock"
    assert after["offers"]["availability"] == "https://schema.org/SoldOut"


def test_a_venue_in_another_city_is_located_there(client: Client) -> None:
    program = ProgramFactory(
        published=True, venue_name="小平市中央公民館", venue_address="〒187-0032 東京都小平市小川町2-1325"
    )

    address = jsonld_of(client.get(f"/programs/{program.pk}/").content.decode())["location"]["address"]

    assert address["addressLocality"] == "小平市"
    assert address["postalCode"] == "187-0032"
    assert address["streetAddress"] == "小川町2-1325"
    assert address["addressRegion"] == "東京都"


def test_a_search_that_finds_nothing_still_gives_a_valid_calendar(client: Client) -> None:
    response = client.get("/programs/calendar.ics?q=存在しない講座名ぴよぴよ")

    calendar = Calendar.from_ical(response.content)
    assert response.status_code == 200
    assert list(calendar.walk("VEVENT")) == []
    assert calendar.subcomponents, "RFC 5545: a calendar holds at least one component"
