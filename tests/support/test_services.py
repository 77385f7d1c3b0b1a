"""Support requests: a group asks, the coordinator splits, each department answers its part, the
group follows one request and one thread."""

from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.fixtures import Settings

from manabiba.accounts.models import Department, User
from manabiba.accounts.services import staff_digest_send, user_delete
from manabiba.communities.models import CommunityGroup, Membership
from manabiba.core.figures import FigureFilter, fiscal_year_of
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.core.search import search_ids
from manabiba.support import selectors
from manabiba.support.figures import support_report_figures
from manabiba.support.models import SupportMessage, SupportRequest, SupportTask
from manabiba.support.services import (
    TaskSpec,
    support_case_consent,
    support_case_publish,
    support_group_message,
    support_purge,
    support_request_close,
    support_request_split,
    support_staff_message,
    support_task_update,
)

Ask = Callable[..., SupportRequest]


def mails_to(address: str) -> list[OutboxMessage]:
    """Mail about support requests only (the group's sign-up mail went to the same people)."""
    return list(OutboxMessage.objects.filter(to=address, subject__startswith="[S").order_by("pk"))


def split_three(request: SupportRequest, coordinator: User, departments: dict[str, Department]) -> list[SupportTask]:
    return support_request_split(
        request=request,
        actor=coordinator,
        parts=[
            TaskSpec(department=departments["facilities"], kind="venue", instructions="公園の使用許可と会場"),
            TaskSpec(department=departments["pr"], kind="publicity"),
            TaskSpec(department=departments["safety"], kind="safety"),
        ],
    )


def test_only_the_people_who_run_an_approved_group_ask_in_its_name(
    ask: Ask, make_persona: Callable[..., User], make_group: Callable[..., CommunityGroup], owner: User
) -> None:
    stranger = make_persona(email="stranger@example.jp")
    with pytest.raises(PermissionDenied):
        ask(actor=stranger)
    pending = make_group(owner=owner, approved=False, name="申請中の会")
    with pytest.raises(PermissionDenied):
        ask(group=pending)


def test_asking_tells_the_group_and_the_coordinator(ask: Ask, owner: User, coordinator: User) -> None:
    request = ask()
    assert request.status == SupportRequest.Status.NEW
    assert request.kinds == ["venue", "publicity", "safety"]
    [received] = mails_to(owner.email)
    assert request.reference in received.subject
    assert received.reply_to == request.reply_address
    assert request.reply_address in received.body
    assert mails_to(coordinator.email)
    assert AuditEntry.objects.filter(action="support.request.submitted", target_id=str(request.pk)).exists()


def test_the_coordinator_splits_a_request_and_each_department_hears_of_its_part(
    ask: Ask,
    coordinator: User,
    departments: dict[str, Department],
    staff: dict[str, User],
    owner: User,
    settings: Settings,
) -> None:
    settings.SUPPORT_TASK_TARGET_DAYS = {"venue": 3, "publicity": 6, "safety": 4, "other": 7}
    request = ask()
    before = timezone.now()
    tasks = split_three(request, coordinator, departments)

    request.refresh_from_db()
    assert request.status == SupportRequest.Status.IN_PROGRESS
    assert [t.department.name for t in tasks] == ["施設管理課", "広報課", "危機管理課"]
    # Due dates per kind of help, counted as consultations count theirs.
    assert [round((t.due_at - before) / timedelta(days=1)) for t in tasks] == [3, 6, 4]
    for key, task in zip(("facilities", "pr", "safety"), tasks, strict=True):
        [assigned] = mails_to(staff[key].email)
        assert task.department.name in assigned.subject
    # The group is told who works on what.
    assert "広報課" in mails_to(owner.email)[-1].body


def test_a_department_answers_only_its_own_part(
    ask: Ask, coordinator: User, departments: dict[str, Department], staff: dict[str, User], owner: User
) -> None:
    request = ask()
    venue, publicity, _safety = split_three(request, coordinator, departments)
    with pytest.raises(PermissionDenied):
        support_task_update(task=publicity, actor=staff["facilities"], status="done", answer="代わりに答えます")
    with pytest.raises(PermissionDenied):
        support_request_split(
            request=request, actor=staff["facilities"], parts=[TaskSpec(department=departments["pr"], kind="grant")]
        )
    with pytest.raises(ValidationError):
        support_task_update(task=venue, actor=staff["facilities"], status="done", answer="")

    support_task_update(task=venue, actor=staff["facilities"], status="done", answer="西原公園を8月1日に確保しました。")
    venue.refresh_from_db()
    assert venue.status == SupportTask.Status.DONE
    assert venue.answered_by == staff["facilities"]
    assert "西原公園" in mails_to(owner.email)[-1].body
    message = request.messages.get(kind=SupportMessage.Kind.STAFF)
    assert message.task == venue


def test_the_request_is_answered_once_no_part_is_open(
    ask: Ask, coordinator: User, departments: dict[str, Department], staff: dict[str, User]
) -> None:
    request = ask()
    tasks = split_three(request, coordinator, departments)
    for key, task in zip(("facilities", "pr", "safety"), tasks[:2], strict=False):
        support_task_update(task=task, actor=staff[key], status="done", answer="対応しました")
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.IN_PROGRESS
    support_task_update(task=tasks[2], actor=staff["safety"], status="declined", answer="担当外です")
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.ANSWERED


def test_internal_notes_are_kept_from_the_group(
    ask: Ask, coordinator: User, departments: dict[str, Department], staff: dict[str, User], owner: User
) -> None:
    request = ask()
    split_three(request, coordinator, departments)
    sent_before = len(mails_to(owner.email))
    support_staff_message(request=request, actor=staff["pr"], body="社内メモ：予算は別途", internal=True)
    assert len(mails_to(owner.email)) == sent_before  # a note is never mailed
    support_staff_message(request=request, actor=staff["pr"], body="チラシの原稿をお送りください")
    group_view = [m.body for m in selectors.thread(request, with_notes=False)]
    staff_view = [m.body for m in selectors.thread(request, with_notes=True)]
    assert "社内メモ：予算は別途" not in group_view
    assert "チラシの原稿をお送りください" in group_view
    assert "社内メモ：予算は別途" in staff_view


def test_a_department_without_a_part_does_not_write_in_the_thread(
    ask: Ask, coordinator: User, departments: dict[str, Department], staff: dict[str, User]
) -> None:
    request = ask()
    support_request_split(
        request=request, actor=coordinator, parts=[TaskSpec(department=departments["pr"], kind="publicity")]
    )
    with pytest.raises(PermissionDenied):
        support_staff_message(request=request, actor=staff["safety"], body="こんにちは")


def test_the_group_writes_and_the_departments_with_an_open_part_hear_of_it(
    ask: Ask, coordinator: User, departments: dict[str, Department], staff: dict[str, User], owner: User
) -> None:
    request = ask()
    venue, *_ = split_three(request, coordinator, departments)
    support_task_update(task=venue, actor=staff["facilities"], status="done", answer="確保しました")
    before = {key: len(mails_to(user.email)) for key, user in staff.items()}
    support_group_message(request=request, body="雨天の場合はどうなりますか", author=owner)
    assert len(mails_to(staff["pr"].email)) == before["pr"] + 1
    assert len(mails_to(staff["facilities"].email)) == before["facilities"]  # its part is done
    # The coordinator who split the request hears of it too.
    assert "雨天の場合" in mails_to(coordinator.email)[-1].body


def _reply_mail(folder: Path, *, to: str, body: str, message_id: str) -> None:
    mail = EmailMessage()
    mail["From"] = "owner@example.jp"
    mail["To"] = to
    mail["Subject"] = "Re: support"
    mail["Message-ID"] = message_id
    mail.set_content(body)
    folder.mkdir(exist_ok=True)
    (folder / f"{message_id.strip('<>')}.eml").write_bytes(mail.as_bytes())


def test_a_reply_by_mail_lands_in_the_request_through_the_shared_mailbox(ask: Ask, tmp_path: Path) -> None:
    request = ask()
    _reply_mail(tmp_path, to=request.reply_address, body="了解しました。\n\n> 引用", message_id="<s-1@example.jp>")
    out = StringIO()
    call_command("consultations_fetch_mail", source=str(tmp_path), stdout=out)
    assert "1 added" in out.getvalue()
    [message] = request.messages.filter(kind=SupportMessage.Kind.GROUP)
    assert message.body == "了解しました。"
    assert message.via == SupportMessage.Via.EMAIL
    # The same mail read again adds nothing.
    call_command("consultations_fetch_mail", source=str(tmp_path), stdout=StringIO())
    assert request.messages.filter(kind=SupportMessage.Kind.GROUP).count() == 1


def test_a_case_study_needs_a_closed_request_and_the_groups_consent(
    ask: Ask, coordinator: User, departments: dict[str, Department], owner: User
) -> None:
    request = ask()
    split_three(request, coordinator, departments)
    with pytest.raises(ValidationError):
        support_case_publish(request=request, actor=coordinator, title="事例", summary="概要")
    support_request_close(request=request, actor=coordinator)
    with pytest.raises(ValidationError):
        support_case_publish(request=request, actor=coordinator, title="事例", summary="概要")
    support_case_consent(request=request, actor=owner, consent=True)
    request.refresh_from_db()
    assert request.case_consent_by == owner
    support_case_publish(
        request=request, actor=coordinator, title="町会の子ども祭り", summary="三つの課が協力しました。"
    )
    assert list(selectors.case_studies()) == [request]
    # Withdrawing the consent takes it down at once.
    support_case_consent(request=request, actor=owner, consent=False)
    assert list(selectors.case_studies()) == []


