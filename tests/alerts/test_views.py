"""The listing's button (a POST form for a signed-in resident, a link through the login otherwise), the page
that asks after logging in, and My page's list with its delete buttons."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client

from manabiba.accounts.models import User
from manabiba.alerts.models import SavedSearch
from manabiba.core.models import Area
from manabiba.programs.models import Category

pytestmark = pytest.mark.django_db

Save = Callable[..., SavedSearch]


def test_anonymous_visitors_are_led_to_log_in_and_come_back(client: Client, yoga: Category) -> None:
    page = client.get(f"/programs/?category={yoga.pk}&sort=new").content.decode()
    assert f'href="/alerts/new/?category={yoga.pk}&amp;sort=new"' in page
    assert "この条件で新着をメールで受け取る" in page
    assert 'action="/alerts/new/"' not in page
    response = client.get(f"/alerts/new/?category={yoga.pk}&sort=new")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/alerts/new/")


def test_a_resident_saves_the_listings_filters_with_one_button(
    client: Client, resident: User, yoga: Category, tanashi: Area
) -> None:
    client.force_login(resident)
    page = client.get(f"/programs/?area={tanashi.pk}&category={yoga.pk}&page=1").content.decode()
    assert 'action="/alerts/new/"' in page
    assert f'name="query" value="area={tanashi.pk}&amp;category={yoga.pk}"' in page
    response = client.post("/alerts/new/", {"query": f"area={tanashi.pk}&category={yoga.pk}"})
    assert response.status_code == 302
    assert response["Location"] == f"/programs/?category={yoga.pk}&area={tanashi.pk}"
    saved_search = SavedSearch.objects.get(user=resident)
    assert saved_search.name == "ヨガ・田無町"
    page = client.get(response["Location"]).content.decode()
    assert "「ヨガ・田無町」を保存しました。" in page
    # The same again says so and keeps one.
    client.post("/alerts/new/", {"query": f"category={yoga.pk}&area={tanashi.pk}"})
    assert SavedSearch.objects.count() == 1
    assert "すでにメールで受け取る設定になっています" in client.get(response["Location"]).content.decode()


def test_after_logging_in_the_page_shows_the_conditions_and_the_button(
    client: Client, resident: User, yoga: Category
) -> None:
    client.force_login(resident)
    page = client.get(f"/alerts/new/?category={yoga.pk}&sort=new&when=weekend").content.decode()
    assert "ヨガ・土日祝" in page
    assert resident.email in page
    assert f'name="query" value="category={yoga.pk}&amp;when=weekend"' in page
    client.post("/alerts/new/", {"query": f"category={yoga.pk}&when=weekend"})
    assert SavedSearch.objects.get().query == f"category={yoga.pk}&when=weekend"


def test_english_pages_name_the_search_in_english(client: Client, resident: User, yoga: Category) -> None:
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    client.post("/alerts/new/", {"query": f"category={yoga.pk}&free=1"}, headers={"accept-language": "en"})
    saved_search = SavedSearch.objects.get()
    assert saved_search.name == "Yoga · Free"
    assert saved_search.language == "en"


def test_my_page_lists_saved_searches_and_deletes_them(
    client: Client, resident: User, yoga: Category, save: Save, make_persona: Callable[..., User]
) -> None:
    kept = save(f"category={yoga.pk}", ago=timedelta(days=3))
    deleted = save("free=1")
    client.force_login(resident)
    page = client.get("/accounts/profile/").content.decode()
    assert 'id="alerts"' in page
    assert "ヨガ" in page
    assert f'action="/alerts/{deleted.pk}/delete/"' in page
    response = client.post(f"/alerts/{deleted.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/#alerts"
    assert list(SavedSearch.objects.all()) == [kept]
    assert client.get(f"/alerts/{deleted.pk}/delete/").status_code == 405
    # Nobody deletes another person's.
    client.force_login(make_persona(email="other@example.jp"))
    assert client.post(f"/alerts/{kept.pk}/delete/").status_code == 404
    assert SavedSearch.objects.filter(pk=kept.pk).exists()


def test_my_page_without_saved_searches(client: Client, resident: User) -> None:
    client.force_login(resident)
    assert "保存した条件はありません。" in client.get("/accounts/profile/").content.decode()
