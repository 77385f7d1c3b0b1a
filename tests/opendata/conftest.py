"""Shared for the open-data tests: the real event files and the reference data they are matched against."""

import pytest

from manabiba.accounts.reference import departments_load
from manabiba.core.reference import areas_load
from manabiba.facilities.reference import facilities_load
from manabiba.opendata import SAMPLES_DIR
from manabiba.programs.reference import audiences_load, categories_load

# The real event files ship with the package, so a clone of the repository alone has them.
OPENDATA_DIR = SAMPLES_DIR
REAL_FILES = sorted(OPENDATA_DIR.glob("events-*.csv"))


@pytest.fixture
def reference(db: None) -> None:
    areas_load()
    departments_load()
    categories_load()
    audiences_load()
    facilities_load()
