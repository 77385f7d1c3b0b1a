"""Two versions of the code against each other on distinct catalogue URLs, interleaved.

This machine's neighbours move `/healthz` by up to 30% between runs minutes apart, so two
`make bench` runs made an hour apart cannot tell a tenth's improvement from the machine's mood.
This script runs the same nothing-kept load as `make bench` (`scripts/bench_catalogue.py`: a fresh
server with `CATALOGUE_KEYWORD_CACHE=0` and `CATALOGUE_CARDS_KEPT=0`, 16 connections, distinct
URLs each asked once) on each version in turn, alternating which goes first, and prints each
run's share of its own server's `/healthz`, then the means. A diagnosis, not a judged figure.

    .venv/bin/python scripts/bench_compare.py OLD_COMMIT [NEW_COMMIT]

NEW_COMMIT defaults to this checkout as it is (uncommitted changes included); an older commit
is checked out in a temporary git worktree that uses this checkout's virtualenv. BENCH_ROUNDS
(default 3) sets the rounds, BENCH_COMPARE ("page,api") what is measured; DATABASE_URL and
BENCH_WORKDIR as for `scripts/bench_catalogue.py` (the 100,000 programmes it seeds are reused).
"""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_catalogue as catalogue

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
MEASURED = os.environ.get("BENCH_COMPARE", "page,api").split(",")
TRIVIAL = "trivial view (/healthz)"


@contextmanager
def checkout(commit: str) -> Iterator[Path]:
    """The code at ``commit``, in a temporary worktree that uses this checkout's virtualenv."""
    with tempfile.TemporaryDirectory(prefix="manabiba-compare-") as parent:
        tree = Path(parent) / "tree"
        git = ["git", "-C", str(catalogue.ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", "--quiet", str(tree), commit], check=True)  # noqa: S603
        try:
            (tree / ".venv").symlink_to(catalogue.ROOT / ".venv")
            yield tree
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=False)  # noqa: S603


def main() -> None:
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    with ExitStack() as stack:
        kept = os.environ.get("BENCH_WORKDIR")
        workdir = Path(kept) if kept else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="manabiba-")))
        workdir.mkdir(parents=True, exist_ok=True)
        compare(workdir, stack)


def compare(workdir: Path, stack: ExitStack) -> None:
    print(f"database: {os.environ.get('DATABASE_URL') or 'SQLite in ' + str(workdir)}")
    catalogue.setup(workdir)
    catalogue.seed(catalogue.PROGRAMMES)
    from django.db import connection

    inputs = catalogue.distinct_filters(catalogue.DISTINCT_URLS + catalogue.WARM_URLS)
    rotating = {
        catalogue.SEARCH_UNCACHED: catalogue.distinct_paths(inputs, api=False),
        catalogue.API_UNCACHED: catalogue.distinct_paths(inputs, api=True),
    }
    connection.close()
    targets = [(TRIVIAL, "/healthz")]
    if "page" in MEASURED:
        targets.append((catalogue.SEARCH_UNCACHED, rotating[catalogue.SEARCH_UNCACHED][0]))
    if "api" in MEASURED:
        targets.append((catalogue.API_UNCACHED, rotating[catalogue.API_UNCACHED][0]))
    nothing_kept = {"CATALOGUE_KEYWORD_CACHE": "0", "CATALOGUE_CARDS_KEPT": "0"}
    shares: dict[str, dict[str, list[float]]] = {}
    here = catalogue.ROOT
    old = stack.enter_context(checkout(sys.argv[1]))
    new = stack.enter_context(checkout(sys.argv[2])) if len(sys.argv) == 3 else here
    versions = {sys.argv[1]: old, sys.argv[2] if len(sys.argv) == 3 else "this checkout": new}
    for number in range(ROUNDS):
        order = list(versions) if number % 2 == 0 else list(reversed(versions))
        for name in order:
            print(f"round {number + 1}, {name}:")
            catalogue.ROOT = versions[name]  # where load() starts gunicorn
            try:
                results = catalogue.load(workdir, targets, rotating, nothing_kept)
            finally:
                catalogue.ROOT = here
            trivial = results[TRIVIAL]["rps"]
            for target, figures in results.items():
                if target != TRIVIAL:
                    shares.setdefault(target, {}).setdefault(name, []).append(figures["rps"] / trivial)
    print("share of each run's own /healthz, nothing kept:")
    for target, by_version in shares.items():
        for name, values in by_version.items():
            runs = ", ".join(f"{value:.3f}" for value in values)
            print(f"  {target:<44} {name:<14} mean {mean(values):.3f}   runs {runs}")


if __name__ == "__main__":
    main()
