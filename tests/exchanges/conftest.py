"""An exchange meeting with two approved groups, made through the services as in real use."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services as community_services
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import Area
from manabiba.exchanges import services
from manabiba.exchanges.models import ExchangeMeeting, Presentation
from manabiba.programs.factories import CategoryFactory, ProgramFactory
from manabiba.programs.models import Category, Program


@pytest.fixture
def client(client: Client, settings: Settings) -> Client:
    """Pages in English, so that tests can read the messages whatever the catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def category(db: None) -> Category:
    return CategoryFactory(major="地域活動", minor="交流")


@pytest.fixture
def area(db: None) -> Area:
    return Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0]


def make_group(owner: User, coordinator: User, category: Category, area: Area, name: str, email: str) -> CommunityGroup:
    group = community_services.group_apply(
        actor=owner,
        agreed_to_rules=True,
        categories=[category],
        areas=[area],
        name=name,
        name_kana="だんたい",
        kind=CommunityGroup.Kind.VOLUNTEER,
        members_count=20,
        members_in_city=18,
        founded_year=2012,
        purpose="地域の交流。",
        activities="月例の活動。",
        representative_name="代表 一郎",
        contact_name="連絡 花子",
        contact_email=email,
    )
    return community_services.group_approve(group=group, actor=coordinator)


@pytest.fixture
def owner_a(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.GROUP_ORGANISER, email="owner-a@example.jp", full_name="甲 太郎")


@pytest.fixture
def owner_b(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.GROUP_ORGANISER, email="owner-b@example.jp", full_name="乙 花子")


@pytest.fixture
def group_a(owner_a: User, coordinator: User, category: Category, area: Area) -> CommunityGroup:
    return make_group(owner_a, coordinator, category, area, "子ども読書の会", "group-a@example.jp")


@pytest.fixture
def group_b(owner_b: User, coordinator: User, category: Category, area: Area) -> CommunityGroup:
    return make_group(owner_b, coordinator, category, area, "シニア囲碁クラブ", "group-b@example.jp")


def exchange_program(**overrides: object) -> Program:
    now = timezone.now()
    fields: dict[str, object] = {
        "title": "地域活動交流会",
        "kind": Program.Kind.EXCHANGE,
        "status": Program.Status.PUBLISHED,
        "capacity": 30,
        "application": Program.Application.SITE,
        "applications_open_at": now - timedelta(days=1),
        "applications_close_at": now + timedelta(days=5),
    }
    fields.update(overrides)
    return ProgramFactory(**fields)


@pytest.fixture
def program(db: None) -> Program:
    return exchange_program()


@pytest.fixture
def meeting(program: Program, coordinator: User) -> ExchangeMeeting:
    return services.meeting_setup(
        program=program,
        actor=coordinator,
        format=ExchangeMeeting.Format.MEETING,
        stages="大ホール\n会議室",
        tables_open=True,
    )


def apply(program: Program, group: CommunityGroup, owner: User, **overrides: object) -> Presentation:
    fields: dict[str, object] = {
        "title": f"{group.name}の活動紹介",
        "summary": "一年の活動を紹介します。",
        "minutes_needed": 15,
        "generations": ["c", "o"],
        "equipment": "プロジェクター",
    }
    fields.update(overrides)
    return services.presentation_apply(program=program, group=group, actor=owner, **fields)  # type: ignore[arg-type]


@pytest.fixture
def accepted(
    meeting: ExchangeMeeting, program: Program, group_a: CommunityGroup, owner_a: User, coordinator: User
) -> Presentation:
    presentation = apply(program, group_a, owner_a)
    return services.presentation_decide(presentation=presentation, actor=coordinator, status="accepted")
