"""The groups API: the directory with filters and q, one group, and editors' token endpoints for posts."""

from collections.abc import Callable

import pytest
from django.test import Client

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.communities.models import ActivityPost, CommunityGroup

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(user=user, name="test").secret}


def test_list_filters_and_searches(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    go = make_group(name="保谷囲碁同好会", name_kana="ほうやいごどうこうかい", recruiting=True)
    make_group(name="田無合唱団", name_kana="たなしがっしょうだん", kind=CommunityGroup.Kind.CULTURE, activity_days="6")
    make_group(name="非公開の会", name_kana="ひこうかいのかい", approved=False)
    body = client.get("/api/v1/groups").json()
    assert body["count"] == 2
    assert [item["name"] for item in client.get("/api/v1/groups", {"q": "いご"}).json()["items"]] == [go.name]
    assert client.get("/api/v1/groups", {"recruiting": "true"}).json()["count"] == 1
    assert client.get("/api/v1/groups", {"kind": "culture"}).json()["items"][0]["name"] == "田無合唱団"
    assert client.get("/api/v1/groups", {"day": "6"}).json()["count"] == 1
    assert client.get("/api/v1/groups", {"limit": 500}).status_code == 422


def test_detail_shows_only_public_contacts(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group(contact_name_public=True)
    body = client.get(f"/api/v1/groups/{group.pk}").json()
    assert body["contact"] == {"representative": None, "contact_name": "連絡 花子", "email": None, "phone": None}
    hidden = make_group(approved=False)
    assert client.get(f"/api/v1/groups/{hidden.pk}").status_code == 404


def test_editor_posts_with_a_token(
    client: Client, make_group: Callable[..., CommunityGroup], make_persona: Callable[..., User]
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    url = f"/api/v1/groups/{group.pk}/posts"
    assert client.post(url, {"title": "t", "body": "b"}, content_type="application/json").status_code == 401
    response = client.post(
        url,
        {"kind": "recruitment", "title": "会員募集", "body": "歓迎します", "until": "2099-03-31"},
        content_type="application/json",
        **bearer(owner),
    )
    assert response.status_code == 201, response.content
    post_id = response.json()["id"]
    assert ActivityPost.objects.get(pk=post_id).status == "published"
    assert [p["id"] for p in client.get(url, **bearer(owner)).json()] == [post_id]
    stranger = make_persona(Role.RESIDENT, email="stranger@example.jp")
    refused = client.post(url, {"title": "t", "body": "b"}, content_type="application/json", **bearer(stranger))
    assert refused.status_code == 403
    assert refused.json()["detail"]
    withdraw = client.post(f"{url}/{post_id}/withdraw", **bearer(owner))
    assert withdraw.status_code == 200
    assert withdraw.json()["status"] == "withdrawn"
    assert client.post(f"{url}/999999/withdraw", **bearer(owner)).status_code == 404


def test_pending_group_cannot_post_by_api(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group(approved=False)
    owner = group.memberships.get().user
    response = client.post(
        f"/api/v1/groups/{group.pk}/posts",
        {"title": "t", "body": "b"},
        content_type="application/json",
        **bearer(owner),
    )
    assert response.status_code == 422
