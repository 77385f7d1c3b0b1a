"""The pages: sign-up in two steps, the group page, contact, follow, editors' and staff pages, permissions."""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import AbuseReport, CommunityGroup, ContactMessage, Follow
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.models import Category, Program
from tests.communities.conftest import group_fields

pytestmark = pytest.mark.django_db


def application_post(categories: list[Category], **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {k: v for k, v in group_fields(**overrides).items() if v is not None}
    data["activity_days"] = list(str(data.pop("activity_days")))
    data["categories"] = [categories[0].pk, categories[1].pk]
    return data


def test_signup_in_two_steps(client: Client, applicant: User, categories: list[Category]) -> None:
    client.force_login(applicant)
    assert client.get(reverse("communities:signup")).status_code == 200
    # Step 2 cannot be reached without step 1.
    assert client.get(reverse("communities:signup_rules")).url == reverse("communities:signup")
    response = client.post(reverse("communities:signup"), application_post(categories))
    assert response.status_code == 302
    assert response.url == reverse("communities:signup_rules")
    assert not CommunityGroup.objects.exists()
    with translation.override("en"):
        refused = client.post(reverse("communities:signup_rules"), {})
    assert refused.status_code == 200
    assert "You must agree to the posting rules." in refused.content.decode()
    response = client.post(reverse("communities:signup_rules"), {"agree": "on"})
    group = CommunityGroup.objects.get()
    assert response.url == reverse("communities:manage", args=[group.pk])
    assert group.status == "pending"
    assert group.activity_days == "25"
    assert set(group.categories.all()) == set(categories[:2])


def test_signup_errors_are_shown_and_more_than_three_fields_refused(
    client: Client, applicant: User, categories: list[Category]
) -> None:
    client.force_login(applicant)
    data = application_post(categories)
    data["categories"] = [c.pk for c in categories]
    with translation.override("en"):
        response = client.post(reverse("communities:signup"), data)
    assert response.status_code == 200
    assert "Choose at most three fields of activity." in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_signup_needs_login(client: Client) -> None:
    assert client.get(reverse("communities:signup")).status_code == 302


def test_group_page_hides_private_contact_details(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group(contact_phone_public=True)
    page = client.get(reverse("communities:detail", args=[group.pk])).content.decode()
    assert group.name in page
    assert "private-contact@example.jp" not in page
    assert "代表 一郎" not in page
    assert "連絡 花子" not in page
    assert "042-000-0000" in page
    printed = client.get(reverse("communities:print")).content.decode()
    assert group.name in printed
    assert "private-contact@example.jp" not in printed
    api = client.get(f"/api/v1/groups/{group.pk}").content.decode()
    assert "private-contact@example.jp" not in api


def test_unlisted_group_is_not_found_except_for_its_editors_and_the_coordinator(
    client: Client, make_group: Callable[..., CommunityGroup], coordinator: User
) -> None:
    group = make_group(approved=False)
    url = reverse("communities:detail", args=[group.pk])
    assert client.get(url).status_code == 404
    client.force_login(group.memberships.get().user)
    assert client.get(url).status_code == 200
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_directory_lists_and_searches(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group(name="柳沢こども囲碁教室", name_kana="やぎさわこどもいごきょうしつ", recruiting=True)
    make_group(name="東伏見ウォーキングの会", name_kana="ひがしふしみうぉーきんぐのかい")
    page = client.get(reverse("communities:list"), {"q": "いご"}).content.decode()
    assert "柳沢こども囲碁教室" in page
    assert "東伏見ウォーキングの会" not in page
    page = client.get(reverse("communities:list"), {"recruiting": "on"}).content.decode()
    assert group.name in page
    assert "東伏見ウォーキングの会" not in page
    # The closed 「絞り込み」 disclosure says how many filters are in force (the keyword has its own box).
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", page, re.DOTALL)
    assert summary is not None
    assert "(1 chosen)" in summary.group(1)
    page = client.get(reverse("communities:list"), {"q": "いご"}).content.decode()
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", page, re.DOTALL)
    assert summary is not None
    assert "chosen" not in summary.group(1)
    assert client.get(reverse("communities:list"), {"category": "x", "page": "-3"}).status_code == 200


def test_contact_form_sends_to_editors_and_the_honeypot_sends_nothing(
    client: Client, make_group: Callable[..., CommunityGroup]
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    url = reverse("communities:contact", args=[group.pk])
    message = {"sender_name": "市民", "sender_email": "me@example.jp", "subject": "見学", "body": "見学したいです"}
    robot = client.post(url, {**message, "homepage": "http://spam.example"})
    assert robot.status_code == 302
    assert not ContactMessage.objects.exists()
    response = client.post(url, message, follow=True)
    assert ContactMessage.objects.get().body == "見学したいです"
    assert OutboxMessage.objects.filter(to=owner.email, body__contains="見学したいです").exists()
    assert "private-contact@example.jp" not in response.content.decode()
    for _n in range(5):
        client.post(url, message)
    with translation.override("en"):
        limited = client.post(url, message)
    assert limited.status_code == 400
    assert "try again in an hour" in limited.content.decode()


def test_report_and_follow(client: Client, make_group: Callable[..., CommunityGroup], resident: User) -> None:
    group = make_group()
    client.post(reverse("communities:report", args=[group.pk]), {"reason": "宗教の勧誘です"})
    assert AbuseReport.objects.get().reason == "宗教の勧誘です"
    assert client.post(reverse("communities:follow", args=[group.pk])).status_code == 302
    assert not Follow.objects.exists()
    client.force_login(resident)
    client.post(reverse("communities:follow", args=[group.pk]))
    assert Follow.objects.get().user == resident
    client.post(reverse("communities:follow", args=[group.pk]), {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_editor_pages_are_for_members_only(
    client: Client, make_group: Callable[..., CommunityGroup], resident: User
) -> None:
    group = make_group()
    names = ["manage", "edit", "post_new", "event_new", "members", "inbox"]
    client.force_login(resident)
    for name in names:
        assert client.get(reverse(f"communities:{name}", args=[group.pk])).status_code == 403, name
    client.force_login(group.memberships.get().user)
    for name in names:
        assert client.get(reverse(f"communities:{name}", args=[group.pk])).status_code == 200, name


def test_editor_posts_and_announces_an_event(client: Client, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group()
    client.force_login(group.memberships.get().user)
    response = client.post(
        reverse("communities:post_new", args=[group.pk]),
        {"kind": "recruitment", "title": "会員募集", "body": "初心者歓迎", "who": "どなたでも"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("communities:event_new", args=[group.pk]),
        {
            "title": "体験会",
            "starts_at": "2099-05-01T10:00",
            "ends_at": "2099-05-01T12:00",
            "venue_name": "田無公民館",
            "fee": "free",
            "application": "site",
        },
    )
    assert response.status_code == 302
    program = Program.objects.get(title="体験会")
    assert program.organizer == group.organizer
    assert program.status == "published"
    page = client.get(reverse("communities:detail", args=[group.pk])).content.decode()
    assert "会員募集" in page
    assert "体験会" in page


def test_staff_pages_need_the_coordinator(
    client: Client, make_group: Callable[..., CommunityGroup], personas: dict[Role, User]
) -> None:
    group = make_group(approved=False)
    urls = [
        reverse("staff_communities:review"),
        reverse("staff_communities:group", args=[group.pk]),
        reverse("staff_communities:moderation"),
        reverse("staff_communities:stale"),
    ]
    client.force_login(personas[Role.DEPARTMENT_STAFF])
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(personas[Role.COORDINATOR])
    for url in urls:
        assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="communities.personal_data.viewed").exists()


def test_coordinator_reviews_from_the_staff_page(
    client: Client, make_group: Callable[..., CommunityGroup], coordinator: User
) -> None:
    group = make_group(approved=False)
    client.force_login(coordinator)
    url = reverse("staff_communities:group", args=[group.pk])
    with translation.override("en"):
        response = client.post(url, {"action": "request_changes", "reason": ""})
    assert response.status_code == 200
    client.post(url, {"action": "request_changes", "reason": "写真を追加してください"})
    group.refresh_from_db()
    assert group.status == "changes_requested"
    assert group.status_reason == "写真を追加してください"
    client.post(url, {"action": "approve"})
    group.refresh_from_db()
    assert group.status == "approved"


def test_coordinator_unpublishes_with_a_reason(
    client: Client, make_group: Callable[..., CommunityGroup], coordinator: User
) -> None:
    from manabiba.communities import services

    group = make_group()
    post = services.post_create(group=group, actor=group.memberships.get().user, title="宣伝", body="買ってください")
    client.force_login(coordinator)
    assert "宣伝" in client.get(reverse("staff_communities:moderation")).content.decode()
    client.post(
        reverse("staff_communities:post_moderate", args=[post.pk]), {"action": "unpublish", "reason": "商業利用"}
    )
    post.refresh_from_db()
    assert post.status == "unpublished"
    assert post.status_reason == "商業利用"
    assert Client().get(reverse("communities:post", args=[group.pk, post.pk])).status_code == 404


def test_invitation_page_accepts(
    client: Client, make_group: Callable[..., CommunityGroup], make_persona: Callable[..., User]
) -> None:
    from manabiba.communities import services

    group = make_group()
    issued = services.invitation_create(group=group, actor=group.memberships.get().user, email="new@example.jp")
    path = issued.link[issued.link.index("/groups/") :]
    client.force_login(make_persona(Role.RESIDENT, email="new@example.jp"))
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.url == reverse("communities:manage", args=[group.pk])
    assert group.memberships.count() == 2


def test_directory_query_count_does_not_grow_with_the_groups(
    client: Client, make_group: Callable[..., CommunityGroup]
) -> None:
    make_group()
    client.get(reverse("communities:list"))  # what the site shell caches for every page
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("communities:list"), {"recruiting": "", "day": "2"})
    for _n in range(8):
        make_group()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("communities:list"), {"recruiting": "", "day": "2"})
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as searched:
        client.get(reverse("communities:list"), {"q": "太極拳"})
    # The search index is asked once, not once per facet.
    assert sum("searchentry" in query["sql"] for query in searched.captured_queries) <= 10


def test_abuse_reports_are_limited_per_address_and_per_person(
    client: Client, make_group: Callable[..., CommunityGroup], resident: User
) -> None:
    group = make_group()
    url = reverse("communities:report", args=[group.pk])
    # Anonymous: ten an hour from one address, then a clear message and the text kept.
    statuses = [client.post(url, {"reason": f"宣伝です{n}"}, REMOTE_ADDR="192.0.2.1").status_code for n in range(10)]
    assert statuses == [302] * 10
    with translation.override("en"):
        refused = client.post(url, {"reason": "十一件目の報告"}, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "You have sent many reports in a short time." in page
    assert "十一件目の報告" in page
    assert AbuseReport.objects.count() == 10
    # Another address is not affected ...
    assert client.post(url, {"reason": "別の場所から"}, REMOTE_ADDR="192.0.2.2").status_code == 302
    # ... but a signed-in person cannot get round the limit by changing address.
    client.force_login(resident)
    for n in range(10):
        assert client.post(url, {"reason": f"本人{n}"}, REMOTE_ADDR=f"198.51.100.{n}").status_code == 302
    assert client.post(url, {"reason": "本人の十一件目"}, REMOTE_ADDR="198.51.100.99").status_code == 429
    assert AbuseReport.objects.filter(reporter=resident).count() == 10
