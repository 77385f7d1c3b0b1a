"""The month calendar names the day's programmes and keeps the listing's filters (issue 15 item 19)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from manabiba.programs.models import Organizer, Program
from manabiba.programs.services import SessionTimes, program_create, program_publish

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
DAY = datetime(2030, 6, 12, tzinfo=TOKYO)


def publish(title: str, hour: int, *, free: bool) -> Program:
    organizer, _ = Organizer.objects.get_or_create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    starts = DAY.replace(hour=hour)
    program = program_create(
        actor=None,
        title=title,
        organizer=organizer,
        fee=Program.Fee.FREE if free else Program.Fee.PAID,
        fee_amount=None if free else 500,
        sessions=[SessionTimes(starts, starts + timedelta(hours=1))],
    )
    return program_publish(program=program, actor=None)


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_each_day_names_its_first_programmes_and_counts_the_rest(english: Client) -> None:
    for hour, title in enumerate(["朝の体操", "書道入門", "陶芸教室", "夜の読書会", "英会話"], start=9):
        publish(title, hour, free=hour % 2 == 1)

    html = english.get("/programs/calendar/2030/6/").content.decode()

    for title in ["朝の体操", "書道入門", "陶芸教室"]:
        assert f'lang="ja">{title}</a>' in html
    assert "夜の読書会" not in html
    assert "and 2 more" in html
    assert 'href="/programs/day/2030-06-12/"' in html


def test_the_calendar_keeps_the_listings_filters(english: Client) -> None:
    publish("無料の体操", 9, free=True)
    publish("有料の陶芸", 10, free=False)

    listing = english.get("/programs/?free=1&past=on").content.decode()
    assert 'href="/programs/calendar/?free=1&amp;past=on"' in listing
    assert english.get("/programs/calendar/?free=1&past=on").url.endswith("/?free=1&past=on")

    html = english.get("/programs/calendar/2030/6/?free=1").content.decode()
    assert "無料の体操" in html
    assert "有料の陶芸" not in html
    assert 'href="/programs/calendar/2030/7/?free=1"' in html
    assert 'href="/programs/day/2030-06-12/?free=1"' in html
    assert 'href="/programs/?free=1">Back to the filtered list' in html

    day = english.get("/programs/day/2030-06-12/?free=1").content.decode()
    assert "無料の体操" in day
    assert "有料の陶芸" not in day
