"""People and consultations for the consultation tests."""

from collections.abc import Callable
from typing import Any

import pytest

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation
from manabiba.consultations.services import consultation_submit


@pytest.fixture
def sports() -> Department:
    return DepartmentFactory(name="スポーツ振興課")


@pytest.fixture
def childcare() -> Department:
    return DepartmentFactory(name="子育て支援課")


@pytest.fixture
def sports_staff(make_persona: Callable[..., User], sports: Department) -> User:
    return make_persona(Role.DEPARTMENT_STAFF, email="sports@example.jp", full_name="運動 太郎", department=sports)


@pytest.fixture
def childcare_staff(make_persona: Callable[..., User], childcare: Department) -> User:
    return make_persona(Role.DEPARTMENT_STAFF, email="childcare@example.jp", department=childcare)


@pytest.fixture
def desk_staff(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.DESK_STAFF, email="desk@example.jp", full_name="窓口 一郎")


@pytest.fixture
def ask() -> Callable[..., Consultation]:
    """A guest's consultation, confirmed unless ``confirmed=False``."""

    def make(confirmed: bool = True, **fields: Any) -> Consultation:
        values: dict[str, Any] = {
            "topic": "learn",
            "body": "パソコンを基礎から学びたいです。",
            "reply_channel": "email",
            "email": "guest@example.jp",
            "name": "来庁 花子",
            "language": "en",
        }
        values.update(fields)
        consultation = consultation_submit(**values)
        if confirmed and consultation.confirmed_at is None:
            from manabiba.consultations.services import confirmation_token, consultation_confirm

            consultation = consultation_confirm(token=confirmation_token(consultation))
        return consultation

    return make
