"""Groups registering at the same moment: the seats are given once, each group registers once.

Each thread has its own connection; on PostgreSQL in this process, on SQLite in a child process
against a database file (the in-memory test database cannot make connections wait for locks)."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from tests.exchanges.concurrency_scenario import GROUPS, MEMBERS, SEATS, run_scenario

# Many connections at once: these tests run one at a time, on one worker (make pytest, .ci/run).
pytestmark = pytest.mark.xdist_group("connections")

ROOT = Path(__file__).resolve().parents[2]


def _observe(request: pytest.FixtureRequest) -> dict[str, Any]:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        arguments = [sys.executable, "-m", "tests.exchanges.concurrency_scenario"]
        if request.config.getoption("nomigrations"):
            arguments.append("--nomigrations")
        done = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        assert done.returncode == 0, done.stderr[-3000:]
        line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        return dict(json.loads(line.removeprefix("RESULT ")))
    return run_scenario()


@pytest.mark.django_db(transaction=True)
def test_groups_registering_at_once_get_the_seats_once_and_register_once(
    request: pytest.FixtureRequest, settings: Settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seen = _observe(request)
    # Every group registered exactly once; its second editor was told it already had.
    assert seen["attendances"] == GROUPS
    assert seen["groups"] == GROUPS
    assert seen["registrations"] == GROUPS
    assert len(seen["errors"]) == GROUPS
    assert all("already registered" in error for error in seen["errors"])
    # Twenty seats hold two groups of eight; the other four wait in order.
    confirmed = SEATS // MEMBERS
    assert seen["statuses"] == sorted(["confirmed"] * confirmed + ["waitlisted"] * (GROUPS - confirmed))
    assert seen["seated"] == confirmed * MEMBERS
    assert seen["positions"] == list(range(1, GROUPS - confirmed + 1))
