"""Correctness under load: 200 residents apply at once for 20 seats, then 10 cancel at once.

Every thread has its own database connection: 200 threads on SQLite; on PostgreSQL as many as the
server's ``max_connections`` leaves free (the applications beyond that queue in the same threads).
On PostgreSQL (and SQLite in a file) the scenario runs in this process; the in-memory SQLite test
database cannot make connections wait for each other's locks (shared-cache tables answer "locked"
at once), so there it runs in a child process against a fresh SQLite file configured as in
production (WAL, BEGIN IMMEDIATE, a busy timeout).
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.registrations.concurrency_scenario import run_scenario

# Many connections at once: these tests run one at a time, on one worker (make pytest, .ci/run).
pytestmark = pytest.mark.xdist_group("connections")

ROOT = Path(__file__).resolve().parents[2]
SEATS, APPLICANTS, CANCELLATIONS = 20, 200, 10


def _workers() -> int:
    """One thread per applicant, as far as the database server takes that many more connections."""
    if connection.vendor != "postgresql":
        return APPLICANTS
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - (SELECT count(*) FROM pg_stat_activity)")
        free = int(cursor.fetchone()[0])
    # Room for the other xdist workers' tests (and their live servers), which go on meanwhile.
    return max(8, min(APPLICANTS, free - 40))


def _observe(request: pytest.FixtureRequest) -> dict[str, Any]:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        arguments = [sys.executable, "-m", "tests.registrations.concurrency_scenario", "--workers", str(APPLICANTS)]
        if request.config.getoption("nomigrations"):
            arguments.append("--nomigrations")
        done = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        assert done.returncode == 0, done.stderr[-3000:]
        line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        return dict(json.loads(line.removeprefix("RESULT ")))
    return run_scenario(seats=SEATS, applicants=APPLICANTS, cancellations=CANCELLATIONS, workers=_workers())


@pytest.mark.django_db(transaction=True)
def test_burst_of_registrations_then_cancellations(request: pytest.FixtureRequest, settings: SettingsWrapper) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seen = _observe(request)

    # No error and nothing lost: every applicant has exactly one registration.
    assert seen["apply_errors"] == []
    assert seen["applied_results"] == APPLICANTS
    assert seen["registrations"] == APPLICANTS
    assert seen["distinct_users"] == APPLICANTS
    # Exactly 20 confirmed, the other 180 waitlisted.
    assert len(seen["confirmed_before"]) == SEATS
    assert seen["returned_statuses"] == ["confirmed"] * SEATS + ["waitlisted"] * (APPLICANTS - SEATS)
    # In arrival order: the first 20 to get through are confirmed, the rest queue in the order they came.
    waitlisted = seen["waitlisted_before"]
    assert max(seen["confirmed_before"]) < min(pk for pk, _position in waitlisted)
    assert [position for _pk, position in sorted(waitlisted)] == list(range(1, APPLICANTS - SEATS + 1))

    # Ten cancel at once: exactly ten promoted, the first ten in line, and the list closes up.
    assert seen["cancel_errors"] == []
    assert seen["cancelled_results"] == ["cancelled"] * CANCELLATIONS
    after = {pk: (status, position) for pk, status, position in seen["after"]}
    assert all(after[pk][0] == "cancelled" for pk in seen["cancelled_ids"])
    assert sorted(pk for pk, (status, _p) in after.items() if status == "confirmed") == sorted(
        [pk for pk in seen["confirmed_before"] if pk not in seen["cancelled_ids"]] + seen["first_in_line"]
    )
    still_waiting = sorted((position, pk) for pk, (status, position) in after.items() if status == "waitlisted")
    assert [position for position, _pk in still_waiting] == list(range(1, APPLICANTS - SEATS - CANCELLATIONS + 1))
    assert [pk for _position, pk in still_waiting] == sorted(pk for _position, pk in still_waiting)
