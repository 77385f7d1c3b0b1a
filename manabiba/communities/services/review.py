"""The coordinator's review: changes requested, resubmitted, approved (listed) or rejected."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import CommunityGroup
from manabiba.communities.permissions import can_edit_group, can_review_group
from manabiba.communities.services._common import (
    Actor,
    _group_link,
    _mail_group,
    _organizer_name,
    _require_reason,
    _site,
    _sync_organizer,
)
from manabiba.communities.services.search import group_reindex
from manabiba.core.audit import audit_log
from manabiba.programs import services as program_services
from manabiba.programs.models import Organizer


def _link_organizer(group: CommunityGroup) -> None:
    if group.organizer_id is None:
        group.organizer = program_services.organizer_get_or_create(
            kind=Organizer.Kind.GROUP, name=_organizer_name(group), name_kana=group.name_kana, url=group.website
        )
        group.save(update_fields=["organizer", "updated_at"])
    _sync_organizer(group)


def _transition(
    group: CommunityGroup, *, allowed_from: set[str], to: str, action: str, actor: Actor, reason: str = ""
) -> CommunityGroup:
    group = CommunityGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
    if group.status not in allowed_from:
        raise ValidationError(
            _("This group is %(status)s and cannot be changed that way.") % {"status": group.get_status_display()},
            code="status",
        )
    before = group.status
    group.status = to
    group.status_reason = reason
    if to == CommunityGroup.Status.APPROVED:
        group.approved_at = timezone.now()
        group.confirmed_at = group.approved_at
    group.save(update_fields=["status", "status_reason", "approved_at", "confirmed_at", "updated_at"])
    audit_log(action=action, actor=actor, target=group, data={"from": before, "to": to, "reason": reason})
    return group


@transaction.atomic
def group_request_changes(*, group: CommunityGroup, actor: User, reason: str) -> CommunityGroup:
    if not can_review_group(actor):
        raise PermissionDenied(_("Only the coordinator reviews groups."))
    reason = _require_reason(reason)
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.PENDING},
        to=CommunityGroup.Status.CHANGES_REQUESTED,
        action="communities.group.changes_requested",
        actor=actor,
        reason=reason,
    )

    _mail_group(group, "changes_requested", {"reason": reason, "link": _group_link(group)})
    return group


@transaction.atomic
def group_resubmit(*, group: CommunityGroup, actor: User) -> CommunityGroup:
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot change this group."))
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.CHANGES_REQUESTED},
        to=CommunityGroup.Status.PENDING,
        action="communities.group.resubmitted",
        actor=actor,
    )

    _mail_group(group, "resubmitted", {})
    return group


@transaction.atomic
def group_approve(*, group: CommunityGroup, actor: User) -> CommunityGroup:
    """List the group: it gets an organiser in the catalogue, and its members the group-organiser role."""
    if not can_review_group(actor):
        raise PermissionDenied(_("Only the coordinator reviews groups."))
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.PENDING, CommunityGroup.Status.CHANGES_REQUESTED},
        to=CommunityGroup.Status.APPROVED,
        action="communities.group.approved",
        actor=actor,
    )
    _link_organizer(group)
    group_reindex(group)

    page = _site(reverse("communities:detail", args=[group.pk]))
    _mail_group(group, "approved", {"page": page, "link": _group_link(group)})
    return group


@transaction.atomic
def group_reject(*, group: CommunityGroup, actor: User, reason: str) -> CommunityGroup:
    if not can_review_group(actor):
        raise PermissionDenied(_("Only the coordinator reviews groups."))
    reason = _require_reason(reason)
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.PENDING, CommunityGroup.Status.CHANGES_REQUESTED},
        to=CommunityGroup.Status.REJECTED,
        action="communities.group.rejected",
        actor=actor,
        reason=reason,
    )
    group_reindex(group)

    _mail_group(group, "rejected", {"reason": reason})
    return group
