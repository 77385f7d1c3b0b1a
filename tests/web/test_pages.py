"""The home page, the site's own pages and the error pages, as a visitor meets them."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import loader
from django.test import Client, RequestFactory
from django.utils import translation

from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client: Client) -> Client:
    """A visitor who chose English, so that assertions on wording survive the Japanese catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def test_home_is_in_japanese_with_one_main_heading(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja"' in html
    assert h1_count(html) == 1
    assert 'href="/facilities/"' in html


def test_home_works_before_any_reference_data_is_loaded(english: Client) -> None:
    response = english.get("/")

    assert response.status_code == 200
    assert "The fields of learning have not been set up yet." in response.content.decode()


def test_home_lists_fields_of_learning_grouped_by_major_field(client: Client) -> None:
    CategoryFactory(major="人文・社会科学", name_en="Humanities and social sciences", sort_order=1)
    CategoryFactory(major="人文・社会科学", minor="歴史・地理", name_en="History and geography", sort_order=2)
    CategoryFactory(major="芸術・文化", name_en="Arts and culture", sort_order=3)

    html = client.get("/").content.decode()

    assert html.count("人文・社会科学") == 1
    assert html.index("人文・社会科学") < html.index("歴史・地理") < html.index("芸術・文化")


def test_home_counts_the_places_to_learn(english: Client) -> None:
    FacilityFactory(name="田無公民館")
    FacilityFactory(name="柳沢公民館")
    FacilityFactory(name="中央図書館", library=True)

    html = english.get("/").content.decode()

    assert "Community centre (kominkan): 2 places" in html
    assert "Library: 1 place" in html


@pytest.mark.parametrize("slug", ["about", "accessibility", "privacy", "terms"])
def test_each_site_page_opens_with_one_main_heading(client: Client, slug: str) -> None:
    response = client.get(f"/pages/{slug}/")

    assert response.status_code == 200
    assert h1_count(response.content.decode()) == 1


def test_about_page_credits_the_open_data(client: Client) -> None:
    html = client.get("/pages/about/").content.decode()

    assert "出典：『アドレス・ベース・レジストリ（イベントデータ）』（デジタル庁）" in html
    assert "CC BY 4.0" in html
    assert "東京都" in html


def test_accessibility_page_states_the_target_level(client: Client) -> None:
    html = client.get("/pages/accessibility/").content.decode()

    assert "JIS X 8341-3:2016" in html
    assert "WCAG" in html


def test_unknown_page_is_a_friendly_404(english: Client) -> None:
    response = english.get("/pages/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert h1_count(html) == 1
    assert 'href="/"' in html


def test_switching_to_english_renders_pages_in_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/pages/about/"})
    assert response.status_code == 302
    assert response["Location"] == "/pages/about/"

    html = client.get("/pages/about/").content.decode()

    assert '<html lang="en"' in html
    assert "Nishitokyo City" in html
    assert 'value="ja"' in html  # the switch now offers Japanese


def test_english_home_shows_the_english_names_of_fields(client: Client) -> None:
    CategoryFactory(major="芸術・文化", name_en="Arts and culture")
    client.post("/i18n/setlang/", {"language": "en"})

    html = client.get("/").content.decode()

    assert "Arts and culture" in html
    assert "芸術・文化" not in html


def test_current_page_is_marked_in_the_navigation(client: Client) -> None:
    html = client.get("/facilities/").content.decode()

    assert re.search(r'<a href="/facilities/" aria-current="page">', html)
    assert not re.search(r'<a href="/" aria-current="page">', html)


def test_pages_carry_no_inline_style_or_script(client: Client) -> None:
    FacilityFactory(name="田無公民館")
    for url in ["/", "/pages/about/", "/facilities/", "/pages/missing/"]:
        html = client.get(url).content.decode()
        assert "style=" not in html
        assert "<style" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_a_refused_form_gets_a_page_in_the_visitors_language() -> None:
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/accounts/login/", {"email": "someone@example.jp", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="ja"' in html
    assert h1_count(html) == 1
    assert "sessionid" not in response.cookies


def test_a_refused_form_explains_what_to_do() -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = strict.post("/accounts/login/", {"email": "someone@example.jp", "password": "x"}).content.decode()

    assert '<html lang="en"' in html
    assert "The form could not be sent" in html
    assert "Go back to the previous page and reload it." in html


def test_server_error_page_renders_without_a_request() -> None:
    with translation.override("en"):
        html = loader.get_template("500.html").render({})

    assert "Something went wrong" in html
    assert h1_count(html) == 1


def test_forbidden_page_offers_to_log_in() -> None:
    request = RequestFactory().get("/staff/")
    request.user = AnonymousUser()
    html = loader.get_template("403.html").render({}, request)

    assert "/accounts/login/?next=/staff/" in html


def test_home_leads_to_the_desk_consultations_groups_and_talents_and_announces_nothing(client: Client) -> None:
    page = client.get("/").content.decode()
    for url in ("/desk/", "/consultations/", "/groups/", "/talents/", "/desk/book/"):
        assert f'href="{url}"' in page
    assert "will be published" not in page
    assert "今後このサイトでお知らせします" not in page
