"""The high-contrast switch is remembered per browser and keeps cached pages apart."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_high_contrast_is_remembered_and_can_be_turned_off(client: Client) -> None:
    response = client.post("/contrast/", {"contrast": "high", "next": "/pages/about/"})

    assert response.status_code == 302
    assert response["Location"] == "/pages/about/"
    assert response.cookies["contrast"].value == "high"
    html = client.get("/pages/about/").content.decode()
    assert 'class="text-normal contrast-high"' in html
    assert 'name="contrast" value="normal" aria-pressed="true"' in html

    client.post("/contrast/", {"contrast": "normal", "next": "/"})
    html = client.get("/pages/about/").content.decode()
    assert 'class="text-normal"' in html
    assert 'name="contrast" value="high" aria-pressed="false"' in html


def test_an_unknown_or_tampered_value_changes_nothing(client: Client) -> None:
    response = client.post("/contrast/", {"contrast": "neon", "next": "/"})
    assert "contrast" not in response.cookies

    client.cookies["contrast"] = '"><script>alert(1)</script>'
    html = client.get("/").content.decode()
    assert 'class="text-normal"' in html
    assert "alert(1)" not in html


def test_the_page_cache_keeps_high_contrast_pages_apart() -> None:
    plain, contrasted = Client(), Client()
    contrasted.cookies["contrast"] = "high"

    first = plain.get("/").content.decode()
    second = contrasted.get("/").content.decode()
    third = plain.get("/").content.decode()

    assert "contrast-high" not in first
    assert "contrast-high" in second
    assert "contrast-high" not in third
