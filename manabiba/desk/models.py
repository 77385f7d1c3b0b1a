"""The one-stop desk's calendar: opening hours, exceptions, the staff roster and appointments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from manabiba.core.models import TimeStampedModel


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyHours(TimeStampedModel):
    """One range of the regular week (a weekday may have several: 10:00–12:00 and 13:00–17:00)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("regular opening hours")
        verbose_name_plural = _("regular opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="desk_weeklyhours_closes_after_opens"
            ),
            models.UniqueConstraint(fields=["weekday", "opens_at"], name="desk_weeklyhours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class SpecialDay(TimeStampedModel):
    """A date that does not follow the regular week: closed, or open with its own hours.

    It overrides everything else, including a national holiday and the year-end closure.
    """

    day = models.DateField(_("date"), unique=True)
    is_closed = models.BooleanField(_("closed all day"), default=False)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_closed=True, opens_at__isnull=True, closes_at__isnull=True)
                | Q(is_closed=False, opens_at__isnull=False, closes_at__isnull=False, closes_at__gt=F("opens_at")),
                name="desk_specialday_closed_or_hours",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class Shift(TimeStampedModel):
    """A staff member at the desk from ``starts_at`` to ``ends_at``."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="desk_shifts"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="desk_shift_ends_after_starts")
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.person_id}"


class Appointment(TimeStampedModel):
    """An in-person consultation at the desk in one slot.

    A slot has one or more seats (one per counter, or per staff member on shift); the unique
    constraint on (slot, seat) among booked appointments is what makes double booking impossible.
    """

    class Topic(models.TextChoices):
        LEARNING = "learning", _("What to learn")
        GROUP = "group", _("Finding a group")
        LECTURER = "lecturer", _("Becoming a lecturer")
        FACILITY = "facility", _("Using a facility")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE = "phone", _("by phone")
        COUNTER = "counter", _("at the counter")

    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    seat = models.PositiveSmallIntegerField(_("seat"), default=1)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_appointments",
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language for mail"), max_length=8, default="ja")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    channel = models.CharField(_("booked"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "seat"]
        constraints = [
            models.UniqueConstraint(
                fields=["starts_at", "seat"], condition=Q(status="booked"), name="desk_appointment_one_per_seat"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="desk_appointment_ends_after_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} #{self.seat}"


class DeskContact(TimeStampedModel):
    """Where the desk is and how to reach it: one row, edited by staff, shown on /desk/, in every
    page's footer and on the consultation pages. Loaded from ``desk/reference/contact.csv`` when empty."""

    name = models.CharField(_("name of the desk"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_note = models.CharField(
        _("about the phone number"), max_length=100, blank=True, help_text=_("For example: the city's main number.")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    map_url = models.URLField(
        _("map link"),
        blank=True,
        help_text=_("A plain link to a map service. Left empty, the address is looked up on OpenStreetMap."),
    )
    access = models.TextField(_("how to get there"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("desk contact details")
        verbose_name_plural = _("desk contact details")

    def __str__(self) -> str:
        return self.name
