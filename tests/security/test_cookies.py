"""A visitor who only reads public pages is given no cookie: none is needed to read, and a page
that sets one cannot be kept by a shared cache. The CSRF cookie comes with the first form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from manabiba.programs.models import Organizer
from manabiba.programs.services import SessionTimes, program_create, program_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_id() -> int:
    organizer = Organizer.objects.create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    starts = timezone.now() + timedelta(days=7)
    program = program_create(
        actor=None, title="陶芸教室", organizer=organizer, sessions=[SessionTimes(starts, starts + timedelta(hours=2))]
    )
    return program_publish(program=program, actor=None).pk


@pytest.mark.parametrize("path", ["/", "/programs/", "/programs/?q=陶芸&when=morning", "/programs/{id}/"])
def test_reading_a_public_page_sets_no_cookie(client: Client, programme_id: int, path: str) -> None:
    response = client.get(path.format(id=programme_id))
    assert response.status_code == 200
    assert dict(response.cookies) == {}


def test_a_page_with_a_form_gives_the_csrf_cookie(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
