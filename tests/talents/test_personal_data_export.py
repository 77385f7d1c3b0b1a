"""A person's download holds their talent-bank cards and the introductions they asked for."""

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.selectors import user_export_data
from manabiba.programs.models import Category
from manabiba.talents import services
from manabiba.talents.models import TalentProfile
from tests.talents.conftest import request_fields, talent_fields

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_persons_card_and_requests_and_nobody_elses(
    client: Client, make_talent: Callable[..., TalentProfile], registrant: User, school: User
) -> None:
    mine = make_talent(user=registrant, teaches="かな書道の手ほどき", contact_phone="090-1234-5678")
    other = make_talent(teaches="家庭料理の基本")
    services.introduction_request(talent=other, actor=registrant, **request_fields(purpose="子ども会の料理教室"))
    services.introduction_request(talent=mine, actor=school, **request_fields(purpose="書き初め指導"))

    client.force_login(registrant)
    data = json.loads(client.get(reverse("accounts:profile_export")).content)["talents"]

    [card] = data["cards"]
    assert (card["teaches"], card["contact_phone"], card["status"]) == (
        "かな書道の手ほどき",
        "090-1234-5678",
        TalentProfile.Status.APPROVED,
    )
    assert card["fields"] == ["芸術・文化 / 書道"]
    assert card["areas"] == ["田無町"]
    assert card["for_someone_else"] is False
    [request] = data["introduction_requests"]
    assert (request["purpose"], request["talent"], request["contact_email"]) == (
        "子ども会の料理教室",
        other.public_name,
        "school@example.jp",
    )


def test_a_card_filled_in_for_an_instructor_is_in_the_download_until_they_consent(
    registrant: User, categories: list[Category]
) -> None:
    # Deleting the account deletes such a card, so the person who filled it in can take it first.
    services.talent_register_for_instructor(
        actor=registrant,
        group_name="田無書道会",
        categories=categories[:1],
        **talent_fields(name="師範 梅子", contact_email="ume@example.jp"),
    )

    [card] = user_export_data(registrant)["talents"]["cards"]

    assert (card["name"], card["registered_by_group"], card["for_someone_else"]) == ("師範 梅子", "田無書道会", True)
