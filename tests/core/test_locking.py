"""Every row lock names its own rows only (docs/architecture.md, "Rules of the road")."""

import re
from pathlib import Path

import manabiba

SOURCE = Path(manabiba.__file__).parent
LOCK = re.compile(r"select_for_update\((?P<args>[^)]*)\)")


def test_every_row_lock_is_of_self_only() -> None:
    calls = 0
    plain = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in LOCK.finditer(line):
                calls += 1
                if match["args"].replace(" ", "") != 'of=("self",':
                    plain.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")

    assert calls > 50  # the scan reads the services, where the locks are
    assert plain == []
