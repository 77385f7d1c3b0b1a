"""GET /api/v1/talents: public fields only, with the programme listing's search parameters."""

from collections.abc import Callable

import pytest
from django.test import Client

from manabiba.programs.models import Category
from manabiba.talents.models import TalentProfile

pytestmark = pytest.mark.django_db


def test_the_list_searches_by_reading_and_filters(
    client: Client, make_talent: Callable[..., TalentProfile], categories: list[Category]
) -> None:
    calligrapher = make_talent(days="5", times="weekend")
    make_talent(fields=[categories[2]], teaches="和食の基本", qualifications="", experience="", days="1", times="")
    body = client.get("/api/v1/talents", {"q": "しょどう"}).json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == calligrapher.pk
    assert body["items"][0]["categories"][0]["name"] == str(categories[0])
    assert client.get("/api/v1/talents", {"weekday": 5}).json()["count"] == 1
    assert client.get("/api/v1/talents", {"when": "weekend"}).json()["count"] == 1
    assert client.get("/api/v1/talents", {"category": categories[2].pk}).json()["count"] == 1
    assert client.get("/api/v1/talents", {"free": "true"}).json()["count"] == 2
    assert client.get("/api/v1/talents", {"when": "midnight"}).status_code == 422


def test_private_fields_and_contact_details_never_leave(
    client: Client, make_talent: Callable[..., TalentProfile]
) -> None:
    talent = make_talent(name_public=False, experience_public=False, availability_public=False)
    raw = client.get("/api/v1/talents").content.decode()
    for private in ("筆野", "公民館で10年", "sumiko-private@example.jp", "090-0000-0000"):
        assert private not in raw
    item = client.get(f"/api/v1/talents/{talent.pk}").json()
    assert item["experience"] is None
    assert item["areas"] is None
    assert item["qualifications"] == "書道師範"


def test_a_card_not_listed_is_not_found(client: Client, make_talent: Callable[..., TalentProfile]) -> None:
    pending = make_talent(approved=False)
    assert client.get(f"/api/v1/talents/{pending.pk}").status_code == 404
    assert client.get("/api/v1/talents").json()["count"] == 0
