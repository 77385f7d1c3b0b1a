"""Every action code written to the audit log has a description in both languages, and the log page
names each entry's object with a link to its staff page (core/audit.py, each app's audit_actions.py)."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

import manabiba
from manabiba.accounts.services import NewPasswordReason
from manabiba.core.audit import audit_action_text, audit_actions, audit_log, audit_targets_describe
from manabiba.exchanges.models import FairTable, Presentation
from manabiba.programs.factories import ProgramFactory

PACKAGE = Path(manabiba.__file__).parent
APPS = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
CODE = re.compile(r"^([a-z_]+)\.[a-z_]+\.[a-z_.]+$")
# Strings shaped like action codes that are not: the messages of PermissionDenied.
NOT_ACTIONS = {"desk.appointment.cancel", "venues.booking.cancel", "venues.volunteer.withdraw"}


def _literals() -> tuple[dict[str, str], dict[str, str]]:
    """Action-shaped string literals, and f-strings (as patterns), in the package's code."""
    codes: dict[str, str] = {}
    patterns: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts or path.name == "audit_actions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = CODE.match(node.value)
                if match and match.group(1) in APPS:
                    codes.setdefault(node.value, where)
            elif isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
                if text.split(".")[0] in APPS and re.fullmatch(r"[a-z_]+(\.[a-z_{}]+)+", text) and "{}" in text:
                    patterns.setdefault(text, where)
    return codes, patterns


def test_every_action_written_in_the_code_is_described() -> None:
    described = audit_actions()
    codes, patterns = _literals()
    assert len(codes) > 200
    missing = {code: where for code, where in codes.items() if code not in described and code not in NOT_ACTIONS}
    assert not missing, f"describe these in the app's audit_actions.py: {missing}"
    # Codes made with an f-string: at least one of each shape, and every value they are made of.
    for pattern, where in patterns.items():
        shape = re.compile(re.escape(pattern).replace(r"\{\}", "[a-z_]+"))
        if pattern.count(".") < 2 and not pattern.startswith("accounts."):
            continue  # a workspace card's key, not an action
        assert any(shape.fullmatch(code) for code in described), f"{pattern} ({where}) has no description"
    made = [f"accounts.{reason}" for reason in NewPasswordReason]
    made += [f"exchanges.presentation.{status}" for status in Presentation.Status]
    made += [f"exchanges.table.{status}" for status in FairTable.Status]
    assert [code for code in made if code not in described] == []


def test_every_description_is_in_japanese_and_describes_a_real_app() -> None:
    untranslated = []
    for code, text in audit_actions().items():
        assert code.split(".")[0] in APPS
        with translation.override("en"):
            english = str(text)
        with translation.override("ja"):
            japanese = str(text)
        if japanese == english or not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", japanese):
            untranslated.append(code)
    assert untranslated == []


@pytest.mark.django_db
def test_the_object_of_an_entry_is_named_and_linked_in_one_query_per_kind(
    django_assert_num_queries: object,
) -> None:
    programs = [ProgramFactory(title=f"講座{n}") for n in range(3)]
    entries = [audit_log(action="programs.program.updated", actor=None, target=p) for p in programs]
    entries.append(audit_log(action="core.outbox.requeued", actor=None))
    gone = audit_log(action="programs.program.updated", actor=None, target=ProgramFactory())
    gone_id = gone.target_id
    apps.get_model("programs", "Program").objects.filter(pk=gone_id).delete()
    with translation.override("ja"), django_assert_num_queries(1):  # type: ignore[operator]
        described = audit_targets_describe([*entries, gone])
    first = described["programs.program", str(programs[0].pk)]
    assert first.text == "講座・イベント：講座0"
    assert first.url == f"/staff/programs/{programs[0].pk}/"
    assert described["programs.program", gone_id].url == ""
    assert described["programs.program", gone_id].text == f"講座・イベント（番号 {gone_id}）"
    with translation.override("ja"):
        assert audit_action_text("accounts.user.logged_in") == "ログイン"
    assert audit_action_text("no.such.code") == ""
