"""The city-scale mix: residents browsing, reading, signing in and applying, for ten minutes.

Run with `.venv/bin/python scripts/bench_soak.py` (part of `make bench`). Needs PostgreSQL in
DATABASE_URL and Redis in REDIS_URL (without DATABASE_URL it says so and does nothing): the database
is seeded to the city's size once (`load_reference`, `seed_demo --scale BENCH_SCALE --force`,
`figures_refresh`; about 15 minutes on 2 cores) unless it already holds that many programmes, and
its soak residents and programmes are replaced on each run. gunicorn serves it with production
settings (`DATABASE_CONN_MAX_AGE=60`, Redis cache and sessions); wrk plays a plan of requests with a
Lua script (scripts/wrk_mix.lua), one connection per wrk thread, each thread its own share of the plan:

- 70% catalogue browsing, each URL different (a keyword from everyday learning words, sometimes an
  area, a field, a time band, free only, a later page; or facets without a keyword);
- 15% programme pages (distinct published programmes);
- 10% pages of signed-in residents (My registrations, the profile) with their own session cookies;
- 5% applications (`POST /api/v1/programs/{id}/registrations`, a different resident and programme
  pair each time) and questions to the desk (`POST /api/v1/consultations`), four to one.

First it steps the connections (BENCH_SOAK_STEPS, default 8,16,32,64, BENCH_SOAK_STEP_SECONDS each,
default 30) and takes the largest that keeps p99 under 500 ms; then it soaks at that many
connections for BENCH_SOAK_SECONDS (default 600), sampling the memory (RSS) of every gunicorn worker
every 10 seconds. The residents one server holds is that throughput times a resident's cycle (think
time BENCH_SOAK_THINK seconds, default 10, plus the mean answer time). The figures, with their
targets, go to docs/benchmarks.md (section "City-scale soak"); exits 1 on any error.
BENCH_SOAK_WORKERS (gunicorn workers, default 5 as deployed on 2 CPUs; no max_requests, so that a
leak would show) and BENCH_SCALE (default 200) change the run.
"""

import json
import os
import platform
import random
import re
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
from urllib.parse import urlencode

from benchserver import (
    free_port,
    production_env,
    report_section_write,
    start_gunicorn,
    wait_for_server,
    wrk_path,
    wrk_script,
    wrk_summary,
)

ROOT = Path(__file__).resolve().parent.parent
SCALE = int(os.environ.get("BENCH_SCALE", "200"))
STEPS = [int(n) for n in os.environ.get("BENCH_SOAK_STEPS", "8,16,32,64").split(",")]
STEP_SECONDS = int(os.environ.get("BENCH_SOAK_STEP_SECONDS", "30"))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "600"))
WORKERS = int(os.environ.get("BENCH_SOAK_WORKERS", "5"))  # 2 x CPUs + 1, as docs/operations.md
THINK = float(os.environ.get("BENCH_SOAK_THINK", "10"))
TARGET_P99_MS = 500.0
SAMPLE_EVERY = 10
RESIDENTS = 4000  # soak residents, each with an API token; some signed in
SIGNED_IN = 400
PROGRAMMES = 20  # open programmes the soak applies for
EMAIL_PREFIX = "soak-resident-"
TITLE_PREFIX = "負荷試験講座"
KINDS = ("catalogue", "programme", "signed_in", "apply", "ask")
EXPECTED = {"catalogue": 200, "programme": 200, "signed_in": 200, "apply": 201, "ask": 201}
WORDS = [
    "講座",
    "教室",
    "体験",
    "ヨガ",
    "体操",
    "ストレッチ",
    "ウォーキング",
    "健康",
    "介護",
    "認知症",
    "子育て",
    "親子",
    "こども",
    "絵本",
    "読み聞かせ",
    "図書館",
    "公民館",
    "歴史",
    "郷土",
    "文化",
    "音楽",
    "合唱",
    "コンサート",
    "映画",
    "写真",
    "書道",
    "絵画",
    "陶芸",
    "手芸",
    "料理",
    "食育",
    "栄養",
    "英語",
    "中国語",
    "韓国語",
    "パソコン",
    "スマホ",
    "防災",
    "防犯",
    "環境",
    "自然",
    "園芸",
    "野鳥",
    "星空",
    "囲碁",
    "将棋",
    "卓球",
    "テニス",
    "水泳",
    "ダンス",
    "太極拳",
    "ボランティア",
    "講演会",
    "まつり",
    "展示",
    "工作",
    "科学",
    "プログラミング",
    "就労",
    "起業",
    "相談",
    "高齢者",
    "シニア",
    "手話",
    "国際",
    "交流",
    "地域",
    "まちづくり",
    "子ども食堂",
    "放課後",
    "ひばりが丘",
    "田無",
    "保谷",
    "柳沢",
    "芝久保",
    "はじめて",
    "初心者",
    "入門",
    "夏休み",
    "週末",
    "夜間",
]
WHEN_VALUES = ("morning", "afternoon", "weekday_evening", "weekend")


