"""What the load benchmarks share: production settings in a scratch directory, and a gunicorn to talk to."""

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def report_section_write(heading: str, section: str, path: Path | None = None) -> None:
    """Put ``section`` (which starts with ``heading`` and may go on after it, with a date for instance)
    in docs/benchmarks.md (or ``path``), in place of the section that starts with that heading, or at
    the end: each benchmark rewrites its own section and leaves the others'."""
    path = path or REPORT
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(heading)
    if start != -1:
        following = text.find("\n## ", start + len(heading))
        text = text[:start].rstrip("\n") + ("\n\n" + text[following + 1 :] if following != -1 else "")
    path.write_text(text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n", encoding="utf-8")
    print(f"written to {path}")


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


def debian_tool(name: str) -> str:
    """The path of Debian's package ``name`` (wrk, nginx), installed with apt-get if missing."""
    found = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if found:
        return found
    print(f"{name} is missing: installing Debian's package with apt-get install -y {name}")
    command = ["apt-get", "install", "-y", name]
    if os.geteuid() != 0 and shutil.which("sudo"):
        command.insert(0, "sudo")
    subprocess.run(command, check=False)  # noqa: S603 - fixed arguments
    found = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if not found:
        raise SystemExit(f"{name} is needed: apt-get install {name}")
    return found


def nginx_path() -> str:
    return debian_tool("nginx")


def nginx_config(workdir: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx-cluster.conf for nginx on ``port`` in front of the app servers on ``upstreams``."""
    template = (ROOT / "deploy" / "nginx-cluster.conf").read_text(encoding="utf-8")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / name).mkdir(exist_ok=True)
    config = template.format(
        user="user root;" if os.geteuid() == 0 else "",
        workdir=workdir,
        port=port,
        servers="\n".join(f"        server 127.0.0.1:{upstream} max_fails=0;" for upstream in upstreams),
    )
    path = workdir / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def start_nginx(workdir: Path, port: int, upstreams: list[int]) -> subprocess.Popen[bytes]:
    """nginx in front of the app servers, as deployed: it reads each request whole before passing
    it on, so a client that connects and sends nothing ties up no gunicorn sync worker."""
    config = nginx_config(workdir, port, upstreams)
    return subprocess.Popen([nginx_path(), "-p", str(workdir), "-c", str(config)])  # noqa: S603


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


# wrk's done() prints this line, read by ``wrk_summary``.
WRK_SUMMARY_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50=%d p95=%d p99=%d\\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
SCRIPTS = Path(__file__).resolve().parent


def wrk_path() -> str:
    return debian_tool("wrk")


def wrk_script(workdir: Path, name: str, *parts: str) -> Path:
    """A wrk script made of the shared timing helpers (scripts/wrk_timing.lua) and ``parts``."""
    path = workdir / name
    path.write_text((SCRIPTS / "wrk_timing.lua").read_text(encoding="utf-8") + "\n" + "\n".join(parts))
    return path


def wrk_summary(url: str, *, workdir: Path, connections: int, seconds: int, threads: int = 2) -> dict[str, float]:
    """Requests a second, percentiles (ms) and errors of wrk asking ``url`` over and over."""
    script = workdir / "summary.lua"
    script.write_text(WRK_SUMMARY_LUA)
    command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    run = subprocess.run([*command, url], check=True, capture_output=True, text=True)  # noqa: S603
    match = re.search(r"RESULT (.*)", run.stdout)
    if match is None:
        raise SystemExit(run.stdout + run.stderr)
    figures = {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50": figures["p50"] / 1000,
        "p95": figures["p95"] / 1000,
        "p99": figures["p99"] / 1000,
        "errors": figures["errors"] + figures["non2xx"],
    }


def wrk_until_done(command: list[str], *, threads: int, timeout: float) -> str:
    """Run wrk with a script whose threads each print THREAD_DONE when their work is over, and stop
    it once all have (wrk otherwise sits out its whole -d duration); its stdout."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()], daemon=True)
    reader.start()
    seen: list[str] = []
    finished = 0
    deadline = time.monotonic() + timeout
    while finished < threads and time.monotonic() < deadline and process.poll() is None:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        finished += line.startswith("THREAD_DONE")
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # wrk's own handler: stop, then run done()
    process.wait(timeout=60)
    reader.join(timeout=10)
    while not lines.empty():
        seen.append(lines.get())
    if finished < threads:
        print(f"  wrk: only {finished} of {threads} threads finished within {timeout:.0f} s")
    return "".join(seen)


def start_gunicorn(
    *, port: int, workers: int, env: dict[str, str], extra: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """gunicorn serving the project on ``port`` with production settings from ``env``."""
    gunicorn = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "gunicorn"
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(gunicorn),
            "manabiba.config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
            *extra,
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )
