"""Abuse reports: anyone reports a group or a post, the coordinator resolves them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import AbuseReport, ActivityPost, CommunityGroup
from manabiba.communities.permissions import can_moderate
from manabiba.communities.services._common import Actor, _rate_limit
from manabiba.core.audit import audit_log
from manabiba.core.ratelimit import allow_all

REPORT_LIMIT_PER_HOUR = 10


@transaction.atomic
def abuse_report_create(
    *,
    group: CommunityGroup,
    actor: Actor,
    reason: str,
    post: ActivityPost | None = None,
    client_ip: str | None = None,
) -> AbuseReport:
    """Anyone may report a group or a post to the coordinator; at most ten reports an hour per
    client address and, when signed in, per person, so the queue cannot be flooded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong.")})
    if post is not None and post.group_id != group.pk:
        raise ValidationError(_("This post is not the group's."), code="post")
    hits = [(_rate_limit("ip", scope="report", limit=REPORT_LIMIT_PER_HOUR), client_ip or "-")]
    if actor is not None and actor.is_authenticated:
        hits.append((_rate_limit("user", scope="report", limit=REPORT_LIMIT_PER_HOUR), str(actor.pk)))
    if not allow_all(hits):
        raise ValidationError(
            _("You have sent many reports in a short time. Please try again in an hour."), code="rate_limited"
        )
    report = AbuseReport.objects.create(
        group=group, post=post, reporter=actor if isinstance(actor, User) else None, reason=reason[:4000]
    )
    audit_log(action="communities.abuse.reported", actor=actor, target=report, data={"group": group.pk})
    return report


@transaction.atomic
def abuse_report_resolve(*, report: AbuseReport, actor: User, resolution: str) -> AbuseReport:
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the coordinator moderates posts."))
    updated = AbuseReport.objects.filter(pk=report.pk, status=AbuseReport.Status.OPEN).update(
        status=AbuseReport.Status.RESOLVED, resolution=resolution.strip(), resolved_by=actor
    )
    report.refresh_from_db()
    if updated:
        audit_log(action="communities.abuse.resolved", actor=actor, target=report, data={"resolution": resolution})
    return report
