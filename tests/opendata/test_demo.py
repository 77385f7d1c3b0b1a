import shutil
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import override
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.programs.models import Program
from manabiba.programs.selectors import ProgramFilters, program_facets, program_search
from manabiba.web.demo import demo_programs_seed, demo_reference_load

from .conftest import OPENDATA_DIR, REAL_FILES

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_has_the_real_files_upcoming_and_an_entry_for_every_facet() -> None:
    demo_reference_load()

    with override("en"):
        lines = demo_programs_seed()

    for path in REAL_FILES:
        assert any(line.startswith(f"{path.name} (base_registry)") for line in lines), lines
    now = timezone.now()
    imported = Program.objects.filter(source__startswith="opendata:", status=Program.Status.PUBLISHED)
    # The site serves 西東京市 (132292): the neighbouring cities' files are read, their rows skipped.
    assert set(imported.values_list("source", flat=True)) == {"opendata:132292"}
    assert imported.filter(last_ends_at__gt=now).exists()
    assert any("武蔵野市, not of this city; skipped" in line for line in lines), lines
    facets = program_facets(ProgramFilters())
    for facet in ("categories", "audiences", "areas", "organizer_kinds", "free", "when"):
        empty = [value.label for value in facets[facet] if value.count == 0]
        assert empty == [], facet
    for support in ({"childcare": True}, {"wheelchair": True}, {"sign_language": True}, {"open_now": True}):
        assert program_search(ProgramFilters(**support)).count > 0, support
    upcoming = program_search(ProgramFilters(), limit=1000).programs
    assert {program.kind for program in upcoming} == set(Program.Kind.values)


def test_seeding_the_demo_programmes_twice_changes_nothing() -> None:
    demo_reference_load()
    demo_programs_seed()
    before = sorted(Program.objects.values_list("source", "source_key", "updated_at", "first_starts_at"))

    with override("en"):
        lines = demo_programs_seed()

    assert sorted(Program.objects.values_list("source", "source_key", "updated_at", "first_starts_at")) == before
    assert "demo programmes: 0 created" in lines
    assert all(" 0 created, 0 updated" in line for line in lines if line.startswith("events-"))


def test_demo_opendata_dir_replaces_the_files_shipped_with_the_package(
    settings: SettingsWrapper, tmp_path: Path
) -> None:
    shutil.copy(OPENDATA_DIR / "events-musashino.csv", tmp_path)
    settings.DEMO_OPENDATA_DIR = str(tmp_path)
    # A site serving 武蔵野市 shows that city's events.
    settings.CITY_NAME = "武蔵野市"
    demo_reference_load()

    with override("en"):
        lines = demo_programs_seed()

    assert [line.partition(" ")[0] for line in lines if line.startswith("events-")] == ["events-musashino.csv"]
    imported = Program.objects.filter(source__startswith="opendata:").values_list("source", flat=True)
    assert set(imported) == {"opendata:132039"}
