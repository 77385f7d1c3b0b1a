"""Fixtures for registrations: programmes that take applications, residents, staff."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from manabiba.accounts.factories import UserFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program
from manabiba.registrations.models import RegistrationSettings
from manabiba.registrations.services import registration_settings_update

MakeProgram = Callable[..., Program]


@pytest.fixture
def make_program(db: None) -> MakeProgram:
    """A published programme taking applications on the site now, with registration settings."""

    def make(
        *,
        capacity: int | None = 20,
        lottery: bool = False,
        closes_in: timedelta = timedelta(days=3),
        priority_rules: list[tuple[str, int]] | None = None,
        program_fields: dict[str, Any] | None = None,
        **settings_fields: Any,
    ) -> Program:
        now = timezone.now()
        program = ProgramFactory(
            published=True,
            capacity=capacity,
            application=Program.Application.SITE,
            applications_open_at=now - timedelta(days=1),
            applications_close_at=now + closes_in,
            **(program_fields or {}),
        )
        registration_settings_update(
            program=program,
            actor=None,
            allocation=RegistrationSettings.Allocation.LOTTERY
            if lottery
            else RegistrationSettings.Allocation.FIRST_COME,
            priority_rules=priority_rules,
            **settings_fields,
        )
        return program

    return make


@pytest.fixture
def make_resident(db: None) -> Callable[..., User]:
    def make(**fields: Any) -> User:
        return UserFactory(**fields)

    return make


@pytest.fixture
def desk(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.DESK_STAFF, email="desk@example.jp", full_name="窓口 職員")
