"""What the desk is told when a registration on someone's behalf has bad details: one message per
field, in the desk's words (not Django's defaults), and nothing written."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from manabiba.accounts.factories import UserFactory
from manabiba.accounts.models import User
from manabiba.registrations.models import Registration
from manabiba.registrations.services import registration_submit_on_behalf

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db


def _errors(make_program: MakeProgram, desk: User, **details: Any) -> dict[str, list[str]]:
    fields: dict[str, Any] = {"channel": "phone", "full_name": "山田 太郎", "phone": "042-000-1111", "consent": True}
    fields.update(details)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        registration_submit_on_behalf(program=make_program(), actor=desk, **fields)
    assert not Registration.objects.exists()
    return caught.value.message_dict


def test_each_bad_detail_gets_its_own_message(make_program: MakeProgram, desk: User) -> None:
    errors = _errors(
        make_program,
        desk,
        channel="fax",
        full_name="名" * 101,
        full_name_kana="カ" * 101,
        phone="1" * 31,
        email="not an address",
        age_band="elderly",
        consent=False,
    )
    assert errors == {
        "channel": ["Choose how the application came in."],
        "full_name": ["Please keep this to 100 characters."],
        "full_name_kana": ["Please keep this to 100 characters."],
        "phone": ["Please keep this to 30 characters."],
        "email": ["Please enter a valid e-mail address."],
        "age_band": ["Choose one of the age bands."],
        "consent": ["Please confirm that the person agreed to the privacy notice."],
    }


def test_a_name_and_a_way_to_reach_the_person_are_required(make_program: MakeProgram, desk: User) -> None:
    errors = _errors(make_program, desk, full_name="  ", phone=" ", email="")
    assert errors == {
        "full_name": ["Please enter the name."],
        "phone": ["Please enter a phone number or an e-mail address."],
    }


def test_lengths_count_the_details_as_stored_without_surrounding_spaces(make_program: MakeProgram, desk: User) -> None:
    registration = registration_submit_on_behalf(
        program=make_program(),
        actor=desk,
        channel="desk",
        full_name=" " + "名" * 100 + " ",
        phone=" " + "1" * 30 + " ",
        email=" Someone@Example.JP ",
        consent=True,
    )
    assert registration.full_name == "名" * 100
    assert registration.phone == "1" * 30
    assert registration.email == "someone@example.jp"


def test_an_account_fills_what_the_desk_left_blank(make_program: MakeProgram, desk: User) -> None:
    details = {"full_name": "佐藤 花子", "full_name_kana": "サトウ ハナコ", "phone": "042-111-2222"}
    details |= {"email": "hanako@example.jp", "language": "en", "age_band": "40s"}
    person = UserFactory(lives_in_city=True, **details)
    registration = registration_submit_on_behalf(
        program=make_program(), actor=desk, channel="desk", full_name="", user=person, consent=True
    )
    assert {name: getattr(registration, name) for name in details} == details
    assert registration.lives_in_city
    assert not registration.works_in_city
