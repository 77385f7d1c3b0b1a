"""Talents made through the services, as in real use."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import Area
from manabiba.programs.factories import AudienceFactory, CategoryFactory
from manabiba.programs.models import Audience, Category
from manabiba.talents import services
from manabiba.talents.models import HonorariumRate, IntroductionRequest, TalentProfile


@pytest.fixture
def client(client: Client, settings: Settings) -> Client:
    """Pages in English, so that tests can read the messages whatever the catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def categories(db: None) -> list[Category]:
    return [
        CategoryFactory(major="芸術・文化", minor="書道"),
        CategoryFactory(major="芸術・文化", minor="茶道"),
        CategoryFactory(major="家庭生活・趣味", minor="料理"),
        CategoryFactory(major="市民生活・国際関係", minor="語学"),
    ]


@pytest.fixture
def areas(db: None) -> list[Area]:
    return [
        Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0],
        Area.objects.get_or_create(name="ひばりが丘", defaults={"kana": "ひばりがおか"})[0],
    ]


@pytest.fixture
def audiences(db: None) -> list[Audience]:
    return [AudienceFactory(name="子ども"), AudienceFactory(name="高齢者")]


@pytest.fixture
def rate(db: None) -> HonorariumRate:
    return HonorariumRate.objects.get(name="一般講師")


def talent_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "筆野 墨子",
        "name_kana": "ふでの すみこ",
        "teaches": "初心者向けの書道。筆の持ち方から。",
        "qualifications": "書道師範",
        "experience": "公民館で10年教えています。",
        "days": "25",
        "times": "afternoon,weekend",
        "availability_note": "土曜の午後が主です。",
        "languages": "日本語",
        "free_of_charge": True,
        "contact_email": "sumiko-private@example.jp",
        "contact_phone": "090-0000-0000",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def registrant(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.RESIDENT, email="registrant@example.jp", full_name="筆野 墨子")


@pytest.fixture
def make_talent(
    categories: list[Category], areas: list[Area], coordinator: User, make_persona: Callable[..., User]
) -> Callable[..., TalentProfile]:
    counter = iter(range(1, 1000))

    def make(
        *, user: User | None = None, approved: bool = True, fields: list[Category] | None = None, **overrides: Any
    ) -> TalentProfile:
        n = next(counter)
        user = user or make_persona(Role.RESIDENT, email=f"talent{n}@example.jp", full_name=f"講師{n}")
        talent = services.talent_register(
            actor=user,
            declared_adult=True,
            declared_no_misuse=True,
            categories=fields or [categories[0]],
            areas=[areas[0]],
            **talent_fields(**overrides),
        )
        if approved:
            talent = services.talent_approve(talent=talent, actor=coordinator)
        return talent

    return make


def request_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "requester_kind": IntroductionRequest.RequesterKind.SCHOOL,
        "organisation": "西東京市立けやき小学校",
        "contact_name": "教頭 先生",
        "contact_email": "school@example.jp",
        "contact_phone": "042-111-1111",
        "purpose": "6年生の書き初め指導",
        "dates": "1月の平日午前",
        "audience": "小学6年生",
        "expected_participants": 60,
        "budget": 5000,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def school(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.FACILITY_STAFF, email="school@example.jp", full_name="教頭 先生")
