"""Room booking: user groups registered to book (利用団体) and their bookings of a room's frames."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.core.models import TimeStampedModel
from manabiba.facilities.models import FeeExemption, Room, TimeFrame


class UserGroup(TimeStampedModel):
    """A group registered as a room user (利用団体登録): applied for by a resident, approved by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    name = models.CharField(_("group name"), max_length=200)
    # A group already listed on the community station registers under the same name.
    community_group = models.ForeignKey(
        "communities.CommunityGroup",
        verbose_name=_("community group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venue_groups",
    )
    representative_name = models.CharField(_("representative"), max_length=100)
    address = models.CharField(_("representative's address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail address"))
    members_count = models.PositiveIntegerField(_("members"))
    members_in_city = models.PositiveIntegerField(_("members who live, work or study in the city"))
    purpose = models.TextField(_("purpose of use"), max_length=2000)
    declared_at = models.DateTimeField(_("declaration made at"))
    # Normal forms for finding one group registered several times (see selectors.user_group_duplicates).
    representative_key = models.CharField(max_length=100, db_index=True, editable=False)
    address_key = models.CharField(max_length=200, db_index=True, editable=False)
    phone_key = models.CharField(max_length=30, db_index=True, editable=False)
    email_key = models.CharField(max_length=254, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("note to the group"), blank=True)

    class Meta:
        verbose_name = _("user group")
        verbose_name_plural = _("user groups")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Booking(TimeStampedModel):
    """One frame of one room on one day, held by a user group.

    The unique constraint on (room, day, frame) among booked rows is what makes double booking
    impossible, whichever way the booking came (online, by phone, at the counter, later a lottery).
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", pgettext_lazy("booking", "cancelled")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE = "phone", _("by phone")
        COUNTER = "counter", _("at the counter")

    class Source(models.TextChoices):
        FIRST_COME = "first_come", _("first come")
        LOTTERY = "lottery", _("lottery")
        REGULAR = "regular", _("regular weekly use")

    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="bookings")
    day = models.DateField(_("date"), db_index=True)
    frame = models.ForeignKey(TimeFrame, verbose_name=_("time frame"), on_delete=models.PROTECT, related_name="+")
    # The frame's times when booked: staff may change a frame later, a booking keeps what was agreed.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    group = models.ForeignKey(
        UserGroup, verbose_name=_("user group"), on_delete=models.PROTECT, related_name="bookings"
    )
    purpose = models.CharField(_("what the room is used for"), max_length=200)
    attendees = models.PositiveIntegerField(_("expected attendees"))
    fee = models.PositiveIntegerField(_("fee (yen)"))
    exemption = models.ForeignKey(
        FeeExemption,
        verbose_name=_("fee exemption"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exemption_percent = models.PositiveSmallIntegerField(_("reduction (%)"), default=0)
    amount_due = models.PositiveIntegerField(_("amount due (yen)"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.FIRST_COME)
    channel = models.CharField(_("booked"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["day", "starts_at", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "day", "frame"], condition=Q(status="booked"), name="venues_booking_one_per_frame"
            )
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.day:%Y-%m-%d} {self.frame.name}"
