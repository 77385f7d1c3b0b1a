"""Freshness: a group confirms once a year that it is still active, or is marked and then hidden."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import CommunityGroup
from manabiba.communities.permissions import can_edit_group
from manabiba.communities.services._common import Actor, _mail_group, _site
from manabiba.communities.services.search import group_reindex
from manabiba.core.audit import audit_log

CONFIRM_SALT = "manabiba.communities.confirm-active"


def confirm_every() -> timedelta:
    return timedelta(days=settings.COMMUNITIES_CONFIRM_EVERY_DAYS)


def mark_after() -> timedelta:
    """How long after the yearly mail an unanswered group is marked as unconfirmed."""
    return timedelta(days=settings.COMMUNITIES_CONFIRM_MARK_DAYS)


def hide_after() -> timedelta:
    """How long after the yearly mail an unanswered group is hidden (the grace period)."""
    return timedelta(days=settings.COMMUNITIES_CONFIRM_HIDE_DAYS)


def confirmation_token(group: CommunityGroup) -> str:
    assert group.confirmation_requested_at is not None
    return signing.dumps(
        {"group": group.pk, "asked": int(group.confirmation_requested_at.timestamp())}, salt=CONFIRM_SALT
    )


def _mark_confirmed(group: CommunityGroup, actor: Actor, via: str) -> CommunityGroup:
    was_hidden = group.hidden_at is not None
    group.confirmed_at = timezone.now()
    group.confirmation_requested_at = None
    group.unconfirmed_since = None
    group.hidden_at = None
    group.save(
        update_fields=["confirmed_at", "confirmation_requested_at", "unconfirmed_since", "hidden_at", "updated_at"]
    )
    if was_hidden:
        group_reindex(group)
    audit_log(action="communities.group.confirmed_active", actor=actor, target=group, data={"via": via})
    return group


@transaction.atomic
def group_confirm_active_by_token(*, token: str) -> CommunityGroup:
    """The one-click link in the yearly mail: the group is still active."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=int(hide_after().total_seconds()) * 2)
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid or has expired."), code="invalid") from error
    group = CommunityGroup.objects.select_for_update(of=("self",)).filter(pk=data["group"]).first()
    if group is None or group.status != CommunityGroup.Status.APPROVED:
        raise ValidationError(_("This link is not valid or has expired."), code="invalid")
    asked = group.confirmation_requested_at
    if asked is None or int(asked.timestamp()) != data["asked"]:
        # Confirmed already (this link or another way): nothing more to do.
        return group
    return _mark_confirmed(group, None, "link")


@transaction.atomic
def group_confirm_active(*, group: CommunityGroup, actor: User) -> CommunityGroup:
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot change this group."))
    group = CommunityGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
    return _mark_confirmed(group, actor, "page")


@dataclass(frozen=True)
class FreshnessRun:
    asked: int
    marked: int
    hidden: int


def groups_confirm_active_run(*, now: datetime | None = None) -> FreshnessRun:
    """The daily freshness step: ask groups a year after their last confirmation, mark those that do not
    answer within a month, hide those that do not answer within the grace period. Idempotent."""
    now = now or timezone.now()
    approved = CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED)
    asked = marked = hidden = 0
    due = approved.filter(confirmation_requested_at__isnull=True, confirmed_at__lte=now - confirm_every())
    for group_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            group = (
                CommunityGroup.objects.select_for_update(of=("self",))
                .filter(pk=group_id, confirmation_requested_at__isnull=True)
                .first()
            )
            if group is None:
                continue
            group.confirmation_requested_at = now
            group.save(update_fields=["confirmation_requested_at", "updated_at"])
            link = _site(reverse("communities:confirm_active", args=[confirmation_token(group)]))
            audit_log(action="communities.group.confirmation_requested", actor=None, target=group)

            _mail_group(group, "confirm_active", {"link": link, "days": hide_after().days})
            asked += 1
    with transaction.atomic():
        to_mark = approved.filter(
            unconfirmed_since__isnull=True, confirmation_requested_at__lte=now - mark_after()
        ).select_for_update(of=("self",))
        for group in to_mark:
            group.unconfirmed_since = now
            group.save(update_fields=["unconfirmed_since", "updated_at"])
            audit_log(action="communities.group.marked_unconfirmed", actor=None, target=group)
            marked += 1
    with transaction.atomic():
        to_hide = approved.filter(
            hidden_at__isnull=True, confirmation_requested_at__lte=now - hide_after()
        ).select_for_update(of=("self",))
        for group in to_hide:
            group.hidden_at = now
            if group.unconfirmed_since is None:
                group.unconfirmed_since = now
            group.save(update_fields=["hidden_at", "unconfirmed_since", "updated_at"])
            group_reindex(group)
            audit_log(action="communities.group.hidden_inactive", actor=None, target=group)
            hidden += 1
    return FreshnessRun(asked=asked, marked=marked, hidden=hidden)
