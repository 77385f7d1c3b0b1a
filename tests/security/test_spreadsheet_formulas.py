"""No export the site offers lets a spreadsheet run a cell as a formula (CSV injection)."""

import csv
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from manabiba.core.spreadsheet import spreadsheet_csv, spreadsheet_safe, spreadsheet_unescape
from manabiba.opendata.exporter import events_export
from manabiba.opendata.importer import events_import
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_starting_like_a_formula_is_written_as_text(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_unescape(spreadsheet_safe(cell)) == cell


def test_ordinary_text_and_numbers_are_written_as_they_are() -> None:
    assert spreadsheet_safe("西東京市 公民館") == "西東京市 公民館"
    assert spreadsheet_safe("042-438-4000") == "042-438-4000"
    assert spreadsheet_safe(-3) == "-3"
    assert spreadsheet_safe(None) == ""
    assert spreadsheet_unescape("'quoted by a person") == "'quoted by a person"


def test_the_writer_escapes_the_header_too_and_starts_with_a_bom() -> None:
    text = spreadsheet_csv(["=cmd", "name"], [["@x", 1]])

    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [["'=cmd", "name"], ["'@x", "1"]]


def _hostile_programme() -> Program:
    return ProgramFactory(
        published=True,
        title='=HYPERLINK("http://evil","講座")',
        summary="+cmd|' /C calc'!A0",
        venue_name="@SUM(1+1)",
    )


@pytest.mark.django_db
def test_the_public_event_list_download_escapes_hostile_cells(client: Client) -> None:
    _hostile_programme()

    response = client.get("/opendata/events.csv")

    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["イベント名"] == '\'=HYPERLINK("http://evil","講座")'
    assert rows[0]["場所名称"] == "'@SUM(1+1)"
    dangerous = [v for row in rows for v in row.values() if v[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    assert dangerous == []


@pytest.mark.django_db
@pytest.mark.parametrize("to_file", [True, False])
def test_export_events_escapes_hostile_cells_on_stdout_and_in_a_file(tmp_path: Path, to_file: bool) -> None:
    _hostile_programme()
    target = tmp_path / "events.csv"
    out = StringIO()

    call_command("export_events", *(["--output", str(target)] if to_file else []), stdout=out)

    text = target.read_text(encoding="utf-8") if to_file else out.getvalue()
    assert text.startswith("\ufeff"), "a file and stdout both carry the BOM spreadsheets need"
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0]["イベント名"].startswith("'=HYPERLINK")


@pytest.mark.django_db
def test_an_escaped_export_reads_back_as_the_original_title(tmp_path: Path) -> None:
    title = _hostile_programme().title
    path = tmp_path / "export.csv"
    path.write_text(events_export(Program.objects.all()), encoding="utf-8")
    Program.objects.all().delete()

    report = events_import(paths=[path])

    assert report.ok, [str(error) for error in report.errors]
    assert list(Program.objects.values_list("title", flat=True)) == [title]
