import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/pages/privacy/"])
def test_pages_carry_a_strict_content_security_policy_and_security_headers(client: Client, url: str) -> None:
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_contain_no_inline_script_or_style(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "<style" not in html
    assert " style=" not in html
    for tag in html.split("<script")[1:]:
        assert "src=" in tag.split(">", 1)[0], "an inline script would be blocked by the CSP"
