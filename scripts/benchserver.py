"""What the load benchmarks share: production settings in a scratch directory, and a gunicorn to talk to."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def production_env(workdir: Path, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) with the database in DATABASE_URL, else SQLite in ``workdir``."""
    return {
        "DJANGO_SETTINGS_MODULE": "manabiba.config.settings",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MANABIBA_VAR_DIR": str(workdir),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_server(url: str, process: subprocess.Popen[bytes]) -> None:
    """Return once ``url`` answers 200; stop the benchmark if the server dies or stays silent for a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url}")
