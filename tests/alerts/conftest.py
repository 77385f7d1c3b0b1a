from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.alerts.models import SavedSearch
from manabiba.alerts.services import saved_search_create
from manabiba.core.models import Area
from manabiba.programs.factories import CategoryFactory, ProgramFactory
from manabiba.programs.models import Category, Program


@pytest.fixture
def yoga(db: None) -> Category:
    return CategoryFactory(major="健康・スポーツ", minor="ヨガ", name_en="Yoga")


@pytest.fixture
def music(db: None) -> Category:
    return CategoryFactory(major="芸術・文化", minor="音楽", name_en="Music")


@pytest.fixture
def tanashi(db: None) -> Area:
    return Area.objects.get_or_create(name="田無町", defaults={"name_en": "Tanashi-cho", "kana": "たなしちょう"})[0]


@pytest.fixture
def save(resident: User) -> Callable[..., SavedSearch]:
    """``save(query, ago=timedelta)``: the resident's saved search, made ``ago`` before now."""

    def make(
        query: str, *, ago: timedelta = timedelta(hours=1), user: User | None = None, language: str = "ja"
    ) -> SavedSearch:
        saved_search, _created = saved_search_create(user=user or resident, query=query, language=language)
        SavedSearch.objects.filter(pk=saved_search.pk).update(created_at=timezone.now() - ago)
        saved_search.refresh_from_db()
        return saved_search

    return make


@pytest.fixture
def publish() -> Callable[..., Program]:
    """``publish(title, at=datetime, **fields)``: a published programme whose publication is dated ``at``."""

    def make(title: str, *, at: datetime | None = None, **fields: Any) -> Program:
        program = ProgramFactory(published=True, title=title, **fields)
        if at is not None:
            Program.objects.filter(pk=program.pk).update(published_at=at)
            program.refresh_from_db()
        return program

    return make
