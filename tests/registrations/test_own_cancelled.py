"""A resident's own cancelled application reads 「申込を取り消しました」 (not the event's 「中止」), stays
with its upcoming programme, and re-applying shows the programme once, in its latest state."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.registrations.models import Registration
from manabiba.registrations.services import registration_cancel, registration_submit

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db


def _sections(page: str) -> tuple[str, str]:
    current, _sep, earlier = page.partition("過去のお申し込み")
    return current, earlier


def test_a_cancelled_application_stays_with_its_upcoming_programme_and_reads_as_the_resident_did_it(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=5, program_fields={"title": "はじめての水彩画"})
    resident = make_resident(email="cancel@example.jp")
    registration = registration_submit(program=program, user=resident, consent=True)
    registration_cancel(registration=registration, actor=resident)
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(resident)

    page = client.get(reverse("registrations:mine")).content.decode()
    current, earlier = _sections(page)
    assert "はじめての水彩画" in current
    assert "申込を取り消しました" in current
    assert "はじめての水彩画" not in earlier
    assert "中止" not in page


def test_re_applying_shows_the_programme_once_in_its_latest_state(
    make_program: MakeProgram, make_resident: Callable[..., User]
) -> None:
    program = make_program(capacity=5, program_fields={"title": "はじめての水彩画"})
    resident = make_resident(email="again@example.jp")
    first = registration_submit(program=program, user=resident, consent=True)
    registration_cancel(registration=first, actor=resident)
    second = registration_submit(program=program, user=resident, consent=True)
    assert second.status == Registration.Status.CONFIRMED
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(resident)

    page = client.get(reverse("registrations:mine")).content.decode()
    assert page.count(f'href="{reverse("programs:detail", args=[program.pk])}"') == 1
    assert "申込を取り消しました" not in page
