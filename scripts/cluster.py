"""Two app servers, a task worker and nginx on one machine, sharing PostgreSQL and Redis.

Run with `make cluster` (or `.venv/bin/python scripts/cluster.py`). Starts, in a scratch
directory: an SMTP catcher, two gunicorn app servers on their own ports, an RQ task worker (a
third process) and Debian's nginx (installed with apt-get if missing) balancing over both
servers with deploy/nginx-cluster.conf. Then proves what a city needs before it adds a server:

a. a change made through one server is seen through the other within a second: a programme
   renamed through server A's API is found by the search page, the programme page and the API
   of server B, whose page and result caches held the old answers;
b. a registration burst spread over both servers through nginx confirms exactly the capacity
   and waitlists the rest in arrival order (scripts/bench_registrations.py's burst);
c. the worker delivers every mail the burst queued exactly once (each outbox message reaches
   the SMTP server once, no Message-ID twice, nothing left pending).

Needs PostgreSQL and Redis: CLUSTER_DATABASE_URL (default the local server's database
manabiba_cluster, created if missing; its bench rows are replaced) and CLUSTER_REDIS_URL
(default database 10 of the local Redis, flushed first). Prints the figures and exits 1 if a
check fails. BENCH_APPLICANTS and BENCH_SEATS size the burst as in bench_registrations.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from benchserver import free_port, nginx_config, nginx_path, production_env, wait_for_server

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/manabiba_cluster")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/10")
VISIBLE_WITHIN = 1.0  # seconds
MAIL_WAIT = float(os.environ.get("CLUSTER_MAIL_WAIT", "300"))
OLD_TITLE = "クラスタ確認講座 はじめての合唱"
NEW_WORD = "ミツバチ観察"


def _database_exists() -> None:
    """Create the cluster's database on the server when it is not there."""
    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    import psycopg

    admin = f"{url.scheme}://{url.netloc}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("select 1 from pg_database where datname = %s", [name]).fetchone() is None:
            connection.execute(f'create database "{name}"')  # the name is ours, from the default or the operator


