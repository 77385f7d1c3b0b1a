"""A programme on one printed sheet, and share links that need nobody else's script (issue 15 item 17)."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.models import Organizer, Program
from manabiba.programs.services import SessionTimes, program_create, program_publish

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def program() -> Program:
    organizer, _ = Organizer.objects.get_or_create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    hall = FacilityFactory(
        name="田無公民館", address="西東京市南町5-6-18", latitude=Decimal("35.727"), longitude=Decimal("139.538")
    )
    starts = datetime(2030, 1, 19, 10, 0, tzinfo=TOKYO)
    created = program_create(
        actor=None,
        title="はじめての俳句",
        organizer=organizer,
        facility=hall,
        application=Program.Application.SITE,
        applications_close_at=datetime(2030, 1, 10, 17, 0, tzinfo=TOKYO),
        sessions=[SessionTimes(starts, starts + timedelta(hours=2))],
    )
    return program_publish(program=created, actor=None)


def test_the_print_view_has_date_place_map_and_how_to_apply(client: Client, program: Program) -> None:
    html = client.get(f"/programs/{program.pk}/print/").content.decode()

    assert "はじめての俳句" in html
    assert "2030年1月19日（土）10:00〜12:00" in html
    assert "西東京市南町5-6-18" in html
    assert "https://www.openstreetmap.org/?mlat=35.727000&amp;mlon=139.538000" in html
    assert "2030年1月10日（木）17:00" in html
    assert f"http://testserver/programs/{program.pk}/" in html
    # Only the site's own scripts.
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/django_htmx/htmx-2.min.js", "/static/web/site.js"]


def test_the_programme_page_links_to_the_print_view_and_shares_by_plain_links(client: Client, program: Program) -> None:
    html = client.get(f"/programs/{program.pk}/").content.decode()
    page = quote(f"http://testserver/programs/{program.pk}/", safe="")

    assert f'href="/programs/{program.pk}/print/"' in html
    assert "mailto:?subject=%E3%81%AF" in html
    assert f"https://social-plugins.line.me/lineit/share?url={page}" in html
    assert "https://x.com/intent/post?text=" in html
    assert f"&amp;url={page}" in html
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]+)"', html))
