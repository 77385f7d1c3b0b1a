"""Groups registering their members at the same moment, each thread on its own database connection:
six groups of eight for twenty seats, and every group twice (two editors pressing at once).

Used by test_concurrency.py in process (PostgreSQL), and run as a script for the in-memory SQLite
test database, whose connections cannot wait for each other's locks (as the registrations burst does).
"""

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.registrations.concurrency_scenario import _burst

SEATS, GROUPS, MEMBERS = 20, 6, 8


def run_scenario(*, workers: int = GROUPS * 2) -> dict[str, Any]:
    from django.utils import timezone, translation

    from manabiba.accounts.models import User
    from manabiba.communities.models import CommunityGroup, Membership
    from manabiba.exchanges import services
    from manabiba.exchanges.models import ExchangeMeeting, GroupAttendance
    from manabiba.programs.factories import ProgramFactory
    from manabiba.programs.models import Program
    from manabiba.registrations.models import Registration

    now = timezone.now()
    program = ProgramFactory(
        published=True,
        kind=Program.Kind.EXCHANGE,
        capacity=SEATS,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=3),
    )
    ExchangeMeeting.objects.create(program=program)
    pairs: list[tuple[int, int]] = []
    for n in range(GROUPS):
        group = CommunityGroup.objects.create(
            name=f"同時の会{n}",
            name_kana="どうじのかい",
            kind=CommunityGroup.Kind.CULTURE,
            purpose="学び合い",
            activities="例会",
            representative_name="代表",
            contact_name="連絡",
            contact_email=f"group{n}@example.jp",
            status=CommunityGroup.Status.APPROVED,
        )
        for role in (Membership.Role.OWNER, Membership.Role.EDITOR):
            user = User.objects.create(email=f"{role}{n}@example.jp", full_name=f"編集 {n}")
            Membership.objects.create(group=group, user=user, role=role)
            pairs.append((group.pk, user.pk))

    def _register(group_id: int, user_id: int) -> str:
        attendance = services.group_attendance_register(
            program=Program.objects.get(pk=program.pk),
            group=CommunityGroup.objects.get(pk=group_id),
            actor=User.objects.get(pk=user_id),
            members=MEMBERS,
            generations=["w"],
            consent=True,
        )
        assert attendance.registration is not None
        return attendance.registration.status

    def register(group_id: int, user_id: int) -> Callable[[], str]:
        def job() -> str:
            with translation.override("en"):  # the refusals are read by the test
                return _register(group_id, user_id)

        return job

    statuses, errors = _burst([register(g, u) for g, u in pairs], workers)
    rows = list(Registration.objects.filter(program=program).values("status", "party_size", "waitlist_position"))
    return {
        "statuses": sorted(statuses),
        "errors": sorted(errors),
        "attendances": GroupAttendance.objects.filter(program=program).count(),
        "groups": GroupAttendance.objects.filter(program=program).values("group").distinct().count(),
        "registrations": len(rows),
        "seated": sum(r["party_size"] for r in rows if r["status"] == "confirmed"),
        "positions": sorted(r["waitlist_position"] for r in rows if r["status"] == "waitlisted"),
    }


def main() -> None:
    """Run the scenario on a fresh SQLite database in a file, configured as in production."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabiba.config.settings_test")
    workdir = tempfile.mkdtemp(prefix="manabiba-groups-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/groups.sqlite3"
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.db import connection

    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_settings["NAME"] = f"{workdir}/groups-test.sqlite3"
    if "--nomigrations" in sys.argv:
        test_settings["MIGRATE"] = False
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        observations = run_scenario()
    finally:
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)
    sys.stdout.write("RESULT " + json.dumps(observations) + "\n")


if __name__ == "__main__":
    main()
