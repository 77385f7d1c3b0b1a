"""Groups made through the services, as in real use."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import Area
from manabiba.programs.factories import CategoryFactory
from manabiba.programs.models import Category


@pytest.fixture
def client(client: Client, settings: Settings) -> Client:
    """Pages in English, so that tests can read the messages whatever the catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def categories(db: None) -> list[Category]:
    return [
        CategoryFactory(major="スポーツ・レクリエーション", minor=""),
        CategoryFactory(major="芸術・文化", minor=""),
        CategoryFactory(major="家庭生活・趣味", minor=""),
        CategoryFactory(major="市民生活・国際関係", minor=""),
    ]


@pytest.fixture
def areas(db: None) -> list[Area]:
    return [
        Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0],
        Area.objects.get_or_create(name="ひばりが丘", defaults={"kana": "ひばりがおか"})[0],
    ]


def group_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "西東京さくら太極拳の会",
        "name_kana": "にしとうきょうさくらたいきょくけんのかい",
        "kind": CommunityGroup.Kind.SPORTS,
        "activity_days": "25",
        "activity_days_note": "毎週水・土 10時から",
        "activity_place": "田無公民館",
        "members_count": 20,
        "members_in_city": 18,
        "founded_year": 2012,
        "purpose": "太極拳で健康づくりと仲間づくり。",
        "activities": "毎週の練習と、年に一度の発表会。",
        "fees": "月500円",
        "how_to_join": "見学はいつでも歓迎です。",
        "representative_name": "代表 一郎",
        "contact_name": "連絡 花子",
        "contact_email": "private-contact@example.jp",
        "contact_phone": "042-000-0000",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def applicant(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.RESIDENT, email="applicant@example.jp", full_name="申請 太郎")


@pytest.fixture
def make_group(
    categories: list[Category], areas: list[Area], coordinator: User, make_persona: Callable[..., User]
) -> Callable[..., CommunityGroup]:
    counter = iter(range(1, 1000))

    def make(*, owner: User | None = None, approved: bool = True, **overrides: Any) -> CommunityGroup:
        n = next(counter)
        owner = owner or make_persona(Role.RESIDENT, email=f"owner{n}@example.jp", full_name=f"代表{n}")
        group = services.group_apply(
            actor=owner,
            agreed_to_rules=True,
            categories=[categories[0]],
            areas=[areas[0]],
            **group_fields(**overrides),
        )
        if approved:
            group = services.group_approve(group=group, actor=coordinator)
        return group

    return make