def setup(workdir: Path, smtp_port: int) -> dict[str, str]:
    _database_exists()
    env = production_env(
        workdir,
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DATABASE_CONN_MAX_AGE="60",
    )
    os.environ.pop("DEBUG", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
        call_command("load_reference", verbosity=0, stdout=quiet)
    cache.clear()
    return env


def seed_programme() -> tuple[int, str]:
    """A published programme with the old title, and a coordinator's API token to rename it."""
    from manabiba.accounts.factories import UserFactory
    from manabiba.accounts.models import User
    from manabiba.accounts.roles import Role
    from manabiba.accounts.services import api_token_create
    from manabiba.programs.factories import ProgramFactory
    from manabiba.programs.models import Program

    Program.objects.filter(title__startswith="クラスタ確認講座").delete()
    User.objects.filter(email="cluster-coordinator@example.jp").delete()
    coordinator: User = UserFactory(email="cluster-coordinator@example.jp", roles=[Role.COORDINATOR])
    program = ProgramFactory(title=OLD_TITLE, published=True)
    return program.pk, api_token_create(user=coordinator, name="cluster").secret


def _get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def check_visibility(port_a: int, port_b: int, program_id: int, token: str) -> dict[str, Any]:
    """Rename through A; poll B's search page, programme page and API until each shows it."""
    search = f"/programs/?q={quote(NEW_WORD)}"
    detail = f"/programs/{program_id}/"
    api = f"/api/v1/programs?q={quote(NEW_WORD)}"
    # B answers (and caches) the old state first: nothing found, the old title.
    before = {path: _get(port_b, path)[1] for path in (search, detail, api)}
    new_title = f"クラスタ確認講座 {NEW_WORD}"
    listed = f'href="{detail}"'
    assert OLD_TITLE in before[detail], "server B does not show the programme"
    assert listed not in before[search]
    assert json.loads(before[api])["count"] == 0

    connection = http.client.HTTPConnection("127.0.0.1", port_a, timeout=30)
    body = json.dumps({"title": new_title})
    connection.request(
        "PATCH",
        f"/api/v1/programs/{program_id}",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"renaming through server A answered {response.status}: {answer[:300]!r}")
    changed = time.perf_counter()

    seen: dict[str, float | None] = {search: None, detail: None, api: None}
    while time.perf_counter() - changed < 10 and any(value is None for value in seen.values()):
        for path in seen:
            if seen[path] is None:
                status, text = _get(port_b, path)
                if path == search:
                    found = listed in text
                elif path == detail:
                    found = new_title in text
                else:
                    found = json.loads(text).get("count", 0) == 1
                if status == 200 and found:
                    seen[path] = time.perf_counter() - changed
        time.sleep(0.02)
    return {"search page": seen[search], "programme page": seen[detail], "API search": seen[api]}


def check_mail(catcher: Any, program_id: int, since: Any) -> dict[str, Any]:
    """Wait for the worker to empty the outbox; compare what the SMTP server got with the outbox."""
    from manabiba.core.models import OutboxMessage
    from manabiba.registrations.models import Registration

    recipients = set(Registration.objects.filter(program_id=program_id).values_list("user__email", flat=True))
    # This run's mail only: an earlier run's applicants had the same addresses.
    queued = OutboxMessage.objects.filter(to__in=recipients, created_at__gte=since)
    deadline = time.monotonic() + MAIL_WAIT
    while time.monotonic() < deadline:
        if not queued.exclude(status=OutboxMessage.Status.SENT).exists():
            break
        time.sleep(0.5)
    time.sleep(1)  # anything sent twice arrives by now
    ids = [
        str(message["Message-ID"]).strip()
        for message in catcher.messages
        if parseaddr(str(message["To"]))[1] in recipients
    ]
    repeated = [message_id for message_id, count in Counter(ids).items() if count > 1]
    expected = set(queued.values_list("message_id", flat=True))
    return {
        "outbox messages": len(expected),
        "sent": queued.filter(status=OutboxMessage.Status.SENT).count(),
        "received by SMTP": len(ids),
        "received twice": len(repeated),
        "missing": len(expected - set(ids)),
    }


def main() -> None:
    nginx = nginx_path()
    workdir = Path(tempfile.mkdtemp(prefix="manabiba-cluster-"))
    processes: list[subprocess.Popen[bytes]] = []
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from manabiba.core.smtp_catcher import SmtpCatcher

        catcher = SmtpCatcher().start()
        env = setup(workdir, catcher.port)
        import bench_registrations as burst_bench
        from django.db import connection

        program_id, token = seed_programme()
        burst_program, tokens = burst_bench.seed()
        connection.close()

        port_a, port_b, port_nginx = free_port(), free_port(), free_port()
        gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
        manabiba = str(ROOT / ".venv" / "bin" / "manabiba")
        for port in (port_a, port_b):
            processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments
                    [
                        gunicorn,
                        "manabiba.config.wsgi",
                        "-w",
                        "2",
                        "-b",
                        f"127.0.0.1:{port}",
                        "--log-level",
                        "warning",
                        # Each server its own control socket: two gunicorns on one machine.
                        "--control-socket",
                        str(workdir / f"gunicorn-{port}.ctl"),
                    ],
                    cwd=ROOT,
                    env={**os.environ, **env},
                )
            )
        processes.append(
            subprocess.Popen(  # noqa: S603 - fixed arguments
                [manabiba, "rqworker", "default", "--with-scheduler"],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        config = nginx_config(workdir, port_nginx, [port_a, port_b])
        processes.append(subprocess.Popen([nginx, "-p", str(workdir), "-c", str(config)]))  # noqa: S603
        for port, process in ((port_a, processes[0]), (port_b, processes[1]), (port_nginx, processes[3])):
            wait_for_server(f"http://127.0.0.1:{port}/healthz", process)
        print(f"cluster: nginx :{port_nginx} → gunicorn :{port_a} and :{port_b} (2 workers each), rqworker")
        print(f"  PostgreSQL {DATABASE_URL}, Redis {REDIS_URL}")

        failures: list[str] = []
        seen = check_visibility(port_a, port_b, program_id, token)
        print("a. renamed through A, seen through B after:")
        for name, delay in seen.items():
            print(f"     {name:<16} {'never (10 s)' if delay is None else f'{delay * 1000:.0f} ms'}")
            if delay is None or delay > VISIBLE_WITHIN:
                failures.append(f"{name} not seen through B within {VISIBLE_WITHIN:.0f} s")

        from django.utils import timezone

        burst_started = timezone.now()
        result = burst_bench.burst(port_nginx, burst_program, tokens)
        outcome = burst_bench.check(burst_program)
        log = (workdir / "nginx-access.log").read_text(encoding="utf-8").splitlines()
        served = Counter(line.split(" ", 1)[0] for line in log if "/registrations" in line)
        answered = len(result["statuses"])
        print(
            f"b. {answered} applications through nginx in {result['wall']:.2f} s ({answered / result['wall']:.0f}/s):"
        )
        print(f"     by server         {dict(served)}")
        print(f"     seats confirmed   {outcome['seats_confirmed']} (capacity {burst_bench.SEATS})")
        print(
            f"     waitlisted        {outcome['waitlisted']} (in arrival order: {outcome['waitlist_in_arrival_order']})"
        )
        print(f"     errors            {len(result['errors'])}")
        if (
            outcome["seats_confirmed"] != min(burst_bench.SEATS, len(tokens))
            or not outcome["waitlist_in_arrival_order"]
        ):
            failures.append("the burst did not confirm exactly the capacity with the waiting list in order")
        if result["errors"] or len(served) < 2:
            failures.append(f"the burst had errors or used one server only: {result['errors'][:3]} {dict(served)}")

        mail = check_mail(catcher, burst_program, burst_started)
        print("c. mail delivered by the worker:")
        for name, value in mail.items():
            print(f"     {name:<18} {value}")
        if mail["missing"] or mail["received twice"] or mail["sent"] != mail["outbox messages"] or not mail["sent"]:
            failures.append("the worker did not deliver every queued mail exactly once")

        print("RESULT " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
        if failures:
            raise SystemExit(1)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
