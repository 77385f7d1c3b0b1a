"""Calls, groups, talents and proposals made through the services, as in real use."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services as community_services
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import Area
from manabiba.programs.factories import CategoryFactory
from manabiba.programs.models import Category
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalCall, Review
from manabiba.talents import services as talent_services
from manabiba.talents.models import TalentProfile


@pytest.fixture
def client(client: Client, settings: Settings) -> Client:
    """Pages in English, so that tests can read the messages whatever the catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def categories(db: None) -> list[Category]:
    return [CategoryFactory(major="芸術・文化", minor="書道"), CategoryFactory(major="家庭生活・趣味", minor="料理")]


@pytest.fixture
def area(db: None) -> Area:
    return Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0]


def call_fields(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "name": "令和9年度 前期 市民提案講座",
        "term": ProposalCall.Term.FIRST,
        "opens_on": today - timedelta(days=10),
        "closes_on": today + timedelta(days=20),
        "lectures_from": today + timedelta(days=60),
        "lectures_until": today + timedelta(days=150),
        "min_members": 5,
        "sessions_min": 2,
        "sessions_max": 4,
        "hours_per_session_max": Decimal("2.0"),
        "fee_max_per_person": 500,
        "themes": "地域課題・生活課題",
        "honorarium_budget": 100000,
        "lectures_funded": 5,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def call(coordinator: User) -> ProposalCall:
    return services.call_create(actor=coordinator, **call_fields())


@pytest.fixture
def group_owner(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.RESIDENT, email="owner@example.jp", full_name="代表 一郎")


def group_create(owner: User, coordinator: User, category: Category, area: Area) -> CommunityGroup:
    """An approved group run by ``owner``, with its organiser in the catalogue."""
    group = community_services.group_apply(
        actor=owner,
        agreed_to_rules=True,
        categories=[category],
        areas=[area],
        name="田無くらしの知恵の会",
        name_kana="たなしくらしのちえのかい",
        kind=CommunityGroup.Kind.OTHER,
        members_count=12,
        members_in_city=10,
        founded_year=2015,
        purpose="暮らしの知恵を伝え合う。",
        activities="月例の勉強会。",
        representative_name="代表 一郎",
        contact_name="代表 一郎",
        contact_email="group-contact@example.jp",
    )
    return community_services.group_approve(group=group, actor=coordinator)


def talent_create(person: User, coordinator: User, category: Category, area: Area) -> TalentProfile:
    """A listed talent-bank card for ``person``."""
    card = talent_services.talent_register(
        actor=person,
        declared_adult=True,
        declared_no_misuse=True,
        categories=[category],
        areas=[area],
        name="筆野 墨子",
        name_kana="ふでの すみこ",
        teaches="初心者向けの書道。",
        free_of_charge=True,
        contact_email="sumiko-private@example.jp",
    )
    return talent_services.talent_approve(talent=card, actor=coordinator)


@pytest.fixture
def group(group_owner: User, coordinator: User, categories: list[Category], area: Area) -> CommunityGroup:
    return group_create(group_owner, coordinator, categories[0], area)


@pytest.fixture
def talent(
    make_persona: Callable[..., User], coordinator: User, categories: list[Category], area: Area
) -> TalentProfile:
    person = make_persona(Role.RESIDENT, email="sumiko@example.jp", full_name="筆野 墨子")
    return talent_create(person, coordinator, categories[0], area)


OUTLINE = [
    services.SessionOutline(topic="筆の持ち方", content="道具と姿勢"),
    services.SessionOutline(topic="楷書", content="基本の点画"),
    services.SessionOutline(topic="作品づくり", content="書き初め"),
]


def proposal_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "representative": "代表 一郎",
        "contact_name": "連絡 花子",
        "contact_email": "hanako@example.jp",
        "contact_phone": "042-000-0000",
        "founded_year": 2015,
        "members_count": 12,
        "members_in_city": 10,
        "record": "月例の勉強会を10年。",
        "title": "はじめての書道",
        "aim": "地域の高齢者が書を通じて交流する。",
        "lecturer_status": Proposal.LecturerStatus.REQUESTED,
        "honorarium_planned": 15000,
        "hours_per_session": Decimal("2.0"),
        "fee_per_person": 300,
        "capacity": 20,
        "audience": "市内在住・在勤の方",
        "appeal": "道具は貸し出します。",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_proposal(
    call: ProposalCall, group: CommunityGroup, group_owner: User, talent: TalentProfile
) -> Callable[..., Proposal]:
    def make(*, sessions: list[services.SessionOutline] | None = None, **overrides: Any) -> Proposal:
        overrides.setdefault("lecturer_talent", talent)
        return services.proposal_create(
            call=call,
            actor=group_owner,
            kind=Proposal.Kind.GROUP,
            group=group,
            sessions=OUTLINE if sessions is None else sessions,
            **proposal_fields(**overrides),
        )

    return make


@pytest.fixture
def reviewers(make_persona: Callable[..., User]) -> list[User]:
    return [
        make_persona(Role.REVIEWER, email="committee1@example.jp", full_name="委員 一"),
        make_persona(Role.REVIEWER, email="committee2@example.jp", full_name="委員 二"),
    ]


@pytest.fixture
def in_review(
    make_proposal: Callable[..., Proposal], group_owner: User, coordinator: User, reviewers: list[User]
) -> tuple[Proposal, list[Review]]:
    proposal = services.proposal_submit(proposal=make_proposal(), actor=group_owner)
    reviews = [services.review_assign(proposal=proposal, reviewer=r, actor=coordinator) for r in reviewers]
    proposal.refresh_from_db()
    return proposal, reviews


def score(review: Review, reviewer: User, a: int = 4, b: int = 5, c: int = 3) -> Review:
    return services.review_submit(
        review=review, actor=reviewer, conflict=False, pioneering=a, public_benefit=b, feasibility=c, comment="良い"
    )


def today() -> date:
    return timezone.localdate()
