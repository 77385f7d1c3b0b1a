"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "venues.booking.attendance": pgettext_lazy("audit action", "Recorded whether a group came"),
    "venues.booking.cancelled": pgettext_lazy("audit action", "Cancelled a room booking"),
    "venues.booking.confirmed": pgettext_lazy("audit action", "Confirmed a room booking"),
    "venues.booking.created": pgettext_lazy("audit action", "Booked a room"),
    "venues.booking.lapsed": pgettext_lazy("audit action", "An unconfirmed room booking lapsed"),
    "venues.booking.reminded": pgettext_lazy("audit action", "Reminded a group of a booking"),
    "venues.closure.removed": pgettext_lazy("audit action", "Removed a room closure"),
    "venues.closure.set": pgettext_lazy("audit action", "Closed a room"),
    "venues.frame.removed": pgettext_lazy("audit action", "Removed a time frame"),
    "venues.frame.set": pgettext_lazy("audit action", "Set a time frame"),
    "venues.frames.released": pgettext_lazy("audit action", "Released frames for booking"),
    "venues.group.approved": pgettext_lazy("audit action", "Approved a user group"),
    "venues.group.registered": pgettext_lazy("audit action", "A user group registered"),
    "venues.group.rejected": pgettext_lazy("audit action", "Declined a user group"),
    "venues.group.suspended": pgettext_lazy("audit action", "Suspended a user group"),
    "venues.lottery.changed": pgettext_lazy("audit action", "Changed a lottery entry"),
    "venues.lottery.entered": pgettext_lazy("audit action", "Entered a room lottery"),
    "venues.lottery.withdrawn": pgettext_lazy("audit action", "Withdrew a lottery entry"),
    "venues.penalty.given": pgettext_lazy("audit action", "Gave a user group a penalty"),
    "venues.personal_data.erased": pgettext_lazy("audit action", "Erased a person's room-booking data"),
    "venues.personal_data.viewed": pgettext_lazy("audit action", "Viewed room bookings' personal data"),
    "venues.project.closed": pgettext_lazy("audit action", "Closed a school project"),
    "venues.project.created": pgettext_lazy("audit action", "Started a school project"),
    "venues.regular.approved": pgettext_lazy("audit action", "Approved a regular booking"),
    "venues.regular.rejected": pgettext_lazy("audit action", "Declined a regular booking"),
    "venues.regular.requested": pgettext_lazy("audit action", "Asked for a regular booking"),
    "venues.room.followed": pgettext_lazy("audit action", "Followed a room's free frames"),
    "venues.room.unfollowed": pgettext_lazy("audit action", "Stopped following a room"),
    "venues.round.drawn": pgettext_lazy("audit action", "Drew a room lottery"),
    "venues.round.opened": pgettext_lazy("audit action", "Opened a room lottery round"),
    "venues.school_block.removed": pgettext_lazy("audit action", "Removed a school block"),
    "venues.school_block.set": pgettext_lazy("audit action", "Set a school block"),
    "venues.school_rules.set": pgettext_lazy("audit action", "Changed a school's rules"),
    "venues.volunteer.accepted": pgettext_lazy("audit action", "Accepted a volunteer"),
    "venues.volunteer.declined": pgettext_lazy("audit action", "Declined a volunteer"),
    "venues.volunteer.erased": pgettext_lazy("audit action", "Erased a volunteer's personal data"),
    "venues.volunteer.offered": pgettext_lazy("audit action", "Offered to volunteer"),
    "venues.volunteer.withdrawn": pgettext_lazy("audit action", "Withdrew a volunteer offer"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register("venues.usergroup", url=lambda group: reverse("staff_venues:group_review", args=[group.pk]))
    audit_targets_register(
        "venues.schoolproject", url=lambda project: reverse("staff_venues:project", args=[project.pk])
    )
