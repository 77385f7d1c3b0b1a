"""A registration burst: 1,000 residents apply at once for 30 seats through the HTTP API.

Run with `.venv/bin/python scripts/bench_registrations.py` (part of `make bench`). Uses the
PostgreSQL database in DATABASE_URL (its bench programme and bench residents are replaced on each
run; without DATABASE_URL a fresh SQLite file in a temporary directory), starts gunicorn with
production settings, and fires every application from its own client thread pool with a personal
API token per resident. Prints throughput, latency, seats confirmed and errors; exits 1 unless
exactly the capacity is confirmed, everyone else is waitlisted in order, and nothing failed.

BENCH_APPLICANTS (default 1000), BENCH_SEATS (default 30), BENCH_CLIENTS (concurrent client
connections, default 64) and BENCH_WORKERS (gunicorn workers, default 4) change the size of the run.
"""

import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchserver import free_port, production_env, wait_for_server

ROOT = Path(__file__).resolve().parent.parent
APPLICANTS = int(os.environ.get("BENCH_APPLICANTS", "1000"))
SEATS = int(os.environ.get("BENCH_SEATS", "30"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "64"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
EMAIL_PREFIX = "bench-applicant-"
TITLE = "ベンチマーク申込講座"


def _env(workdir: Path) -> dict[str, str]:
    # Mail is written to the outbox and queued in the database; no worker sends it during the run.
    return production_env(workdir, EMAIL_URL="smtp://127.0.0.1:1")


def setup(workdir: Path) -> None:
    os.environ.pop("DEBUG", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.update(_env(workdir))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
    # Only the API is measured: an empty static directory keeps WhiteNoise quiet.
    (workdir / "static").mkdir(exist_ok=True)


def seed() -> tuple[int, list[str]]:
    """A first-come programme with SEATS places, and APPLICANTS residents, each with an API token."""
    from django.utils import timezone

    from manabiba.accounts.models import ApiToken, User
    from manabiba.accounts.services import api_token_create
    from manabiba.programs.factories import ProgramFactory
    from manabiba.programs.models import Program

    Program.objects.filter(title=TITLE).delete()
    ApiToken.objects.filter(user__email__startswith=EMAIL_PREFIX).delete()
    User.objects.filter(email__startswith=EMAIL_PREFIX).delete()
    now = timezone.now()
    program = ProgramFactory(
        title=TITLE,
        published=True,
        capacity=SEATS,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=3),
    )
    User.objects.bulk_create(
        [
            User(email=f"{EMAIL_PREFIX}{n}@example.jp", full_name=f"申込者{n}", lives_in_city=True, language="ja")
            for n in range(APPLICANTS)
        ]
    )
    tokens = [
        api_token_create(user=user, name="bench").secret
        for user in User.objects.filter(email__startswith=EMAIL_PREFIX).order_by("pk")
    ]
    return program.pk, tokens


def burst(port: int, program_id: int, tokens: list[str]) -> dict[str, Any]:
    """Every application at once from CLIENTS keep-alive connections; latency per request."""
    pending = list(reversed(tokens))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: list[int] = []
    errors: list[str] = []
    answers: list[dict[str, Any]] = []
    clients = min(CLIENTS, len(tokens))
    barrier = threading.Barrier(clients + 1)
    body = json.dumps({"party_size": 1, "answers": {}, "consent": True})
    path = f"/api/v1/programs/{program_id}/registrations"

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        while True:
            with lock:
                if not pending:
                    break
                token = pending.pop()
            started = time.perf_counter()
            try:
                connection.request(
                    "POST",
                    path,
                    body=body,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses.append(response.status)
                if response.status == 201:
                    answers.append(json.loads(payload))
                else:
                    errors.append(f"HTTP {response.status}: {payload[:200]!r}")
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"wall": wall, "latencies": latencies, "statuses": statuses, "errors": errors, "answers": answers}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def check(program_id: int) -> dict[str, Any]:
    from django.db.models import Sum

    from manabiba.registrations.models import Registration

    rows = Registration.objects.filter(program_id=program_id)
    confirmed = rows.filter(status="confirmed").aggregate(seats=Sum("party_size"))["seats"] or 0
    waitlisted = list(
        rows.filter(status="waitlisted").order_by("waitlist_position").values_list("pk", "waitlist_position")
    )
    in_order = [position for _pk, position in waitlisted] == list(range(1, len(waitlisted) + 1)) and [
        pk for pk, _position in waitlisted
    ] == sorted(pk for pk, _position in waitlisted)
    return {
        "registrations": rows.count(),
        "seats_confirmed": int(confirmed),
        "waitlisted": len(waitlisted),
        "waitlist_in_arrival_order": in_order,
    }


REPORT_HEADING = "## Registration burst"


def _write_report(*, database: str, lines: list[str]) -> None:
    """Put this run's figures in docs/benchmarks.md, replacing the previous burst's section."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(REPORT_HEADING)
    if start != -1:
        following = text.find("\n## ", start + len(REPORT_HEADING))
        text = text[:start].rstrip("\n") + ("\n\n" + text[following + 1 :] if following != -1 else "")
    machine = f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}"
    section = (
        f"{REPORT_HEADING} — {time.strftime('%Y-%m-%d')}\n\n"
        f"`scripts/bench_registrations.py`: {APPLICANTS} residents apply at once for {SEATS} seats through "
        f"`POST /api/v1/programs/{{id}}/registrations`, {CLIENTS} client connections, gunicorn with {WORKERS} "
        f"workers, {database}, on the same machine ({machine}). The load generator shares the CPUs.\n\n"
        "```\n" + "\n".join(lines) + "\n```\n"
    )
    path.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
    print("written to docs/benchmarks.md")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="manabiba-bench-reg-"))
    try:
        setup(workdir)
        from django.db import connection

        database = connection.vendor
        print(
            f"Registration burst: {APPLICANTS} applicants, {SEATS} seats, {CLIENTS} clients, "
            f"gunicorn {WORKERS} workers, {database}"
        )
        seeded = time.perf_counter()
        program_id, tokens = seed()
        print(f"  seeded in {time.perf_counter() - seeded:.1f} s")
        connection.close()
        port = free_port()
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(gunicorn),
                "manabiba.config.wsgi",
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env={**os.environ},
        )
        try:
            wait_for_server(f"http://127.0.0.1:{port}/healthz", process)
            result = burst(port, program_id, tokens)
        finally:
            process.terminate()
            process.wait(timeout=30)
        outcome = check(program_id)
        latencies = result["latencies"]
        answered = len(result["statuses"])
        by_status = sorted({a["status"] for a in result["answers"]})
        in_order = outcome["waitlist_in_arrival_order"]
        lines = [
            f"requests answered        {answered}",
            f"throughput               {answered / result['wall']:.1f} registrations/s ({result['wall']:.2f} s)",
            f"latency p50              {_percentile(latencies, 0.5) * 1000:.1f} ms",
            f"latency p99              {_percentile(latencies, 0.99) * 1000:.1f} ms",
            f"latency max              {max(latencies, default=0) * 1000:.1f} ms",
            f"mean                     {statistics.fmean(latencies) * 1000 if latencies else 0:.1f} ms",
            f"answers                  {', '.join(by_status)}",
            f"registrations stored     {outcome['registrations']}",
            f"seats confirmed          {outcome['seats_confirmed']} (capacity {SEATS})",
            f"waitlisted               {outcome['waitlisted']} (in arrival order: {in_order})",
            f"errors                   {len(result['errors'])}",
        ]
        for line in lines:
            print(f"  {line}")
        for error in result["errors"][:5]:
            print(f"    {error}")
        ok = (
            outcome["seats_confirmed"] == min(SEATS, APPLICANTS)
            and not result["errors"]
            and outcome["registrations"] == APPLICANTS
            and outcome["waitlisted"] == max(0, APPLICANTS - SEATS)
            and outcome["waitlist_in_arrival_order"]
        )
        print("  RESULT " + ("PASS" if ok else "FAIL"))
        _write_report(database=database, lines=[*lines, f"RESULT {'PASS' if ok else 'FAIL'}"])
        if not ok:
            raise SystemExit(1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
