"""Whole public pages are cached for anonymous visitors, and never serve anyone else."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.core.page_cache import _key
from manabiba.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_the_second_anonymous_visitor_gets_the_page_from_the_cache(
    client: Client, django_assert_num_queries: Any
) -> None:
    ProgramFactory(title="陶芸入門", published=True)
    first = client.get("/programs/")
    with django_assert_num_queries(0):
        second = Client().get("/programs/")
    assert second.content == first.content
    assert "陶芸入門" in second.content.decode()


def test_a_change_to_the_catalogue_shows_at_once(client: Client) -> None:
    assert "書道入門" not in client.get("/programs/").content.decode()
    ProgramFactory(title="書道入門", published=True)
    assert "書道入門" in client.get("/programs/").content.decode()


def test_public_pages_carry_no_csrf_token_for_anonymous_visitors(client: Client) -> None:
    ProgramFactory(title="陶芸入門", published=True)
    for url in ["/", "/programs/", "/programs/calendar/"]:
        html = client.get(url, follow=True).content.decode()
        assert "csrfmiddlewaretoken" not in html, url


def test_preference_switches_work_without_a_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/text-size/", {"size": "large", "next": "/"}).status_code == 302
    assert strict.post("/furigana/", {"furigana": "on", "next": "/"}).status_code == 302
    response = strict.post("/language/", {"language": "en", "next": "/programs/"})
    assert response["Location"] == "/programs/"
    assert '<html lang="en"' in strict.get("/programs/").content.decode()


def test_each_preference_gets_its_own_cached_page() -> None:
    normal, large = Client(), Client()
    large.cookies["text_size"] = "large"
    assert 'class="text-normal"' in normal.get("/programs/").content.decode()
    assert 'class="text-large"' in large.get("/programs/").content.decode()
    assert 'class="text-normal"' in Client().get("/programs/").content.decode()


def test_signed_in_people_never_get_the_anonymous_page(client: Client, resident: User) -> None:
    Client().get("/programs/")  # cached for anonymous visitors
    client.force_login(resident)
    html = client.get("/programs/").content.decode()
    assert "/accounts/profile/" in html
    assert "csrfmiddlewaretoken" in html  # the log-out form


def test_a_page_with_a_message_waiting_is_not_served_from_the_cache(client: Client) -> None:
    Client().get("/")
    client.post("/accounts/logout/")  # leaves "you have logged out" for the next page
    assert "message" in client.get("/").content.decode()


def test_starting_soon_moves_on_within_a_minute(client: Client, time_machine: Any) -> None:
    ProgramFactory(title="明日の講座", published=True, starts_at=timezone.now() + timedelta(days=1))
    assert "明日の講座" in client.get("/programs/").content.decode()
    time_machine.move_to(timezone.now() + timedelta(days=3))
    assert "明日の講座" not in client.get("/programs/").content.decode()


def test_while_one_visitor_renders_a_page_again_the_others_get_the_one_before(
    client: Client, django_assert_num_queries: Any
) -> None:
    ProgramFactory(title="陶芸入門", published=True)
    before = client.get("/programs/").content
    ProgramFactory(title="書道入門", published=True)  # the cached page is out of date now
    with translation.override("ja"):
        key = _key(RequestFactory().get("/programs/"))
    # Another request is rendering the page again at this moment: it holds the refresh lock.
    assert cache.add(f"{key}:refresh", 1, 30)

    with django_assert_num_queries(0):
        meanwhile = Client().get("/programs/")
    assert meanwhile.content == before

    cache.delete(f"{key}:refresh")  # that request has finished
    assert "書道入門" in Client().get("/programs/").content.decode()
