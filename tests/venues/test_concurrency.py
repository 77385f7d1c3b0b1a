"""A hundred groups try to book the same frame at the same moment: exactly one gets it.

Real threads with their own database connections, on SQLite and on PostgreSQL. On PostgreSQL the
threads are as many as the server's ``max_connections`` leaves free (other sessions share it); the
hundred attempts beyond that queue in the same threads and still race the first ones.
"""

import random
import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, UserGroup
from manabiba.venues.services import FrameUnavailableError, booking_create
from tests.venues.conftest import NOW, SATURDAY, Place

# Many connections at once: these tests run one at a time, on one worker (make pytest, .ci/run).
pytestmark = pytest.mark.xdist_group("connections")

ATTEMPTS = 100


def _workers() -> int:
    if connection.vendor != "postgresql":
        return ATTEMPTS
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - (SELECT count(*) FROM pg_stat_activity)")
        row = cursor.fetchone()
    assert row is not None
    return max(8, min(ATTEMPTS, int(row[0]) - 15))


def _book(place: Place, group: UserGroup) -> str:
    # The in-memory SQLite test database refuses a writer that meets another's lock at once
    # (SQLITE_LOCKED) instead of waiting out the busy timeout as the WAL file used outside tests
    # does; such a refusal wrote nothing, so try again.
    for _attempt in range(500):
        try:
            booking_create(
                actor=group.owner,
                group=group,
                room=place.room,
                day=SATURDAY,
                frame=place.evening,
                purpose="練習",
                attendees=10,
                now=NOW,
            )
        except FrameUnavailableError:
            return "taken"
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(random.uniform(0.005, 0.03))
        else:
            return "booked"
    raise AssertionError("still locked after 500 attempts")


@pytest.mark.django_db(transaction=True)
def test_a_frame_is_never_double_booked(place: Place, settings: SettingsWrapper) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    groups: list[UserGroup] = [UserGroupFactory() for _ in range(ATTEMPTS)]
    workers = _workers()
    pending = list(groups)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def work() -> None:
        try:
            barrier.wait()
            while True:
                with lock:
                    if not pending:
                        return
                    group = pending.pop()
                try:
                    outcome = _book(place, group)
                except Exception as error:  # noqa: BLE001 - reported in the assertion below
                    outcome = f"error: {error!r}"
                with lock:
                    outcomes.append(outcome)
        finally:
            connections.close_all()

    threads: list[threading.Thread] = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert sorted(outcomes) == ["booked"] + ["taken"] * (ATTEMPTS - 1), [o for o in outcomes if o.startswith("error")]
    assert Booking.objects.filter(room=place.room, day=SATURDAY, frame=place.evening).count() == 1
