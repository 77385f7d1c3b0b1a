"""The group's pages: ask, follow one request with each part's state and one thread, agree to a case study."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.communities.models import CommunityGroup
from manabiba.core.search import search_ids
from manabiba.support.models import SupportMessage, SupportRequest
from manabiba.support.selectors import SEARCH_KIND, case_search_documents
from manabiba.support.services import (
    TaskSpec,
    support_case_consent,
    support_case_publish,
    support_case_unpublish,
    support_request_close,
    support_request_split,
    support_task_update,
)

Ask = Callable[..., SupportRequest]


def test_a_group_organiser_asks_for_support(client: Client, owner: User, group: CommunityGroup) -> None:
    client.force_login(owner)
    assert client.get(reverse("support:new")).status_code == 200
    response = client.post(
        reverse("support:new"),
        {
            "group": group.pk,
            "title": "防災訓練",
            "kinds": ["safety", "permit"],
            "description": "公園で防災訓練をしたい。",
            "starts_on": "2027-09-01",
            "ends_on": "2027-08-01",
        },
    )
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    response = client.post(
        reverse("support:new"),
        {
            "group": group.pk,
            "title": "防災訓練",
            "kinds": ["safety", "permit"],
            "description": "公園で防災訓練をしたい。",
            "starts_on": "2027-09-01",
        },
    )
    request = SupportRequest.objects.get(title="防災訓練")
    assert response["Location"] == reverse("support:detail", args=[request.pk])
    assert request.kinds == ["safety", "permit"]
    assert request.language == "en"


def test_someone_who_runs_no_group_is_told_who_may_ask(client: Client, make_persona: Callable[..., User]) -> None:
    client.force_login(make_persona(email="nobody@example.jp"))
    response = client.get(reverse("support:new"))
    assert response.status_code == 403
    assert "approved group" in response.content.decode()


def test_the_group_sees_each_parts_state_and_writes_in_the_one_thread(
    client: Client,
    ask: Ask,
    owner: User,
    coordinator: User,
    departments: dict[str, Department],
    staff: dict[str, User],
) -> None:
    request = ask()
    venue, _publicity = support_request_split(
        request=request,
        actor=coordinator,
        parts=[
            TaskSpec(department=departments["facilities"], kind="venue"),
            TaskSpec(department=departments["pr"], kind="publicity"),
        ],
    )
    support_task_update(task=venue, actor=staff["facilities"], status="done", answer="会場を確保しました")
    client.force_login(owner)
    page = client.get(reverse("support:detail", args=[request.pk])).content.decode()
    assert 'data-part="施設管理課"' in page
    assert 'data-part="広報課"' in page
    assert "会場を確保しました" in page
    assert page.count("support-task--done") == 1
    assert page.count("support-task--open") == 1

    client.post(reverse("support:message", args=[request.pk]), {"body": "ありがとうございます"})
    assert request.messages.filter(kind=SupportMessage.Kind.GROUP, author=owner).exists()
    empty = client.post(reverse("support:message", args=[request.pk]), {"body": ""})
    assert empty.status_code == 200


def test_the_group_agrees_to_a_case_study_and_the_coordinator_publishes_it(
    client: Client, ask: Ask, owner: User, coordinator: User, departments: dict[str, Department]
) -> None:
    request = ask()
    support_request_split(
        request=request, actor=coordinator, parts=[TaskSpec(department=departments["pr"], kind="publicity")]
    )
    support_request_close(request=request, actor=coordinator)
    client.force_login(owner)
    client.post(reverse("support:consent", args=[request.pk]), {"consent": "on"})
    request.refresh_from_db()
    assert request.case_consent_at is not None

    client.force_login(coordinator)
    response = client.post(
        reverse("staff_support:case", args=[request.pk]),
        {"case_title": "町会の夏祭りの広報", "case_summary": "広報課が市報で告知しました。"},
    )
    assert response.status_code == 302
    public = Client().get(reverse("support:cases")).content.decode()
    assert "町会の夏祭りの広報" in public
    assert "広報課" in public
    assert "owner@example.jp" not in public


def test_case_studies_are_found_by_keyword_and_leave_the_search_when_taken_down(
    client: Client, ask: Ask, owner: User, coordinator: User, departments: dict[str, Department]
) -> None:
    def published(title: str, kinds: list[str], department: str, case_title: str, summary: str) -> SupportRequest:
        request = ask(title=title, kinds=kinds)
        support_request_split(
            request=request, actor=coordinator, parts=[TaskSpec(department=departments[department], kind=kinds[0])]
        )
        support_request_close(request=request, actor=coordinator)
        support_case_consent(request=request, actor=owner, consent=True)
        return support_case_publish(request=request, actor=coordinator, title=case_title, summary=summary)

    festival = published("夏の子ども祭り", ["publicity"], "pr", "町会の夏祭りの広報", "市報とポスターで告知しました。")
    drill = published("秋の防災訓練", ["safety"], "safety", "自主防災訓練の助言", "消火器の使い方を教わりました。")

    def found(query: str) -> str:
        return client.get(reverse("support:cases"), {"q": query}).content.decode()

    # By the account's words, by the department that helped, by the kind of help in Japanese.
    assert "町会の夏祭りの広報" in found("ポスター")
    assert "自主防災訓練の助言" not in found("ポスター")
    assert "自主防災訓練の助言" in found("危機管理課")
    page = found("広報")
    assert "町会の夏祭りの広報" in page
    assert '1 case study matches “<span lang="ja">広報</span>”' in page
    nothing = found("テニス")
    assert "No case study matches." in nothing
    assert "Show all case studies" in nothing

    # Withdrawing the consent, or taking it down, takes it out of the index itself.
    def indexed(query: str) -> list[int]:
        return search_ids(kind=SEARCH_KIND, query=query, now=timezone.now())

    assert indexed("危機管理課") == [drill.pk]
    support_case_consent(request=drill, actor=owner, consent=False)
    assert indexed("危機管理課") == []
    assert "自主防災訓練の助言" not in found("危機管理課")
    support_case_unpublish(request=festival, actor=coordinator)
    assert indexed("ポスター") == []
    assert "0 case studies match" in found("ポスター")
    # The index can be rebuilt from the published case studies alone.
    assert [document.object_id for document in case_search_documents()] == []
