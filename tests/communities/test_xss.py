"""The usual XSS payloads in every free-text field come out as harmless text on every page that shows them."""

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.communities import services
from manabiba.communities.models import CommunityGroup

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg onload=alert(3)>",
    "[click](javascript:alert(4))",
    '<a href="javascript:alert(5)">x</a>',
    "'; alert(6); '",
]
PAYLOAD = " ".join(PAYLOADS)
TEXT_FIELDS = [
    "name",
    "name_kana",
    "activity_days_note",
    "activity_place",
    "purpose",
    "activities",
    "fees",
    "how_to_join",
    "social_links",
    "representative_name",
    "contact_name",
    "contact_phone",
]


class _Elements(HTMLParser):
    """Every element the browser would build: what a payload would need to run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"svg", "iframe", "object", "embed"}:
            self.problems.append(f"<{tag}>")
        if tag == "script" and not dict(attrs).get("src"):
            self.problems.append("inline <script>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.problems.append("<img src=x>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")


def assert_harmless(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    assert not parser.problems, parser.problems


def payload_fields(limit_for: dict[str, int]) -> dict[str, str]:
    fields = {}
    for name in TEXT_FIELDS:
        fields[name] = PAYLOAD[: limit_for.get(name, 10_000)]
    return fields


def test_payloads_in_every_field_are_rendered_harmless(
    make_group: Callable[..., CommunityGroup], client: Client, coordinator: User
) -> None:
    limits = {"contact_phone": 30, "representative_name": 100, "contact_name": 100}
    fields = payload_fields(limits)
    fields.update(
        representative_public=True, contact_name_public=True, contact_phone_public=True, contact_email_public=True
    )
    group = make_group(**fields)
    owner = group.memberships.get().user
    post = services.post_create(
        group=group,
        actor=owner,
        kind="recruitment",
        title=PAYLOAD[:200],
        body=PAYLOAD,
        who=PAYLOAD[:300],
        conditions=PAYLOAD[:300],
        how_to_join=PAYLOAD,
    )
    services.contact_message_send(
        group=group,
        sender=None,
        sender_name=PAYLOAD[:100],
        sender_email="x@example.jp",
        subject=PAYLOAD[:200],
        body=PAYLOAD,
        client_ip="192.0.2.9",
    )
    services.abuse_report_create(group=group, actor=None, reason=PAYLOAD, post=post)
    public = [
        reverse("communities:detail", args=[group.pk]),
        reverse("communities:post", args=[group.pk, post.pk]),
        reverse("communities:list"),
        reverse("communities:list") + "?q=" + "%3Cscript%3Ealert(1)%3C/script%3E",
        reverse("communities:print"),
        f"/api/v1/groups/{group.pk}",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith("/api/"):
            assert response["Content-Type"].startswith("application/json")
        else:
            assert_harmless(response.content.decode())
    page = client.get(reverse("communities:detail", args=[group.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not dropped silently
    client.force_login(owner)
    for name in ("manage", "inbox", "members", "edit"):
        assert_harmless(client.get(reverse(f"communities:{name}", args=[group.pk])).content.decode())
    client.force_login(coordinator)
    for url in (
        reverse("staff_communities:review"),
        reverse("staff_communities:group", args=[group.pk]),
        reverse("staff_communities:moderation"),
    ):
        assert_harmless(client.get(url).content.decode())


def test_markdown_links_get_nofollow_ugc(make_group: Callable[..., CommunityGroup], client: Client) -> None:
    group = make_group(activities="[our blog](https://example.org/blog) and [bad](javascript:alert(1))")
    page = client.get(reverse("communities:detail", args=[group.pk])).content.decode()
    assert 'href="https://example.org/blog"' in page
    assert "nofollow ugc" in page
    assert_harmless(page)
