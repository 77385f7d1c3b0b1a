"""The text-size switch: it is remembered, and it only ever sends people back to this site."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_choosing_a_larger_text_size_is_remembered(client: Client) -> None:
    response = client.post("/text-size/", {"size": "xlarge", "next": "/pages/about/"})

    assert response.status_code == 302
    assert response["Location"] == "/pages/about/"
    cookie = response.cookies["text_size"]
    assert cookie.value == "xlarge"
    assert int(cookie["max-age"]) >= 30 * 24 * 3600

    html = client.get("/pages/about/").content.decode()
    assert 'class="text-xlarge"' in html
    assert 'value="xlarge" aria-pressed="true"' in html
    assert 'value="normal" aria-pressed="false"' in html


def test_text_size_defaults_to_standard(client: Client) -> None:
    html = client.get("/").content.decode()

    assert 'class="text-normal"' in html
    assert 'value="normal" aria-pressed="true"' in html


def test_unknown_text_size_is_ignored(client: Client) -> None:
    response = client.post("/text-size/", {"size": "huge", "next": "/"})

    assert response.status_code == 302
    assert "text_size" not in response.cookies


def test_a_tampered_cookie_is_not_echoed_into_the_page(client: Client) -> None:
    client.cookies["text_size"] = '"><script>alert(1)</script>'

    html = client.get("/").content.decode()

    assert 'class="text-normal"' in html
    assert "alert(1)" not in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_next_never_leaves_the_site(client: Client, target: str) -> None:
    response = client.post("/text-size/", {"size": "large", "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["text_size"].value == "large"


def test_next_may_point_within_the_site(client: Client) -> None:
    response = client.post("/text-size/", {"size": "large", "next": "/facilities/?kind=library"})

    assert response["Location"] == "/facilities/?kind=library"


def test_text_size_only_changes_on_post(client: Client) -> None:
    response = client.get("/text-size/?size=large")

    assert response.status_code == 405
    assert "text_size" not in response.cookies
