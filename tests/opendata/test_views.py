import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.opendata.importer import events_import
from manabiba.programs.models import Program
from manabiba.programs.services import program_cancel

from .conftest import OPENDATA_DIR

pytestmark = pytest.mark.usefixtures("reference")


def test_the_open_data_page_links_the_download_and_credits_the_sources(client: Client) -> None:
    response = client.get(reverse("opendata:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("opendata:events_csv") in html
    assert "アドレス・ベース・レジストリ（イベントデータ）" in html
    assert "デジタル庁" in html
    for city in ("西東京市", "小平市", "三鷹市", "武蔵野市", "狛江市"):
        assert city in html
    assert html.count("<h1") == 1


def test_the_download_lists_published_programmes_in_the_standard_layout(client: Client) -> None:
    events_import(paths=[OPENDATA_DIR / "events-musashino.csv"])
    cancelled = Program.objects.order_by("pk").first()
    assert cancelled is not None
    program_cancel(program=cancelled, actor=None, reason="雨天のため")

    response = client.get("/opendata/events.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    listed = {(row["イベント名"], row["場所名称"]) for row in rows}
    published = Program.objects.filter(status=Program.Status.PUBLISHED)
    assert (cancelled.title, cancelled.venue_label) not in listed
    assert listed == {(program.title, program.venue_label) for program in published}
    assert len(rows) == sum(p.sessions.count() for p in Program.objects.filter(status=Program.Status.PUBLISHED))
