"""Consultation mail goes out in the recipient's language and says so (``Content-Language``):
the resident's in the language they asked in, a staff member's in the one their account uses."""

from collections.abc import Callable
from typing import Any

import pytest

from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation
from manabiba.consultations.services import consultation_assign

pytestmark = pytest.mark.django_db

Ask = Callable[..., Consultation]


def test_residents_and_staff_get_mail_in_their_own_language(
    ask: Ask,
    coordinator: User,
    sports: Department,
    make_persona: Callable[..., User],
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    english_staff = make_persona(
        Role.DEPARTMENT_STAFF, email="en-staff@example.jp", full_name="Sam Lee", department=sports, language="en"
    )
    japanese_staff = make_persona(
        Role.DEPARTMENT_STAFF, email="ja-staff@example.jp", full_name="運動 次郎", department=sports, language="ja"
    )
    with django_capture_on_commit_callbacks(execute=True):
        english = ask(email="alex@example.jp", name="Alex Brown", language="en")
        japanese = ask(email="hanako@example.jp", name="山田 花子", language="ja")
        consultation_assign(consultation=english, actor=coordinator, department=sports, assignee=english_staff)
        consultation_assign(consultation=japanese, actor=coordinator, department=sports, assignee=japanese_staff)

    received_en = smtp_server.to("alex@example.jp")[-1]
    assert received_en["Content-Language"] == "en"
    assert smtp_server.subject(received_en) == f"[{english.reference}] We have received your question"
    assert smtp_server.body(received_en).splitlines()[0] == "Dear Alex Brown,"
    received_ja = smtp_server.to("hanako@example.jp")[-1]
    assert received_ja["Content-Language"] == "ja"
    assert smtp_server.subject(received_ja) == f"[{japanese.reference}] ご相談を受け付けました"
    assert smtp_server.body(received_ja).splitlines()[0] == "山田 花子 様"

    [assigned_en] = smtp_server.to(english_staff.email)
    assert assigned_en["Content-Language"] == "en"
    assert smtp_server.subject(assigned_en) == f"[{english.reference}] A consultation has been assigned to you"
    [assigned_ja] = smtp_server.to(japanese_staff.email)
    assert assigned_ja["Content-Language"] == "ja"
    assert smtp_server.subject(assigned_ja) == f"[{japanese.reference}] 学習相談の担当になりました"
