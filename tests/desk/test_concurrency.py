"""Two people booking the same last place at the same moment: exactly one gets it.

Real threads with their own database connections, on SQLite and on PostgreSQL.
"""

import random
import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.db import OperationalError, connection

from manabiba.accounts.models import User
from manabiba.desk.models import Appointment
from manabiba.desk.reference import weekly_hours_load
from manabiba.desk.services import SlotUnavailableError, appointment_book
from tests.desk.conftest import at

# Many connections at once: these tests run one at a time, on one worker (make pytest, .ci/run).
pytestmark = pytest.mark.xdist_group("connections")

NOW = at(date(2026, 11, 25), 10)
SLOT = at(date(2026, 11, 28), 10)
PEOPLE = 6


@pytest.mark.django_db(transaction=True)
def test_a_slot_is_never_double_booked(make_persona: Callable[..., User]) -> None:
    weekly_hours_load()
    people = [make_persona(email=f"race{n}@example.jp") for n in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(person: User) -> None:
        # The SQLite test database lives in memory with a shared cache, where a writer that meets
        # another's lock is refused at once (SQLITE_LOCKED) instead of waiting out the busy timeout
        # as it does on the WAL file used outside tests; such a refusal wrote nothing, so try again.
        for _attempt in range(200):
            try:
                appointment_book(actor=person, resident=person, starts_at=SLOT, topic="learning")
            except OperationalError as error:
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                time.sleep(random.uniform(0.005, 0.02))
            else:
                return
        raise AssertionError("still locked after 200 attempts")

    def attempt(person: User) -> None:
        try:
            barrier.wait()
            book(person)
            outcome = "booked"
        except SlotUnavailableError:
            outcome = "taken"
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(outcomes) == ["booked"] + ["taken"] * (PEOPLE - 1), outcomes
    assert Appointment.objects.filter(starts_at=SLOT, status=Appointment.Status.BOOKED).count() == 1
