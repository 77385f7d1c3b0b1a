"""Our own export read back: into the database it came from (nothing changes) and into an empty
one (exporting again gives the same file, byte for byte)."""

from pathlib import Path

import pytest

from manabiba.opendata.exporter import events_export
from manabiba.opendata.importer import events_import
from manabiba.opendata.selectors import programs_for_export
from manabiba.programs.models import Organizer, Program, ProgramSession
from manabiba.web.demo import demo_programs_seed, demo_reference_load

from .conftest import REAL_FILES

pytestmark = pytest.mark.django_db


def _state() -> list[tuple[object, ...]]:
    """Every programme and session as stored, with the time it was last written."""
    programs = sorted(Program.objects.values_list("pk", "source", "source_key", "updated_at", "title"))
    sessions = sorted(ProgramSession.objects.values_list("pk", "program_id", "starts_at", "ends_at", "note"))
    return [*programs, *sessions, Organizer.objects.count()]


def _export(tmp_path: Path, name: str) -> tuple[Path, str]:
    text = events_export(programs_for_export(), bom=True)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path, text


def _round_trip(tmp_path: Path) -> None:
    path, first = _export(tmp_path, "first.csv")
    before = _state()

    again = events_import(paths=[path])

    assert again.ok, [str(error) for error in again.errors]
    assert (again.created, again.updated) == (0, 0)
    assert again.files[0].unchanged == Program.objects.filter(status=Program.Status.PUBLISHED).count()
    assert _state() == before

    Program.objects.all().delete()
    Organizer.objects.all().delete()
    into_empty = events_import(paths=[path])
    assert into_empty.ok, [str(error) for error in into_empty.errors]
    _path, second = _export(tmp_path, "second.csv")

    assert second.splitlines() == first.splitlines()
    assert second == first


def test_the_demo_catalogue_survives_its_own_export(tmp_path: Path) -> None:
    demo_reference_load()
    demo_programs_seed()
    assert Program.objects.filter(source="").count() + Program.objects.filter(source="demo").count() > 0

    _round_trip(tmp_path)


@pytest.mark.usefixtures("reference")
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_every_real_file_survives_its_own_export(tmp_path: Path, path: Path) -> None:
    assert events_import(paths=[path]).ok

    _round_trip(tmp_path)
