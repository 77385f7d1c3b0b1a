"""「まもなく開催」 on the home page lists programmes still to begin, not an exhibition that opened months ago."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from manabiba.programs.models import Organizer, Program
from manabiba.programs.services import SessionTimes, program_create, program_publish

pytestmark = pytest.mark.django_db


def publish(title: str, starts_in: timedelta, lasts: timedelta) -> Program:
    organizer, _ = Organizer.objects.get_or_create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    starts = timezone.now() + starts_in
    program = program_create(
        actor=None, title=title, organizer=organizer, sessions=[SessionTimes(starts, starts + lasts)]
    )
    return program_publish(program=program, actor=None)


def test_starting_soon_leaves_out_what_has_already_begun(client: Client) -> None:
    publish("特別展 郷土の歴史", -timedelta(days=90), timedelta(days=120))
    publish("はじめての俳句", timedelta(days=3), timedelta(hours=2))

    html = client.get("/").content.decode()
    section = re.search(r'<section class="home-section" aria-labelledby="soon-heading">(.*?)</section>', html, re.S)
    assert section is not None
    assert "はじめての俳句" in section.group(1)
    assert "特別展 郷土の歴史" not in section.group(1)
    # The exhibition is still in the catalogue: it runs for another month.
    assert "特別展 郷土の歴史" in client.get("/programs/").content.decode()
