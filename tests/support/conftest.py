"""A group, three departments with their staff, and support requests made through the services."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.support.models import SupportRequest
from manabiba.support.services import support_request_submit
from tests.communities.conftest import areas, categories, make_group

__all__ = ["areas", "categories", "make_group"]


@pytest.fixture
def client(client: Client, settings: Settings) -> Client:
    """Pages in English, so that tests can read the messages whatever the catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def departments(db: None) -> dict[str, Department]:
    return {
        "facilities": DepartmentFactory(name="施設管理課"),
        "pr": DepartmentFactory(name="広報課"),
        "safety": DepartmentFactory(name="危機管理課"),
    }


@pytest.fixture
def staff(make_persona: Callable[..., User], departments: dict[str, Department]) -> dict[str, User]:
    return {
        key: make_persona(Role.DEPARTMENT_STAFF, email=f"{key}@example.jp", full_name=f"職員 {key}", department=dept)
        for key, dept in departments.items()
    }


@pytest.fixture
def owner(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.RESIDENT, email="owner@example.jp", full_name="代表 花子", language="en")


@pytest.fixture
def group(make_group: Callable[..., CommunityGroup], owner: User) -> CommunityGroup:
    return make_group(owner=owner, name="ひばりが丘町会", kind=CommunityGroup.Kind.NEIGHBOURHOOD)


@pytest.fixture
def ask(owner: User, group: CommunityGroup) -> Callable[..., SupportRequest]:
    def make(**fields: Any) -> SupportRequest:
        values: dict[str, Any] = {
            "actor": owner,
            "group": group,
            "title": "夏の子ども祭り",
            "kinds": ["venue", "publicity", "safety"],
            "description": "8月に公園で子ども祭りを開きたい。会場、広報、安全の助言をお願いします。",
            "starts_on": date(2027, 8, 1),
            "language": "en",
        }
        values.update(fields)
        return support_request_submit(**values)

    return make
