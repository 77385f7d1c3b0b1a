"""In-process search benchmark: seeds N index entries and times search_ids.

Usage: .venv/bin/python scripts/bench_search.py [N] (default 100000). Uses the database in
DATABASE_URL, or a temporary SQLite file. Titles are the real event names of the open-data
files, varied with a town and a session number; bodies are their descriptions.
"""

import csv
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENDATA = ROOT / "manabiba" / "opendata" / "samples"
KIND = "bench.program"
QUERIES = [
    *("講座", "防災", "ヨガ", "こども", "スマホ"),
    *("ひばり", "とうにょうびょう", "保谷", "パソコン 教室", "囲碁将棋"),
]
RUNS = int(os.environ.get("BENCH_RUNS", "200"))


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix="manabiba-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabiba.config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def events() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for path in sorted(OPENDATA.glob("events-*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                name = row.get("名称") or row.get("イベント名") or ""
                body = (row.get("説明") or row.get("概要") or "")[:300]
                venue = row.get("場所名称") or row.get("集合場所") or ""
                if name:
                    rows.append((name, body, venue))
    return rows


def seed(n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from manabiba.core.japanese import reading_overrides
    from manabiba.core.models import SearchEntry
    from manabiba.core.search import _entry_fields

    if SearchEntry.objects.filter(kind=KIND).count() == n:
        print(f"{n} entries already seeded")
        return
    base = events()
    towns = [name for name in reading_overrides() if name.endswith(("町", "谷", "見"))] + ["ひばりが丘"]
    cache: dict[tuple[str, str, str], dict[str, object]] = {}

    def fields(title: str, body: str, venue: str) -> dict[str, object]:
        key = (title, body, venue)
        if key not in cache:
            cache[key] = _entry_fields(title=title, body=body, venue=venue, starts_at=None)
        return cache[key]

    random_ = random.Random(42)  # noqa: S311 - repeatable data, not secrets
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        SearchEntry.objects.filter(kind=KIND).delete()
        batch: list[SearchEntry] = []
        for object_id in range(1, n + 1):
            name, body, venue = base[object_id % len(base)]
            town = towns[object_id % len(towns)]
            suffix = f"{town}会場 第{object_id % 12 + 1}回"
            main, extra = fields(name, body, venue), fields(suffix, "", "")
            batch.append(
                SearchEntry(
                    kind=KIND,
                    object_id=object_id,
                    title_terms=f"{main['title_terms']} {extra['title_terms']}",
                    body_terms=str(main["body_terms"]),
                    venue_terms=str(main["venue_terms"]),
                    bigrams=f"{main['bigrams']} {extra['bigrams']}",
                    starts_at=now + timedelta(days=random_.randint(-365, 365), hours=random_.randint(0, 23)),
                )
            )
            if len(batch) == 2000:
                SearchEntry.objects.bulk_create(batch)
                batch = []
        SearchEntry.objects.bulk_create(batch)
    print(f"seeded {n} entries in {time.perf_counter() - started:.1f} s")


def measure(query: str, limit: int | None) -> tuple[int, float, float]:
    from django.utils import timezone

    from manabiba.core.search import search_ids

    now = timezone.now()
    found = len(search_ids(kind=KIND, query=query, now=now, limit=limit))
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        search_ids(kind=KIND, query=query, now=now, limit=limit)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return found, statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup()
    from django.db import connection

    seed(n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_searchentry")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')")
    print(f"database: {connection.vendor}, entries: {n}, runs per query: {RUNS}")
    print(f"{'query':<20}{'limit':>6}{'found':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for limit in (20, None):
        for query in QUERIES:
            found, p50, p95 = measure(query, limit)
            print(f"{query:<20}{limit or '-':>6}{found:>8}{p50:>9.2f}{p95:>9.2f}")


if __name__ == "__main__":
    main()
