"""The group workflow through the services: sign-up, review, members, posts, events, contact, reports."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import selectors, services
from manabiba.communities.models import AbuseReport, ActivityPost, CommunityGroup, ContactMessage, Membership
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.models import Category, Organizer, Program
from tests.communities.conftest import group_fields

pytestmark = pytest.mark.django_db


def mails_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=address))


def test_apply_makes_a_pending_group_owned_by_the_applicant_and_mails_it(
    applicant: User, categories: list[Category]
) -> None:
    group = services.group_apply(actor=applicant, agreed_to_rules=True, categories=categories[:2], **group_fields())
    assert group.status == CommunityGroup.Status.PENDING
    assert group.rules_agreed_at is not None
    assert Membership.objects.get(group=group).user == applicant
    assert Membership.objects.get(group=group).role == Membership.Role.OWNER
    assert mails_to("applicant@example.jp")
    assert mails_to("private-contact@example.jp")
    assert AuditEntry.objects.filter(action="communities.group.applied").exists()
    # Not listed, so not found.
    assert selectors.group_search(selectors.GroupFilters(q="太極拳")).count == 0


def test_apply_needs_the_rules_and_one_to_three_fields(applicant: User, categories: list[Category]) -> None:
    with pytest.raises(ValidationError):
        services.group_apply(actor=applicant, agreed_to_rules=False, categories=categories[:1], **group_fields())
    with pytest.raises(ValidationError):
        services.group_apply(actor=applicant, agreed_to_rules=True, categories=categories[:4], **group_fields())
    with pytest.raises(ValidationError):
        services.group_apply(actor=applicant, agreed_to_rules=True, categories=[], **group_fields())
    with pytest.raises(ValidationError):
        services.group_apply(
            actor=applicant,
            agreed_to_rules=True,
            categories=categories[:1],
            **group_fields(members_count=5, members_in_city=9),
        )
    assert not CommunityGroup.objects.exists()


def test_review_cycle_request_changes_resubmit_approve(
    make_group: Callable[..., CommunityGroup], coordinator: User
) -> None:
    group = make_group(approved=False)
    owner = group.memberships.get().user
    with pytest.raises(ValidationError):
        services.group_request_changes(group=group, actor=coordinator, reason="  ")
    group = services.group_request_changes(group=group, actor=coordinator, reason="活動場所を具体的に")
    assert group.status == CommunityGroup.Status.CHANGES_REQUESTED
    assert any("活動場所を具体的に" in m.body for m in mails_to(owner.email))
    with pytest.raises(PermissionDenied):
        services.group_approve(group=group, actor=owner)
    services.group_update(group=group, actor=owner, activity_place="田無公民館 第1会議室")
    group = services.group_resubmit(group=group, actor=owner)
    assert group.status == CommunityGroup.Status.PENDING
    group = services.group_approve(group=group, actor=coordinator)
    assert group.status == CommunityGroup.Status.APPROVED
    assert group.organizer is not None
    assert group.organizer.kind == Organizer.Kind.GROUP
    assert list(group.organizer.editors.all()) == [owner]
    owner.refresh_from_db()
    assert Role.GROUP_ORGANISER in User.objects.get(pk=owner.pk).role_set
    assert selectors.group_search(selectors.GroupFilters(q="太極拳")).groups == [group]


def test_reject_needs_a_reason_and_tells_the_group(
    make_group: Callable[..., CommunityGroup], coordinator: User
) -> None:
    group = make_group(approved=False)
    group = services.group_reject(group=group, actor=coordinator, reason="営利目的のため")
    assert group.status == CommunityGroup.Status.REJECTED
    assert any("営利目的のため" in m.body for m in mails_to("private-contact@example.jp"))
    with pytest.raises(ValidationError):
        services.group_approve(group=group, actor=coordinator)


def test_hiragana_query_finds_the_kanji_name(make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group(name="ひばりが丘囲碁クラブ", name_kana="ひばりがおかいごくらぶ")
    make_group(name="谷戸町子ども食堂", name_kana="やとちょうこどもしょくどう")
    assert selectors.group_search(selectors.GroupFilters(q="いご")).groups == [group]


def test_facets_and_filters(make_group: Callable[..., CommunityGroup], categories: list[Category]) -> None:
    recruiting = make_group(name="囲碁の会", name_kana="いごのかい", recruiting=True, activity_days="0")
    make_group(name="将棋の会", name_kana="しょうぎのかい", kind=CommunityGroup.Kind.CULTURE, activity_days="6")
    page = selectors.group_search(selectors.GroupFilters(recruiting=True))
    assert page.groups == [recruiting]
    assert selectors.group_search(selectors.GroupFilters(days=("6",))).count == 1
    facets = selectors.group_facets(selectors.GroupFilters())
    kinds = {f.value: f.count for f in facets["kinds"]}
    assert kinds == {"sports": 1, "culture": 1}
    assert {f.value: f.count for f in facets["days"]}["0"] == 1


def test_invitation_handover_and_leave(
    make_group: Callable[..., CommunityGroup], make_persona: Callable[..., User]
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    editor = make_persona(Role.RESIDENT, email="editor@example.jp")
    issued = services.invitation_create(group=group, actor=owner, email="Editor@example.jp")
    assert mails_to("editor@example.jp")
    raw = issued.link.rstrip("/").rsplit("/", 1)[1]
    stranger = make_persona(Role.RESIDENT, email="stranger@example.jp")
    with pytest.raises(PermissionDenied):
        services.invitation_accept(raw_token=raw, actor=stranger)
    assert Role.GROUP_ORGANISER not in editor.role_set
    services.invitation_accept(raw_token=raw, actor=editor)
    with pytest.raises(ValidationError):
        services.invitation_accept(raw_token=raw, actor=editor)
    # An editor of an approved group holds the group-organiser role, like its owner, without a coordinator.
    assert Role.GROUP_ORGANISER in User.objects.get(pk=editor.pk).role_set
    assert Role.GROUP_ORGANISER in User.objects.get(pk=owner.pk).role_set
    assert group.organizer is not None
    assert set(group.organizer.editors.all()) == {owner, editor}
    with pytest.raises(PermissionDenied):
        services.invitation_create(group=group, actor=editor, email="x@example.jp")
    with pytest.raises(ValidationError):
        services.membership_leave(group=group, actor=owner)
    services.ownership_transfer(group=group, actor=owner, new_owner=editor)
    assert Membership.objects.get(group=group, role=Membership.Role.OWNER).user == editor
    services.membership_leave(group=group, actor=owner)
    assert list(group.organizer.editors.all()) == [editor]
    assert AuditEntry.objects.filter(action="communities.ownership.transferred").exists()


def test_posts_publish_directly_or_wait_for_moderation(
    make_group: Callable[..., CommunityGroup], coordinator: User
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    post = services.post_create(group=group, actor=owner, kind="recruitment", title="会員募集", body="初心者歓迎")
    assert post.status == ActivityPost.Status.PUBLISHED
    with override_settings(COMMUNITIES_POSTS_NEED_MODERATION=True):
        waiting = services.post_create(group=group, actor=owner, title="活動報告", body="発表会をしました")
    assert waiting.status == ActivityPost.Status.PENDING
    assert list(selectors.posts_for_moderation()) == [waiting]
    services.post_approve(post=waiting, actor=coordinator)
    with pytest.raises(PermissionDenied):
        services.post_unpublish(post=post, actor=owner, reason="x")
    post = services.post_unpublish(post=post, actor=coordinator, reason="商業的な宣伝のため")
    assert post.status == ActivityPost.Status.UNPUBLISHED
    assert any("商業的な宣伝のため" in m.body for m in mails_to(owner.email))
    assert list(selectors.group_posts(group)) == [ActivityPost.objects.get(pk=waiting.pk)]


def test_pending_group_cannot_post(make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group(approved=False)
    owner = group.memberships.get().user
    with pytest.raises(ValidationError):
        services.post_create(group=group, actor=owner, title="t", body="b")


def test_event_is_a_programme_with_the_group_as_organiser(make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group()
    owner = group.memberships.get().user
    starts = timezone.now() + timedelta(days=10)
    program = services.group_event_create(
        group=group,
        actor=owner,
        sessions=[services.event_session(starts, starts + timedelta(hours=2))],
        title="太極拳体験会",
        venue_name="田無公民館",
        application=Program.Application.SITE,
    )
    assert program.status == Program.Status.PUBLISHED
    assert program.organizer == group.organizer
    assert selectors.group_upcoming_events(group) == [program]
    stranger = User.objects.create_user("s@example.jp", "x")
    with pytest.raises(PermissionDenied):
        services.group_event_create(
            group=group, actor=stranger, sessions=[services.event_session(starts, None)], title="x"
        )


def test_contact_message_reaches_editors_and_is_rate_limited(
    make_group: Callable[..., CommunityGroup], resident: User
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    for n in range(services.CONTACT_LIMIT_PER_HOUR):
        services.contact_message_send(
            group=group,
            sender=resident,
            sender_name="市民 花子",
            sender_email=resident.email,
            subject=f"見学 {n}",
            body="見学できますか",
            client_ip="192.0.2.1",
        )
    assert ContactMessage.objects.filter(group=group).count() == services.CONTACT_LIMIT_PER_HOUR
    to_owner = mails_to(owner.email)
    assert any("見学できますか" in m.body and resident.email in m.body for m in to_owner)
    with pytest.raises(ValidationError) as caught:
        services.contact_message_send(
            group=group,
            sender=resident,
            sender_name="市民 花子",
            sender_email=resident.email,
            subject="もう一度",
            body="…",
            client_ip="192.0.2.1",
        )
    assert caught.value.code == "rate_limited"
    cache.clear()
    # Nothing mailed to the resident contains the group's private address.
    assert not any("private-contact@example.jp" in m.body for m in mails_to(resident.email))


def test_abuse_report_goes_to_the_queue_and_is_resolved(
    make_group: Callable[..., CommunityGroup], resident: User, coordinator: User
) -> None:
    group = make_group()
    report = services.abuse_report_create(group=group, actor=resident, reason="政治的な宣伝です")
    assert list(selectors.open_abuse_reports()) == [report]
    with pytest.raises(PermissionDenied):
        services.abuse_report_resolve(report=report, actor=resident, resolution="")
    report = services.abuse_report_resolve(report=report, actor=coordinator, resolution="確認済み")
    assert report.status == AbuseReport.Status.RESOLVED
    assert not selectors.open_abuse_reports().exists()


def test_group_update_by_a_stranger_is_refused(make_group: Callable[..., CommunityGroup], resident: User) -> None:
    group = make_group()
    with pytest.raises(PermissionDenied):
        services.group_update(group=group, actor=resident, name="乗っ取り")


def test_renaming_an_approved_group_renames_its_organiser(make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group()
    owner = group.memberships.get().user
    services.group_update(group=group, actor=owner, name="新しい名前の会", name_kana="あたらしいなまえのかい")
    group.refresh_from_db()
    assert group.organizer is not None
    assert group.organizer.name == "新しい名前の会"
    assert selectors.group_search(selectors.GroupFilters(q="あたらしい")).groups == [group]


def test_two_groups_of_the_same_name_get_their_own_organisers(make_group: Callable[..., CommunityGroup]) -> None:
    first = make_group()
    second = make_group()
    assert first.organizer is not None
    assert second.organizer is not None
    assert first.organizer.pk != second.organizer.pk
    assert second.organizer.name == f"{second.name} ({second.pk})"
    owner = second.memberships.get().user
    services.group_update(group=second, actor=owner, fees="無料")
    second.organizer.refresh_from_db()
    assert second.organizer.name == f"{second.name} ({second.pk})"


def test_rebuilding_the_search_index_keeps_listed_groups_only(make_group: Callable[..., CommunityGroup]) -> None:
    from io import StringIO

    from django.core.management import call_command

    listed = make_group(name="下保谷ハイキングクラブ", name_kana="しもほうやはいきんぐくらぶ")
    make_group(name="下保谷ハイキング同好会", name_kana="しもほうやはいきんぐどうこうかい", approved=False)
    call_command("rebuild_search_index", stdout=StringIO())
    assert selectors.group_search(selectors.GroupFilters(q="はいきんぐ")).groups == [listed]


def test_with_moderation_an_event_waits_as_a_draft_until_the_coordinator_publishes_it(
    make_group: Callable[..., CommunityGroup], coordinator: User
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    starts = timezone.now() + timedelta(days=3)
    with override_settings(COMMUNITIES_POSTS_NEED_MODERATION=True):
        program = services.group_event_create(
            group=group, actor=owner, sessions=[services.event_session(starts, None)], title="清掃活動"
        )
    assert program.status == Program.Status.DRAFT
    assert list(selectors.events_for_moderation()) == [program]
    assert selectors.group_upcoming_events(group) == []
    with pytest.raises(PermissionDenied):
        services.group_event_approve(program=program, actor=owner)
    services.group_event_approve(program=program, actor=coordinator)
    assert [p.pk for p in selectors.group_upcoming_events(group)] == [program.pk]