def setup(workdir: Path) -> None:
    os.environ.pop("DEBUG", None)
    os.environ.update(production_env(workdir, EMAIL_URL="smtp://127.0.0.1:1", DATABASE_CONN_MAX_AGE="60"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from manabiba.programs.models import Program

    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
        if Program.objects.count() < SCALE * 60:  # --scale 200 makes 15,000 programmes
            print(f"  seeding the city's size (seed_demo --scale {SCALE}): this takes a while")
            call_command("load_reference", stdout=quiet)
            call_command("seed_demo", scale=SCALE, force=True, stdout=quiet)
            call_command("figures_refresh", stdout=quiet)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)


def _session_cookie(user: Any) -> str:
    """A signed-in session for ``user``, as the login page would make it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"Cookie: {settings.SESSION_COOKIE_NAME}={store.session_key}"


def prepare(count: int) -> tuple[list[str], dict[str, Any]]:
    """The plan's lines (in the mix, shuffled) and what it was made from."""
    from django.utils import timezone

    from manabiba.accounts.models import ApiToken, User
    from manabiba.accounts.services import api_token_create
    from manabiba.core.models import Area
    from manabiba.programs.factories import ProgramFactory
    from manabiba.programs.models import Category, Program

    rng = random.Random(14)  # noqa: S311 - test data, not secrets
    Program.objects.filter(title__startswith=TITLE_PREFIX).delete()
    ApiToken.objects.filter(user__email__startswith=EMAIL_PREFIX).delete()
    User.objects.filter(email__startswith=EMAIL_PREFIX).delete()
    now = timezone.now()
    open_programmes = [
        ProgramFactory(
            title=f"{TITLE_PREFIX}{n}",
            published=True,
            capacity=40,
            application=Program.Application.SITE,
            applications_open_at=now - timedelta(days=1),
            applications_close_at=now + timedelta(days=3),
        ).pk
        for n in range(PROGRAMMES)
    ]
    User.objects.bulk_create(
        [
            User(email=f"{EMAIL_PREFIX}{n}@example.jp", full_name=f"試験{n}", lives_in_city=True, language="ja")
            for n in range(RESIDENTS)
        ]
    )
    residents = list(User.objects.filter(email__startswith=EMAIL_PREFIX).order_by("pk"))
    tokens = [api_token_create(user=user, name="soak").secret for user in residents]
    cookies = [_session_cookie(user) for user in residents[:SIGNED_IN]]
    published = list(
        Program.objects.filter(status=Program.Status.PUBLISHED).order_by("?").values_list("pk", flat=True)[:3000]
    )
    areas = list(Area.objects.values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))

    def catalogue() -> str:
        params: dict[str, Any] = {}
        if rng.random() < 0.75:
            params["q"] = " ".join(rng.sample(WORDS, k=1 if rng.random() < 0.8 else 2))
        if areas and rng.random() < 0.35:
            params["area"] = rng.choice(areas)
        if categories and rng.random() < 0.35:
            params["category"] = rng.choice(categories)
        if rng.random() < 0.25:
            params["when"] = rng.choice(WHEN_VALUES)
        if rng.random() < 0.15:
            params["free"] = 1
        if rng.random() < 0.15:
            params["page"] = rng.choice([2, 3])
        return "/programs/?" + urlencode(params)

    lines: list[str] = []
    seen: set[str] = set()
    applications = questions = 0
    for _ in range(count):
        roll = rng.random()
        if roll < 0.70:
            path = catalogue()
            while path in seen:
                path = catalogue()
            seen.add(path)
            lines.append(f"catalogue\tGET\t{path}\t\t")
        elif roll < 0.85:
            lines.append(f"programme\tGET\t/programs/{rng.choice(published)}/\t\t")
        elif roll < 0.95:
            page = rng.choice(["/registrations/", "/accounts/profile/"])
            lines.append(f"signed_in\tGET\t{page}\t{rng.choice(cookies)}\t")
        elif roll < 0.99:
            # A different resident and programme pair each time (RESIDENTS x PROGRAMMES of them).
            resident, programme = applications % RESIDENTS, open_programmes[(applications // RESIDENTS) % PROGRAMMES]
            applications += 1
            body = json.dumps({"party_size": 1, "answers": {}, "consent": True})
            path = f"/api/v1/programs/{programme}/registrations"
            lines.append(f"apply\tPOST\t{path}\tAuthorization: Bearer {tokens[resident]}\t{body}")
        else:
            resident = RESIDENTS - 1 - questions % RESIDENTS
            questions += 1
            body = json.dumps(
                {"topic": "learn", "body": "パソコンを基礎から学べる講座はありますか。", "reply_channel": "email"},
                ensure_ascii=False,
            )
            lines.append(f"ask\tPOST\t/api/v1/consultations\tAuthorization: Bearer {tokens[resident]}\t{body}")
    return lines, {"published": len(published), "distinct_catalogue_urls": len(seen)}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def play(port: int, workdir: Path, plan: Path, *, connections: int, seconds: int, offset: int) -> dict[str, Any]:
    """wrk plays the plan from ``offset`` for ``seconds`` with ``connections``; figures overall and by kind."""
    script = wrk_script(workdir, "mix.lua", (ROOT / "scripts" / "wrk_mix.lua").read_text())
    out = workdir / "mix-timings.txt"
    command = [wrk_path(), f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}", "--", str(plan), str(connections), str(offset), str(out)]
    run = subprocess.run(command, check=True, capture_output=True, text=True, timeout=seconds + 300)  # noqa: S603
    match = re.search(r"RESULT errors=(\d+)", run.stdout)
    socket_errors = int(match.group(1)) if match else -1
    by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    wrong: dict[str, int] = {}
    every: list[float] = []
    first, last, laps, most = float("inf"), 0.0, 0, 0
    for line in out.read_text().splitlines():
        fields = line.split()
        if fields[0] == "SPAN":
            if float(fields[2]):
                first, last = min(first, float(fields[1])), max(last, float(fields[2]))
            laps = max(laps, int(fields[3]))
            most = max(most, int(fields[4]))
            continue
        kind, status, elapsed = fields[0], int(fields[1]), float(fields[2])
        by_kind[kind].append(elapsed)
        every.append(elapsed)
        if status != EXPECTED[kind]:
            wrong[f"{kind} {status}"] = wrong.get(f"{kind} {status}", 0) + 1
    wall = (last - first) / 1000 if last > first else float(seconds)
    return {
        "connections": connections,
        "requests": len(every),
        "rps": len(every) / wall,
        "p50": _percentile(every, 0.50),
        "p95": _percentile(every, 0.95),
        "p99": _percentile(every, 0.99),
        "mean": statistics.fmean(every) if every else 0.0,
        "by_kind": {
            kind: {"n": len(v), "p50": _percentile(v, 0.5), "p99": _percentile(v, 0.99)} for kind, v in by_kind.items()
        },
        "wrong_status": wrong,
        "socket_errors": socket_errors,
        "errors": sum(wrong.values()) + max(socket_errors, 0),
        "went_round_the_plan": laps > 0,
        # The next run starts past every line a thread of this one may have asked (+1 for the one in flight).
        "next_offset": offset + connections * (most + 1),
    }


def _workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return sorted(int(pid) for pid in children.read_text().split()) if children.exists() else []


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler:
    """The RSS of each gunicorn worker every SAMPLE_EVERY seconds, in a thread."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.samples: list[tuple[float, dict[int, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            sizes = {pid: rss for pid in _workers_of(self.master) if (rss := _rss_mb(pid)) is not None}
            self.samples.append((time.monotonic() - started, sizes))
            self._stop.wait(SAMPLE_EVERY)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def per_worker(self) -> list[dict[str, Any]]:
        """Each worker's RSS at its first sample after the first minute (warm) and at the end."""
        rows = []
        pids = sorted({pid for _t, sizes in self.samples for pid in sizes})
        for pid in pids:
            seen = [(t, sizes[pid]) for t, sizes in self.samples if pid in sizes]
            warm = next((rss for t, rss in seen if t >= 60), seen[0][1])
            rows.append(
                {
                    "pid": pid,
                    "start": seen[0][1],
                    "warm": warm,
                    "end": seen[-1][1],
                    "peak": max(rss for _t, rss in seen),
                    "samples": len(seen),
                    "growth": (seen[-1][1] - warm) / warm if warm else 0.0,
                }
            )
        return rows


def database_size() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return f"{cursor.fetchone()[0] / 2**20:.0f} MB (pg_database_size)"
    return f"{Path(connection.settings_dict['NAME']).stat().st_size / 2**20:.0f} MB (SQLite file)"


def city_counts() -> dict[str, int]:
    from manabiba.accounts.models import User
    from manabiba.consultations.models import Consultation
    from manabiba.programs.models import Program
    from manabiba.registrations.models import Registration

    return {
        "people": User.objects.count(),
        "programmes": Program.objects.count(),
        "registrations": Registration.objects.count(),
        "consultations": Consultation.objects.count(),
    }


REPORT_HEADING = "## City-scale soak"


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _kinds(run: dict[str, Any]) -> str:
    return ", ".join(
        f"{kind} {figures['n']} (p99 {figures['p99']:.0f})" for kind, figures in run["by_kind"].items() if figures["n"]
    )


def write_report(result: dict[str, Any]) -> None:
    healthz = result["healthz"]["rps"]
    steps = [
        "| connections | req/s | share of `/healthz` | p50 ms | p95 ms | p99 ms | p99 < 500 ms | errors |",
        "|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for run in result["steps"]:
        steps.append(
            f"| {run['connections']} | {run['rps']:.1f} | {run['rps'] / healthz:.3f} | {run['p50']:.0f} | "
            f"{run['p95']:.0f} | {run['p99']:.0f} | {_verdict(run['p99'] < TARGET_P99_MS)} | {run['errors']} |"
        )
    soak = result["soak"]
    memory = [
        "| worker | RSS at start | after 1 min | at the end | peak | growth after 1 min |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for n, row in enumerate(result["memory"], 1):
        memory.append(
            f"| {n} | {row['start']:.0f} MB | {row['warm']:.0f} MB | {row['end']:.0f} MB | {row['peak']:.0f} MB | "
            f"{row['growth'] * 100:+.1f}% |"
        )
    counts = result["counts"]
    chosen = result["chosen"]
    growth = f"largest growth {result['largest_growth'] * 100:+.1f}%"
    flat = _verdict(result["largest_growth"] <= 0.10)
    wrong = f" ({json.dumps(soak['wrong_status'])})" if soak["wrong_status"] else ""
    soak_text = (
        f"Soak: {soak['connections']} connections for {SOAK_SECONDS} s: {soak['requests']:,} requests, "
        f"{soak['rps']:.1f} req/s ({soak['rps'] / healthz:.3f} of `/healthz`), p50 {soak['p50']:.0f} ms, "
        f"p95 {soak['p95']:.0f} ms, p99 {soak['p99']:.0f} ms, {soak['errors']} errors{wrong}; by kind "
        f"(requests, p99 ms): {_kinds(soak)}."
        + (" The run went round its plan: some URLs were asked twice." if soak["went_round_the_plan"] else "")
    )
    section = f"""{REPORT_HEADING} — {time.strftime("%Y-%m-%d %H:%M %Z")}

`scripts/bench_soak.py`: the city's size (`seed_demo --scale {SCALE}`: {counts["people"]:,} people,
{counts["programmes"]:,} programmes, {counts["registrations"]:,} registrations, {counts["consultations"]:,}
consultations; database {result["database_size"]}), PostgreSQL and Redis, gunicorn with {WORKERS} sync workers
on production settings, wrk with a Lua script (`scripts/wrk_mix.lua`, one connection per wrk thread) playing a
plan of 70% catalogue browsing (every URL different: {result["prepared"]["distinct_catalogue_urls"]:,} distinct),
15% programme pages, 10% signed-in residents' pages (own session cookies), 5% applications and questions
through the API (a different resident each time), on the same 2-CPU machine ({result["machine"]}), shared with
other work (load average {result["load_before"]:.1f} before, {result["load_after"]:.1f} after). `/healthz` on the
same server just before: {healthz:.0f} req/s.

Stepping the connections ({STEP_SECONDS} s each):

{chr(10).join(steps)}

{soak_text}

Memory of each worker (RSS, sampled every {SAMPLE_EVERY} s):

{chr(10).join(memory)}

| target | figure | |
|---|---|---|
| no error in the soak | {soak["errors"]} errors | {_verdict(soak["errors"] == 0)} |
| flat memory per worker (none grows over 10% after its first minute) | {growth} | {flat} |
| concurrent residents one 2-core server holds at p99 < 500 ms | {chosen} | {_verdict(result["chosen_met"])} |

{result["residents_text"]}
"""
    report_section_write(REPORT_HEADING, section)


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("City-scale soak: skipped (it needs PostgreSQL in DATABASE_URL and Redis in REDIS_URL)")
        return
    workdir = Path(tempfile.mkdtemp(prefix="manabiba-bench-soak-"))
    try:
        print(
            f"City-scale soak: scale {SCALE}, steps {STEPS} x {STEP_SECONDS} s, "
            f"soak {SOAK_SECONDS} s, {WORKERS} workers"
        )
        setup(workdir)
        estimate = int(150 * (len(STEPS) * STEP_SECONDS + SOAK_SECONDS)) + 20000
        made = time.perf_counter()
        lines, prepared = prepare(estimate)
        print(f"  plan of {len(lines):,} requests prepared in {time.perf_counter() - made:.0f} s")
        plan = workdir / "plan.txt"
        plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
        counts = city_counts()
        size = database_size()
        from django.db import connection

        connection.close()
        port = free_port()
        process = start_gunicorn(port=port, workers=WORKERS, env={**os.environ})
        load_before = os.getloadavg()[0]
        offset = 0
        steps: list[dict[str, Any]] = []
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_server(f"{base}/healthz", process)
            wrk_summary(f"{base}/healthz", workdir=workdir, connections=16, seconds=2)
            healthz = wrk_summary(f"{base}/healthz", workdir=workdir, connections=16, seconds=5)
            print(f"  /healthz {healthz['rps']:.0f} req/s")
            # A short warm-up, so that each worker has its connections and code paths.
            warm = play(port, workdir, plan, connections=8, seconds=5, offset=offset)
            offset = warm["next_offset"]
            for connections in STEPS:
                run = play(port, workdir, plan, connections=connections, seconds=STEP_SECONDS, offset=offset)
                offset = run["next_offset"]
                steps.append(run)
                print(
                    f"  {connections:>3} connections: {run['rps']:6.1f} req/s  p50 {run['p50']:5.0f}  "
                    f"p95 {run['p95']:5.0f}  p99 {run['p99']:5.0f} ms  errors {run['errors']} {run['wrong_status']}"
                )
            passing = [run for run in steps if run["p99"] < TARGET_P99_MS and run["errors"] == 0]
            best = max(passing, key=lambda run: run["connections"]) if passing else None
            soak_connections = int(os.environ.get("BENCH_SOAK_CONNECTIONS", "0")) or (
                best["connections"] if best else min(STEPS)
            )
            with MemorySampler(process.pid) as sampler:
                soak = play(port, workdir, plan, connections=soak_connections, seconds=SOAK_SECONDS, offset=offset)
            print(
                f"  soak {soak_connections} connections {SOAK_SECONDS} s: {soak['rps']:.1f} req/s  "
                f"p50 {soak['p50']:.0f}  p99 {soak['p99']:.0f} ms  errors {soak['errors']} {soak['wrong_status']}"
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
        memory = sampler.per_worker()
        for n, row in enumerate(memory, 1):
            print(f"  worker {n}: RSS {row['start']:.0f} -> {row['warm']:.0f} (1 min) -> {row['end']:.0f} MB")
        largest_growth = max((row["growth"] for row in memory), default=0.0)
        if best is not None:
            cycle = THINK + best["mean"] / 1000
            residents = best["rps"] * cycle
            chosen = f"{best['connections']} connections, about {residents:,.0f} residents"
            residents_text = (
                f"At {best['connections']} connections the server answered {best['rps']:.1f} requests a second with "
                f"p99 {best['p99']:.0f} ms. A resident who reads each page for {THINK:.0f} s before the next "
                f"(think time) asks one request every {cycle:.1f} s, so one server holds about "
                f"{best['rps']:.1f} × {cycle:.1f} ≈ **{residents:,.0f} residents at once** (Little's law: "
                "residents = throughput × (think time + answer time))."
            )
        else:
            lowest = min(steps, key=lambda run: run["connections"])
            cycle = THINK + lowest["mean"] / 1000
            chosen = "none of the steps"
            residents_text = (
                f"No step kept p99 under 500 ms on this run. At the fewest connections ({lowest['connections']}) the "
                f"server answered {lowest['rps']:.1f} requests a second with p99 {lowest['p99']:.0f} ms: with a think "
                f"time of {THINK:.0f} s that is about {lowest['rps'] * cycle:,.0f} residents at once, at that p99 "
                "(Little's law: residents = throughput × (think time + answer time))."
            )
        result = {
            "healthz": healthz,
            "steps": steps,
            "soak": soak,
            "memory": memory,
            "largest_growth": largest_growth,
            "chosen": chosen,
            "chosen_met": best is not None,
            "residents_text": residents_text,
            "counts": counts,
            "database_size": size,
            "prepared": prepared,
            "load_before": load_before,
            "load_after": os.getloadavg()[0],
            "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}",
        }
        print(f"  {residents_text}")
        write_report(result)
        if soak["errors"]:
            raise SystemExit(1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
