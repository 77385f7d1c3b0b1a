"""Where one API application's time goes: cProfile around Django's whole stack, without HTTP.

Run with `DATABASE_URL=postgres://… .venv/bin/python scripts/profile_application.py` (or without
DATABASE_URL for SQLite in a temporary directory). Seeds as `scripts/bench_registrations.py` does
(BENCH_APPLICANTS residents, BENCH_SEATS seats), applies 20 times to warm up, then profiles the rest
through the Django test client on production settings, prints the functions with the most time of
their own, and times a second seed's applications without the profiler. A diagnosis for issue 14's
target 6, not a judged figure: the burst itself is `make bench`.
"""

import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_APPLICANTS", "320")

import bench_registrations as burst

WARM = 20
BODY = '{"party_size": 1, "answers": {}, "consent": true}'


def main() -> None:
    burst.setup(Path(tempfile.mkdtemp(prefix="manabiba-profile-")))
    from django.test import Client

    client = Client()

    def apply(program_id: int, token: str) -> None:
        response = client.post(
            f"/api/v1/programs/{program_id}/registrations",
            data=BODY,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_HOST="127.0.0.1",
        )
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])

    program_id, tokens = burst.seed()
    for token in tokens[:WARM]:
        apply(program_id, token)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for token in tokens[WARM:]:
        apply(program_id, token)
    profiler.disable()
    profiled = (time.perf_counter() - started) / len(tokens[WARM:]) * 1000
    # PROFILE_SORT=cumtime PROFILE_FILTER=manabiba: our own functions by the time under them.
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime"))
    stats.print_stats(os.environ.get("PROFILE_FILTER", ""), int(os.environ.get("PROFILE_TOP", "25")))

    program_id, tokens = burst.seed()
    started = time.perf_counter()
    for token in tokens:
        apply(program_id, token)
    plain = (time.perf_counter() - started) / len(tokens) * 1000
    print(f"{profiled:.1f} ms an application under cProfile; {plain:.1f} ms without it ({len(tokens)} applications)")


if __name__ == "__main__":
    main()
