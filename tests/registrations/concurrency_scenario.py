"""The registration burst: many residents apply at the same moment, each thread on its own database
connection; then some of those with a place cancel at the same moment.

Used by test_concurrency.py in process (PostgreSQL, or SQLite in a file), and run as a script for the
in-memory SQLite test database, whose shared-cache connections cannot wait for each other's locks
the way connections to a real database file do (see ``main``).
"""

import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any


def _burst(jobs: list[Callable[[], Any]], workers: int) -> tuple[list[Any], list[str]]:
    """Run ``jobs`` from ``workers`` threads that start together; each thread has its own connection."""
    from django.db import connections

    results: list[Any] = []
    errors: list[str] = []
    lock = threading.Lock()
    pending = list(reversed(jobs))
    barrier = threading.Barrier(workers)

    def work() -> None:
        try:
            barrier.wait()
            while True:
                with lock:
                    if not pending:
                        return
                    job = pending.pop()
                try:
                    result = job()
                except Exception as error:  # noqa: BLE001 - every failure is reported to the test
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                else:
                    with lock:
                        results.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def run_scenario(
    *, seats: int = 20, applicants: int = 200, cancellations: int = 10, workers: int = 32
) -> dict[str, Any]:
    """Apply ``applicants`` times to a first-come programme with ``seats`` places, then cancel
    ``cancellations`` confirmed places; return what a test should check."""
    from django.utils import timezone

    from manabiba.accounts.models import User
    from manabiba.programs.factories import ProgramFactory
    from manabiba.programs.models import Program
    from manabiba.registrations.models import Registration
    from manabiba.registrations.services import registration_cancel, registration_submit

    now = timezone.now()
    program = ProgramFactory(
        published=True,
        capacity=seats,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=3),
    )
    users = User.objects.bulk_create(
        [User(email=f"burst{n}@example.jp", full_name=f"応募者{n}", lives_in_city=True) for n in range(applicants)]
    )
    user_ids = [u.pk for u in User.objects.filter(email__startswith="burst").order_by("pk")]
    assert len(user_ids) == len(users)

    def apply(user_id: int) -> Callable[[], tuple[int, str]]:
        def job() -> tuple[int, str]:
            user = User.objects.get(pk=user_id)
            registration = registration_submit(program=Program.objects.get(pk=program.pk), user=user, consent=True)
            return registration.pk, registration.status

        return job

    applied, apply_errors = _burst([apply(pk) for pk in user_ids], workers)
    rows = list(
        Registration.objects.filter(program=program)
        .order_by("pk")
        .values("pk", "user_id", "status", "waitlist_position")
    )
    confirmed_before = [r["pk"] for r in rows if r["status"] == "confirmed"]
    waitlisted_before = [r for r in rows if r["status"] == "waitlisted"]

    to_cancel = confirmed_before[:cancellations]
    owners = {r["pk"]: r["user_id"] for r in rows}

    def cancel(registration_id: int) -> Callable[[], str]:
        def job() -> str:
            registration = Registration.objects.get(pk=registration_id)
            actor = User.objects.get(pk=owners[registration_id])
            return registration_cancel(registration=registration, actor=actor).status

        return job

    cancelled, cancel_errors = _burst([cancel(pk) for pk in to_cancel], min(workers, max(1, len(to_cancel))))
    after = list(
        Registration.objects.filter(program=program).order_by("pk").values("pk", "status", "waitlist_position")
    )
    first_in_line = [r["pk"] for r in sorted(waitlisted_before, key=lambda r: r["waitlist_position"])][:cancellations]
    return {
        "applied_results": len(applied),
        "apply_errors": apply_errors,
        "registrations": len(rows),
        "distinct_users": len({r["user_id"] for r in rows}),
        "confirmed_before": confirmed_before,
        "waitlisted_before": [(r["pk"], r["waitlist_position"]) for r in waitlisted_before],
        "returned_statuses": sorted(status for _pk, status in applied),
        "cancelled_results": cancelled,
        "cancel_errors": cancel_errors,
        "cancelled_ids": to_cancel,
        "first_in_line": first_in_line,
        "after": [(r["pk"], r["status"], r["waitlist_position"]) for r in after],
    }


def main() -> None:
    """Run the scenario on a fresh SQLite database in a file and print the observations as JSON.

    The database is configured exactly as in production (WAL, ``BEGIN IMMEDIATE``, busy timeout);
    only its name differs. ``--nomigrations`` builds the tables from the models.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabiba.config.settings_test")
    workdir = tempfile.mkdtemp(prefix="manabiba-burst-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/burst.sqlite3"
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.db import connection

    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_settings["NAME"] = f"{workdir}/burst-test.sqlite3"
    if "--nomigrations" in sys.argv:
        test_settings["MIGRATE"] = False
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 200
    try:
        observations = run_scenario(workers=workers)
    finally:
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)
    sys.stdout.write("RESULT " + json.dumps(observations) + "\n")


if __name__ == "__main__":
    main()
