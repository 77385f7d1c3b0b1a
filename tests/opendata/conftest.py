"""Shared for the open-data tests: the real event files and the reference data they are matched against."""

from pathlib import Path

import pytest

from manabiba.accounts.reference import departments_load
from manabiba.core.reference import areas_load
from manabiba.facilities.reference import facilities_load
from manabiba.programs.reference import audiences_load, categories_load

# The project's shared folder sits beside the repository, in CI as on a developer's machine.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
OPENDATA_DIR = SHARED / "data" / "opendata"
REAL_FILES = sorted(OPENDATA_DIR.glob("events-*.csv"))


@pytest.fixture
def reference(db: None) -> None:
    areas_load()
    departments_load()
    categories_load()
    audiences_load()
    facilities_load()