def test_deleting_an_account_erases_its_copies(
    ask: Ask, group: CommunityGroup, make_persona: Callable[..., User]
) -> None:
    editor = make_persona(email="editor@example.jp", full_name="編集 一郎", phone="090-0000-0000")
    Membership.objects.create(group=group, user=editor, role=Membership.Role.EDITOR)
    request = ask(actor=editor)
    support_group_message(request=request, body="私の携帯に連絡ください 090-0000-0000", author=editor)

    user_delete(user=editor, actor=editor)

    request.refresh_from_db()
    assert (request.requested_by, request.contact_name, request.contact_email, request.contact_phone) == (
        None,
        "",
        "",
        "",
    )
    assert request.group_name == "ひばりが丘町会"  # the group's request stays
    assert not request.messages.filter(body__contains="090").exists()


def test_an_overdue_part_is_in_its_departments_morning_digest(
    ask: Ask, coordinator: User, departments: dict[str, Department], staff: dict[str, User]
) -> None:
    request = ask()
    split_three(request, coordinator, departments)
    SupportTask.objects.filter(department=departments["pr"]).update(due_at=timezone.now() - timedelta(days=1))
    staff_digest_send()
    [digest] = OutboxMessage.objects.filter(to=staff["pr"].email).exclude(subject__startswith="[S")
    assert "/staff/support/?view=overdue" in digest.body
    assert not OutboxMessage.objects.filter(to=staff["safety"].email).exclude(subject__startswith="[S").exists()


def test_a_group_writing_in_english_reads_the_departments_english_names(
    ask: Ask, coordinator: User, departments: dict[str, Department], owner: User
) -> None:
    names = {"facilities": "Facilities Division", "pr": "Public Relations Division", "safety": "Crisis Management"}
    for key, english in names.items():
        Department.objects.filter(pk=departments[key].pk).update(name_en=english)
        departments[key].refresh_from_db()
    request = ask(language="en")
    split_three(request, coordinator, departments)

    body = mails_to(owner.email)[-1].body
    assert "Public Relations Division" in body
    assert "広報課" not in body
    progress = SupportMessage.objects.get(request=request, kind=SupportMessage.Kind.EVENT)
    assert progress.body == (
        "Your request has been passed to: Facilities Division (a venue), "
        "Public Relations Division (publicity), Crisis Management (safety advice)."
    )


def test_the_purge_anonymises_requests_closed_past_the_retention_keeps_the_figures_and_takes_case_studies_down(
    ask: Ask,
    coordinator: User,
    departments: dict[str, Department],
    owner: User,
    staff: dict[str, User],
    client: Client,
    settings: Settings,
) -> None:
    settings.SUPPORT_RETENTION_DAYS = 365
    old = ask()
    venue, _publicity, _safety = split_three(old, coordinator, departments)
    support_task_update(task=venue, actor=staff["facilities"], status="done", answer="田中公園を8月1日に確保しました。")
    support_group_message(request=old, body="代表の携帯は090-1111-2222です。", author=owner)
    support_request_close(request=old, actor=coordinator)
    support_case_consent(request=old, actor=owner, consent=True)
    support_case_publish(request=old, actor=coordinator, title="町会の子ども祭り", summary="三つの課が協力しました。")
    assert search_ids(kind=selectors.SEARCH_KIND, query="子ども祭り", now=timezone.now()) == [old.pk]
    recent = ask(title="秋の防災訓練")
    split_three(recent, coordinator, departments)
    support_request_close(request=recent, actor=coordinator)
    still_open = ask(title="冬の餅つき")
    SupportRequest.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=366))
    SupportRequest.objects.filter(pk__in=[recent.pk, still_open.pk]).update(
        created_at=timezone.now() - timedelta(days=800)
    )
    year = fiscal_year_of(timezone.localdate())
    with translation.override("en"):
        before = support_report_figures(year, FigureFilter())

    out = StringIO()
    call_command("support_purge", stdout=out)

    assert "1 anonymised" in out.getvalue()
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.requested_by, old.contact_name, old.contact_email, old.contact_phone, old.description) == (
        None,
        "",
        "",
        "",
        "",
    )
    assert set(old.messages.values_list("body", flat=True)) == {""}
    assert not old.messages.exclude(author=None).exists()
    assert set(old.tasks.values_list("instructions", "answer")) == {("", "")}
    # What the figures count stays: the same report before and after.
    assert (old.title, old.group_name, old.kinds) == (
        "夏の子ども祭り",
        "ひばりが丘町会",
        ["venue", "publicity", "safety"],
    )
    with translation.override("en"):
        assert support_report_figures(year, FigureFilter()) == before
    # The staff no longer open it, so its case study goes with it: off the page and out of the search.
    assert selectors.request_for_staff(old.pk) is None
    assert old.case_published_at is None
    assert "町会の子ども祭り" not in client.get(reverse("support:cases")).content.decode()
    assert search_ids(kind=selectors.SEARCH_KIND, query="子ども祭り", now=timezone.now()) == []
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.anonymised_at is None
        assert kept.description
    assert AuditEntry.objects.filter(action="support.request.purged", data__anonymised=1).exists()
    # A second run finds nothing more.
    assert support_purge() == 0
