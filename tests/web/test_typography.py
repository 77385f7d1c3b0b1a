"""Japanese pages use full-width brackets and no em dash between pieces of text (issue 15, typography):
the organiser's kind, a session's note, an exchange meeting's materials."""

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from manabiba.desk.reference import desk_contact_load
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer
from tests.typography import typography_faults

pytestmark = pytest.mark.django_db


def test_the_check_finds_half_width_brackets_and_dashes() -> None:
    html = (
        "<p>田無公民館 (市民講師)</p><p>（デモ）ゆめこらぼ（市民協働推進センター）</p><p>Seats (3)</p>"
        "<p><ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby></p><p>資料 — ひばり会</p>"
    )
    assert typography_faults(html) == ["館 (", "資料 — ひばり会"]


@pytest.mark.parametrize(("language", "expected"), [("ja", "講座（材料費）"), ("en", "講座 (materials &amp; more)")])
def test_the_bracketed_filter_writes_the_brackets_of_the_language(language: str, expected: str) -> None:
    template = Template("{% load japanese %}講座{{ value|bracketed }}")
    value = "材料費" if language == "ja" else "materials & more"
    with translation.override(language):
        assert template.render(Context({"value": value})) == expected


def test_the_programme_page_in_japanese_has_full_width_brackets(client: Client) -> None:
    desk_contact_load()  # the footer's phone with its note (西東京市役所 代表)
    organizer = OrganizerFactory(name="（デモ）ゆめこらぼ", kind=Organizer.Kind.CENTER, department=None)
    program = ProgramFactory(published=True, organizer=organizer, course=True)
    program.sessions.update(note="持ち物：筆記用具")

    page = client.get(f"/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert '<span class="muted">（市民協働推進センター ゆめこらぼ）</span>' in page
    assert "／<span>持ち物：筆記用具</span>" in page
    assert "（西東京市役所 代表）" in page.split("<footer")[1]
    assert typography_faults(page) == []

    english = client.get(f"/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="muted"> (Citizen Collaboration Center (Yumecolab))</span>' in english
