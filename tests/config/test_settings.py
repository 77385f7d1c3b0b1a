import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANABIBA = Path(sys.executable).parent / "manabiba"
# Only what any process has: the test overlay and other fixtures set variables (SECURE_SSL_REDIRECT,
# DJANGO_ALLOW_ASYNC_UNSAFE, ...) that a production environment does not.
INHERITED = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="manabiba.config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="manabiba.example.jp",
        MANABIBA_VAR_DIR=str(tmp_path),
        **extra,
    )
    return env


def manabiba(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(MANABIBA), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_deployment_checklist_passes_with_production_settings(tmp_path: Path) -> None:
    env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")

    result = manabiba(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checklist_warns_that_limits_are_per_process_without_redis(tmp_path: Path) -> None:
    result = manabiba(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "manabiba.W001" in output
    assert "1 issue" in output, output
    # Not a deploy-time concern for development: the plain check stays quiet.
    assert "no issues" in manabiba(production_env(tmp_path), "check").stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = manabiba(env, "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
