"""Who sees and does what with support requests, role by role, on the pages and in the API."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import api_token_create
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import AuditEntry
from manabiba.core.workspace import workspace_cards
from manabiba.support.models import SupportRequest, SupportTask
from manabiba.support.services import TaskSpec, support_request_split, support_staff_message

Ask = Callable[..., SupportRequest]


@pytest.fixture
def split_request(
    ask: Ask, coordinator: User, departments: dict[str, Department], staff: dict[str, User]
) -> SupportRequest:
    """A request with parts for facilities and PR (not safety), and an internal note."""
    request = ask(contact_phone="042-111-2222")
    support_request_split(
        request=request,
        actor=coordinator,
        parts=[
            TaskSpec(department=departments["facilities"], kind="venue"),
            TaskSpec(department=departments["pr"], kind="publicity"),
        ],
    )
    support_staff_message(request=request, actor=staff["pr"], body="内部メモ：予算注意", internal=True)
    return request


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test').secret}"}


def test_every_department_sees_every_requests_summary(
    client: Client, split_request: SupportRequest, staff: dict[str, User]
) -> None:
    client.force_login(staff["safety"])  # holds no part
    listing = client.get(reverse("staff_support:queue"))
    assert listing.status_code == 200
    assert split_request.reference in listing.content.decode()
    page = client.get(reverse("staff_support:detail", args=[split_request.pk])).content.decode()
    assert "夏の子ども祭り" in page
    assert "施設管理課" in page
    assert "owner@example.jp" not in page
    assert "042-111-2222" not in page
    assert "内部メモ" not in page


def test_a_department_with_a_part_sees_the_contact_and_the_thread(
    client: Client, split_request: SupportRequest, staff: dict[str, User]
) -> None:
    client.force_login(staff["facilities"])
    page = client.get(reverse("staff_support:detail", args=[split_request.pk])).content.decode()
    assert "owner@example.jp" in page
    assert "042-111-2222" in page
    assert "内部メモ：予算注意" in page
    # Its own part has a form; the other department's has none.
    [own] = split_request.tasks.filter(department__name="施設管理課")
    [other] = split_request.tasks.filter(department__name="広報課")
    assert reverse("staff_support:task", args=[own.pk]) in page
    assert reverse("staff_support:task", args=[other.pk]) not in page


def test_a_department_edits_only_its_own_tasks(
    client: Client, split_request: SupportRequest, staff: dict[str, User]
) -> None:
    [other] = split_request.tasks.filter(department__name="広報課")
    client.force_login(staff["facilities"])
    response = client.post(
        reverse("staff_support:task", args=[other.pk]),
        {f"task{other.pk}-status": "done", f"task{other.pk}-answer": "x"},
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == SupportTask.Status.OPEN
    [own] = split_request.tasks.filter(department__name="施設管理課")
    response = client.post(
        reverse("staff_support:task", args=[own.pk]),
        {f"task{own.pk}-status": "done", f"task{own.pk}-answer": "会場を確保しました"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == SupportTask.Status.DONE


def test_a_department_without_a_part_cannot_write_to_the_group(
    client: Client, split_request: SupportRequest, staff: dict[str, User]
) -> None:
    client.force_login(staff["safety"])
    response = client.post(reverse("staff_support:message", args=[split_request.pk]), {"body": "こんにちは"})
    assert response.status_code == 403


def test_only_the_coordinator_splits_closes_and_publishes(
    client: Client, split_request: SupportRequest, staff: dict[str, User], departments: dict[str, Department]
) -> None:
    client.force_login(staff["facilities"])
    for name in ("split", "close", "case"):
        assert client.post(reverse(f"staff_support:{name}", args=[split_request.pk])).status_code == 403


@pytest.mark.parametrize(
    "role", [Role.RESIDENT, Role.GROUP_ORGANISER, Role.DESK_STAFF, Role.FACILITY_STAFF, Role.TALENT]
)
def test_other_roles_do_not_open_the_staff_pages(
    client: Client, split_request: SupportRequest, make_persona: Callable[..., User], role: Role
) -> None:
    client.force_login(make_persona(role, email=f"{role.value}-x@example.jp"))
    assert client.get(reverse("staff_support:queue")).status_code == 403
    assert client.get(reverse("staff_support:detail", args=[split_request.pk])).status_code == 403


def test_the_group_sees_only_its_own_requests_and_no_notes(
    client: Client,
    split_request: SupportRequest,
    owner: User,
    make_group: Callable[..., CommunityGroup],
    make_persona: Callable[..., User],
    ask: Ask,
) -> None:
    other_owner = make_persona(email="other-owner@example.jp")
    other_group = make_group(owner=other_owner, name="別の会")
    theirs = ask(actor=other_owner, group=other_group, title="別の会の催し")

    client.force_login(owner)
    mine = client.get(reverse("support:mine")).content.decode()
    assert split_request.reference in mine
    assert theirs.reference not in mine
    assert client.get(reverse("support:detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("support:detail", args=[split_request.pk])).content.decode()
    assert "施設管理課" in page
    assert "広報課" in page
    assert "内部メモ" not in page
    assert client.get(reverse("staff_support:queue")).status_code == 403


def test_staff_looks_at_a_request_are_logged(
    client: Client, split_request: SupportRequest, staff: dict[str, User]
) -> None:
    client.force_login(staff["safety"])
    client.get(reverse("staff_support:detail", args=[split_request.pk]))
    entry = AuditEntry.objects.get(action="support.personal_data.viewed", actor=staff["safety"])
    assert entry.data["full"] is False
    client.force_login(staff["pr"])
    client.get(reverse("staff_support:detail", args=[split_request.pk]))
    assert AuditEntry.objects.get(action="support.personal_data.viewed", actor=staff["pr"]).data["full"] is True


def test_each_workspace_card_counts_the_rows_of_its_list(
    client: Client, split_request: SupportRequest, ask: Ask, staff: dict[str, User], coordinator: User
) -> None:
    ask(title="まだ振り分けていない依頼")
    SupportTask.objects.filter(department__name="広報課").update(due_at=timezone.now() - timezone.timedelta(days=1))
    for user, expected in (
        (coordinator, {"support.to_split": 1, "support.department_open": 2, "support.overdue": 1}),
        (staff["pr"], {"support.department_open": 1, "support.overdue": 1}),
        (staff["safety"], {"support.department_open": 0, "support.overdue": 0}),
    ):
        cards = {c.key: c for c in workspace_cards(user=user, now=timezone.now()) if c.key.startswith("support.")}
        assert {key: card.count for key, card in cards.items()} == expected
        client.force_login(user)
        for card in cards.values():
            page = client.get(card.url)
            assert page.content.decode().count("<tr data-row") == card.count, card.key


# --- API -------------------------------------------------------------------------------------------


def test_the_api_lists_summaries_for_every_department(
    client: Client, split_request: SupportRequest, staff: dict[str, User]
) -> None:
    response = client.get("/api/v1/staff/support-requests", **bearer(staff["safety"]))
    assert response.status_code == 200
    [item] = response.json()
    assert item["reference"] == split_request.reference
    assert [t["department"] for t in item["tasks"]] == ["施設管理課", "広報課"]
    assert "contact_email" not in item
    # Filtered by the kind of help asked (a request asks for several).
    venue = client.get("/api/v1/staff/support-requests?kind=venue", **bearer(staff["safety"])).json()
    grant = client.get("/api/v1/staff/support-requests?kind=grant", **bearer(staff["safety"])).json()
    assert [r["id"] for r in venue] == [split_request.pk]
    assert grant == []


def test_the_api_detail_is_full_only_for_those_who_handle_the_request(
    client: Client, split_request: SupportRequest, staff: dict[str, User]
) -> None:
    summary = client.get(f"/api/v1/staff/support-requests/{split_request.pk}", **bearer(staff["safety"])).json()
    assert summary["full"] is False
    assert summary["contact_email"] is None
    assert summary["messages"] == []
    full = client.get(f"/api/v1/staff/support-requests/{split_request.pk}", **bearer(staff["pr"])).json()
    assert full["full"] is True
    assert full["contact_email"] == "owner@example.jp"
    assert any(m["kind"] == "note" for m in full["messages"])
    assert AuditEntry.objects.filter(action="support.personal_data.viewed", data__view="api_detail").count() == 2
    missing = client.get("/api/v1/staff/support-requests/999999", **bearer(staff["pr"]))
    assert missing.status_code == 404


def test_the_api_refuses_other_roles_and_missing_tokens(
    client: Client, split_request: SupportRequest, make_persona: Callable[..., User]
) -> None:
    assert client.get("/api/v1/staff/support-requests").status_code == 401
    desk = make_persona(Role.DESK_STAFF, email="desk-api@example.jp")
    assert client.get("/api/v1/staff/support-requests", **bearer(desk)).status_code == 403
    assert client.get(f"/api/v1/staff/support-requests/{split_request.pk}", **bearer(desk)).status_code == 403
    answer = client.post(
        "/api/v1/staff/support-tasks/1/answer", {"status": "done"}, content_type="application/json", **bearer(desk)
    )
    assert answer.status_code == 403


def test_a_department_answers_its_part_through_the_api(
    client: Client, split_request: SupportRequest, staff: dict[str, User], coordinator: User
) -> None:
    [own] = split_request.tasks.filter(department__name="広報課")
    [other] = split_request.tasks.filter(department__name="施設管理課")
    token = bearer(staff["pr"])
    url = f"/api/v1/staff/support-tasks/{own.pk}/answer"
    invalid = client.post(url, {"status": "done", "answer": ""}, content_type="application/json", **token)
    assert invalid.status_code == 422
    assert "answer" in invalid.json()["errors"]
    refused = client.post(
        f"/api/v1/staff/support-tasks/{other.pk}/answer",
        {"status": "done", "answer": "x"},
        content_type="application/json",
        **token,
    )
    assert refused.status_code == 403
    missing = client.post(
        "/api/v1/staff/support-tasks/999999/answer", {"status": "done"}, content_type="application/json", **token
    )
    assert missing.status_code == 404
    done = client.post(
        url, {"status": "done", "answer": "市報8月号に掲載します"}, content_type="application/json", **token
    )
    assert done.status_code == 200
    assert [t["status"] for t in done.json()["tasks"]] == ["open", "done"]

    from manabiba.support.services import support_request_close

    support_request_close(request=split_request, actor=coordinator)
    closed = client.post(url, {"status": "done", "answer": "再回答"}, content_type="application/json", **token)
    assert closed.status_code == 409
