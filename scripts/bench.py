"""Benchmarks that print figures: page times and query counts on a seeded SQLite database.

Run with `make bench` (BENCH_SCALE=N sets how many thousand residents to generate).
Figures, not pass/fail: compare them between commits on the same machine.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _setup(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "manabiba.config.settings",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "MANABIBA_VAR_DIR": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def _measure(client: object, url: str, runs: int, **extra: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, **extra)  # type: ignore[attr-defined]
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], queries


def main() -> None:
    scale = int(os.environ.get("BENCH_SCALE", "1"))
    runs = int(os.environ.get("BENCH_RUNS", "50"))
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp))
        from django.core.management import call_command
        from django.test import Client

        from manabiba.accounts.models import User
        from manabiba.accounts.services import api_token_create

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("seed_demo", scale=scale, force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"setup: migrate + reference + demo (scale {scale}): {time.perf_counter() - started:.1f} s")
        print(f"people in the database: {User.objects.count()}")

        anonymous = Client()
        coordinator_client = Client()
        coordinator = User.objects.get(email="coordinator@demo.manabiba.jp")
        coordinator_client.force_login(coordinator)
        token = api_token_create(user=coordinator, name="bench").secret

        print(f"\n{'page':42} {'median ms':>10} {'p95 ms':>8} {'queries':>8}   ({runs} runs each)")
        for label, client, url, extra in [
            ("home /", anonymous, "/", {}),
            ("places to learn /facilities/", anonymous, "/facilities/", {}),
            ("login /accounts/login/", anonymous, "/accounts/login/", {}),
            ("staff people list /staff/people/", coordinator_client, "/staff/people/", {}),
            ("staff people search ?q=demo", coordinator_client, "/staff/people/?q=demo", {}),
            ("API /api/v1/me", anonymous, "/api/v1/me", {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
            ("API /api/v1/staff/people", anonymous, "/api/v1/staff/people", {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        ]:
            median, p95, queries = _measure(client, url, runs, **extra)
            print(f"{label:42} {median:10.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    sys.exit(main())
