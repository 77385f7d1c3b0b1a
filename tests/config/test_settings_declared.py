"""Settings are read one way: declared once in config/settings.py from the environment, described in
docs/operations.md, and read in the code as ``settings.NAME`` (no defaults repeated at the call)."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import global_settings

from manabiba.config.env import env_int, env_int_map

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "manabiba"
SETTINGS = PACKAGE / "config" / "settings.py"
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
# ``settings.NAME`` in code, and ``setting("NAME")`` of the consultations' leftover accessor.
READ = re.compile(r"\bsettings\.([A-Z][A-Z0-9_]*[A-Z0-9])\b|\bsetting\(\s*\"([A-Z][A-Z0-9_]*[A-Z0-9])\"")
# Settings of the libraries the project uses, read by them and not by our code.
THIRD_PARTY = ("NINJA_", "RQ")


def _code_files() -> list[Path]:
    return [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts and path.parent.name != "config"]


def _declared() -> dict[str, set[str]]:
    """Every name settings.py assigns (at any depth of if/else), with the environment variables it reads."""
    tree = ast.parse(SETTINGS.read_text(encoding="utf-8"))
    declared: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            variables = {
                call.args[0].value
                for call in ast.walk(node)
                if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id.startswith("env_")
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)
            }
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    declared.setdefault(target.id, set()).update(variables)
    return declared


def _project_settings_read() -> dict[str, set[str]]:
    """The project's own setting names the code reads, each with the files that read it."""
    read: dict[str, set[str]] = {}
    for path in _code_files():
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            if hasattr(global_settings, name) or name.startswith(THIRD_PARTY):
                continue
            read.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return read


def _documented(name: str) -> bool:
    return f"`{name}`" in OPERATIONS


def test_the_scan_finds_the_settings_the_code_reads() -> None:
    read = _project_settings_read()
    # A scan that found nothing would let every later check pass.
    assert {"SITE_URL", "CITY_NAME", "CONSULTATIONS_RETENTION_DAYS", "DESK_LOCATION"} <= set(read)


def test_every_setting_the_code_reads_is_declared_and_documented() -> None:
    declared = _declared()
    undeclared = {name: files for name, files in _project_settings_read().items() if name not in declared}
    assert undeclared == {}, "declare these in manabiba/config/settings.py"
    undocumented = sorted(
        name
        for name in _project_settings_read()
        if not _documented(name) and not any(_documented(variable) for variable in declared[name])
    )
    assert undocumented == [], "describe these in the table of docs/operations.md"


def test_every_environment_variable_is_documented() -> None:
    variables = {variable for variables in _declared().values() for variable in variables}
    assert "COMMUNITIES_CONFIRM_HIDE_DAYS" in variables
    assert sorted(v for v in variables if not _documented(v)) == []


def test_the_code_reads_settings_without_defaults_or_the_environment() -> None:
    offenders = []
    for path in _code_files():
        if path.name == "__main__.py":
            continue  # the command sets DJANGO_SETTINGS_MODULE
        text = path.read_text(encoding="utf-8")
        if re.search(r"getattr\(\s*settings\b|os\.environ|os\.getenv", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_numbers_and_per_topic_days_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSULTATIONS_RESPONSE_TARGET_DAYS", "learn=2, other=4")
    assert env_int_map("CONSULTATIONS_RESPONSE_TARGET_DAYS", {"learn": 3, "group": 5, "other": 5}) == {
        "learn": 2,
        "group": 5,
        "other": 4,
    }
    monkeypatch.setenv("CONSULTATIONS_RESPONSE_TARGET_DAYS", "learn=soon")
    with pytest.raises(ValueError, match="key=number"):
        env_int_map("CONSULTATIONS_RESPONSE_TARGET_DAYS", {})
    monkeypatch.setenv("DESK_APPOINTMENTS_PER_SLOT", "")
    assert env_int("DESK_APPOINTMENTS_PER_SLOT", 1) == 1
    monkeypatch.setenv("DESK_APPOINTMENTS_PER_SLOT", "two")
    with pytest.raises(ValueError, match="DESK_APPOINTMENTS_PER_SLOT must be a whole number"):
        env_int("DESK_APPOINTMENTS_PER_SLOT", 1)
