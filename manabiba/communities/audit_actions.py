"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "communities.abuse.reported": pgettext_lazy("audit action", "Reported a post or group"),
    "communities.abuse.resolved": pgettext_lazy("audit action", "Resolved a report"),
    "communities.digest.unsubscribed": pgettext_lazy("audit action", "Stopped the weekly digest"),
    "communities.event.approved": pgettext_lazy("audit action", "Approved a group's event"),
    "communities.event.created": pgettext_lazy("audit action", "A group added an event"),
    "communities.group.applied": pgettext_lazy("audit action", "A group applied to be listed"),
    "communities.group.approved": pgettext_lazy("audit action", "Approved a group"),
    "communities.group.changes_requested": pgettext_lazy("audit action", "Asked a group for changes"),
    "communities.group.confirmation_requested": pgettext_lazy(
        "audit action", "Asked a group whether it is still active"
    ),
    "communities.group.confirmed_active": pgettext_lazy("audit action", "A group confirmed it is still active"),
    "communities.group.followed": pgettext_lazy("audit action", "Followed a group"),
    "communities.group.hidden_inactive": pgettext_lazy("audit action", "Hid a group that did not confirm it is active"),
    "communities.group.marked_unconfirmed": pgettext_lazy("audit action", "Marked a group as not confirmed"),
    "communities.group.rejected": pgettext_lazy("audit action", "Declined a group"),
    "communities.group.resubmitted": pgettext_lazy("audit action", "A group sent its changes"),
    "communities.group.unfollowed": pgettext_lazy("audit action", "Stopped following a group"),
    "communities.group.updated": pgettext_lazy("audit action", "Updated a group's page"),
    "communities.invitation.created": pgettext_lazy("audit action", "Invited someone to a group"),
    "communities.membership.joined": pgettext_lazy("audit action", "Joined a group"),
    "communities.membership.left": pgettext_lazy("audit action", "Left a group"),
    "communities.membership.removed": pgettext_lazy("audit action", "Removed a member from a group"),
    "communities.message.sent": pgettext_lazy("audit action", "Sent a message to a group"),
    "communities.ownership.transferred": pgettext_lazy("audit action", "Handed over a group"),
    "communities.personal_data.erased": pgettext_lazy("audit action", "Erased a person's group data"),
    "communities.personal_data.viewed": pgettext_lazy("audit action", "Viewed a group's personal data"),
    "communities.photo.added": pgettext_lazy("audit action", "Added a photo"),
    "communities.post.approved": pgettext_lazy("audit action", "Approved a post"),
    "communities.post.published": pgettext_lazy("audit action", "Published a post"),
    "communities.post.submitted": pgettext_lazy("audit action", "Sent a post for approval"),
    "communities.post.unpublished": pgettext_lazy("audit action", "Took a post down"),
    "communities.post.withdrawn": pgettext_lazy("audit action", "Withdrew a post"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "communities.communitygroup", url=lambda group: reverse("staff_communities:group", args=[group.pk])
    )
