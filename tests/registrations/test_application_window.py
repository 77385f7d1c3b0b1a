"""One rule for "are applications open?", at every boundary, through every place that asks it:
the programme's page (its wording, its structured data and the registration box), the
"applications open now" filter of the listing, the apply page and the service that stores an
application."""

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from manabiba.accounts.factories import UserFactory
from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import ProgramFilters, WindowReason, WindowState, program_search
from manabiba.programs.services import SessionTimes, program_cancel, program_create, program_publish
from manabiba.registrations.models import Registration
from manabiba.registrations.services import registration_submit

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
CREATED = datetime(2027, 1, 1, 9, 0, tzinfo=TOKYO)
OPENS = datetime(2027, 1, 5, 9, 0, tzinfo=TOKYO)
CLOSES = datetime(2027, 1, 15, 17, 0, tzinfo=TOKYO)
STARTS = datetime(2027, 1, 20, 10, 0, tzinfo=TOKYO)  # the first session
SECOND = timedelta(seconds=1)
SITE, PHONE, NONE = Program.Application.SITE, Program.Application.PHONE, Program.Application.NONE


@dataclass(frozen=True)
class Row:
    application: str
    opens: datetime | None
    closes: datetime | None
    now: datetime
    state: WindowState
    reason: WindowReason
    cancelled: bool = False


OPEN, NOT_YET, CLOSED = WindowState.OPEN, WindowState.NOT_YET, WindowState.CLOSED
R = WindowReason
ROWS = {
    "no dates, before the first session": Row(SITE, None, None, STARTS - timedelta(days=1), OPEN, R.OPEN),
    "one second before opening": Row(SITE, OPENS, CLOSES, OPENS - SECOND, NOT_YET, R.BEFORE_OPENING),
    "exactly at opening": Row(SITE, OPENS, CLOSES, OPENS, OPEN, R.OPEN),
    "one second after opening": Row(SITE, OPENS, CLOSES, OPENS + SECOND, OPEN, R.OPEN),
    "one second before closing": Row(SITE, OPENS, CLOSES, CLOSES - SECOND, OPEN, R.OPEN),
    "exactly at closing": Row(SITE, OPENS, CLOSES, CLOSES, CLOSED, R.DEADLINE_PASSED),
    "one second after closing": Row(SITE, OPENS, CLOSES, CLOSES + SECOND, CLOSED, R.DEADLINE_PASSED),
    "no closing date, one second before the first session": Row(SITE, OPENS, None, STARTS - SECOND, OPEN, R.OPEN),
    "no closing date, exactly at the first session": Row(SITE, OPENS, None, STARTS, CLOSED, R.STARTED),
    "no closing date, one second after the first session": Row(SITE, None, None, STARTS + SECOND, CLOSED, R.STARTED),
    "closing after the first session, once it has started": Row(
        SITE, None, STARTS + timedelta(days=1), STARTS + SECOND, OPEN, R.OPEN
    ),
    "by phone, open": Row(PHONE, OPENS, CLOSES, CLOSES - SECOND, OPEN, R.OPEN),
    "by phone, closed": Row(PHONE, OPENS, CLOSES, CLOSES, CLOSED, R.DEADLINE_PASSED),
    "no application needed": Row(NONE, None, None, STARTS - SECOND, WindowState.NONE, R.NO_APPLICATION),
    "cancelled": Row(SITE, OPENS, CLOSES, CLOSES - SECOND, CLOSED, R.NOT_PUBLISHED, cancelled=True),
}
AVAILABILITY = {OPEN: "InStock", WindowState.NONE: "InStock", NOT_YET: "PreOrder", CLOSED: "SoldOut"}


def _program(row: Row) -> Program:
    with time_machine.travel(CREATED, tick=False):
        organizer = Organizer.objects.create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
        program = program_create(
            actor=None,
            title="囲碁教室",
            organizer=organizer,
            sessions=[SessionTimes(STARTS, STARTS + timedelta(hours=2))],
            application=row.application,
            applications_open_at=row.opens,
            applications_close_at=row.closes,
            capacity=20,
        )
        program = program_publish(program=program, actor=None)
        if row.cancelled:
            program = program_cancel(program=program, actor=None, reason="台風のため")
    return program


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_every_place_that_asks_gives_the_same_answer(row: Row) -> None:
    program = _program(row)
    resident = UserFactory()
    takes_it_here = row.state == OPEN and row.application == SITE
    with time_machine.travel(row.now, tick=False):
        # 1. The programme's page: its wording, its structured data, the registration box.
        page = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("programs:detail", args=[program.pk]))
        window = page.context["application"]
        assert (window.state, window.reason) == (row.state, row.reason)
        jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.content.decode(), re.S)
        assert jsonld is not None
        offer = json.loads(jsonld.group(1)).get("offers")
        if row.cancelled:
            assert offer is None  # a programme that is over offers nothing at all
        else:
            assert offer["availability"] == f"https://schema.org/{AVAILABILITY[row.state]}"
        apply_url = reverse("registrations:apply", args=[program.pk])
        assert (f"?next={apply_url}" in page.content.decode()) is takes_it_here

        # 2. The listing's "applications open now" filter (and the home page's "closing soon").
        listed = program_search(ProgramFilters(open_now=True), now=row.now).programs
        assert (program in listed) is (row.state == OPEN)

        # 3. The apply page.
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(resident)
        assert (client.get(apply_url).context["closed"] is None) is takes_it_here

        # 4. The service that stores the application.
        if takes_it_here:
            registration = registration_submit(program=program, user=resident, consent=True, now=row.now)
            assert registration.status == Registration.Status.CONFIRMED
        else:
            with pytest.raises(ValidationError) as refused:
                registration_submit(program=program, user=resident, consent=True, now=row.now)
            assert refused.value.code == "closed"
