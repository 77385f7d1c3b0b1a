"""Facilities that host learning (公民館, 図書館, halls, schools) and their rooms."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from manabiba.core.models import Area, TimeStampedModel, english_or


class Facility(TimeStampedModel):
    class Kind(models.TextChoices):
        KOMINKAN = "kominkan", _("community centre (kominkan)")
        LIBRARY = "library", _("library")
        HALL = "hall", _("hall")
        CENTER = "center", _("citizen centre")
        COMMUNITY_CENTER = "community_center", _("community room")
        SCHOOL_ELEMENTARY = "school_elementary", _("elementary school")
        SCHOOL_JUNIOR_HIGH = "school_junior_high", _("junior high school")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kana = models.CharField(_("reading"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Opening days for room booking: weekdays as digits, Monday 0 ("0" = closed on Mondays).
    closed_weekdays = models.CharField(_("closed on weekdays"), max_length=7, blank=True)
    closed_on_holidays = models.BooleanField(_("closed on national holidays"), default=False)
    closed_at_year_end = models.BooleanField(_("closed from 29 December to 3 January"), default=True)
    # Facility staff manage their own facility's frames, closures and bookings.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("facility staff"), blank=True, related_name="facilities_managed"
    )

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["kind", "kana", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind in {self.Kind.SCHOOL_ELEMENTARY, self.Kind.SCHOOL_JUNIOR_HIGH}

    @property
    def coordinates(self) -> tuple[Decimal, Decimal] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class Room(TimeStampedModel):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Only rooms a group may book appear in the vacancy pages.
    bookable = models.BooleanField(_("can be booked"), default=False)
    fee_per_frame = models.PositiveIntegerField(_("fee per frame (yen)"), default=0)
    has_projector = models.BooleanField(_("projector"), default=False)
    has_kitchen = models.BooleanField(_("kitchen"), default=False)
    has_piano = models.BooleanField(_("piano"), default=False)
    is_tatami = models.BooleanField(_("tatami floor"), default=False)
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessibility = models.CharField(_("accessibility notes"), max_length=200, blank=True)
    accessibility_en = models.CharField(_("accessibility notes in English"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["facility", "name"]
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="facilities_room_unique")]

    def __str__(self) -> str:
        return f"{self.facility} {self.name}"

    @property
    def label(self) -> str:
        """The room's name in the reader's language (講座室 is "Lecture room" on English pages)."""
        return english_or(self.name_en, self.name)

    @property
    def accessibility_label(self) -> str:
        """The accessibility notes in the reader's language."""
        return english_or(self.accessibility_en, self.accessibility)

    @property
    def equipment(self) -> list[str]:
        """The room's equipment as translated words, in a fixed order."""
        names = [("has_projector", _("projector")), ("has_kitchen", _("kitchen")), ("has_piano", _("piano"))]
        names.append(("is_tatami", _("tatami floor")))
        return [str(label) for field, label in names if getattr(self, field)]


class TimeFrame(TimeStampedModel):
    """One bookable part of a facility's day (午前 9–12, 午後 13–17, 夜間 18–21), the same for its rooms."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="frames")
    name = models.CharField(_("name"), max_length=30)
    name_en = models.CharField(_("English name"), max_length=30, blank=True)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        verbose_name = _("time frame")
        verbose_name_plural = _("time frames")
        ordering = ["facility", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "starts_at"], name="facilities_timeframe_unique_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="facilities_timeframe_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    @property
    def label(self) -> str:
        """The frame's name in the reader's language (午前 is "Morning" on English pages)."""
        return english_or(self.name_en, self.name)


class Closure(TimeStampedModel):
    """A day a facility's rooms cannot be booked besides its regular closed days (maintenance, events)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField(_("date"))
    note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["facility", "day"]
        constraints = [models.UniqueConstraint(fields=["facility", "day"], name="facilities_closure_unique_day")]

    def __str__(self) -> str:
        return f"{self.facility} {self.day:%Y-%m-%d}"


class FeeExemption(TimeStampedModel):
    """An exemption category (減免) of a facility: a group in it pays ``percent`` less."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="exemptions")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    percent = models.PositiveSmallIntegerField(_("reduction (%)"))

    class Meta:
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")
        ordering = ["facility", "percent", "name"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "name"], name="facilities_feeexemption_unique_name"),
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="facilities_feeexemption_pct"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.percent}%)"

    @property
    def label(self) -> str:
        """The category's name in the reader's language."""
        return english_or(self.name_en, self.name)

    def amount_due(self, fee: int) -> int:
        # Yen are whole; a reduction rounds in the group's favour.
        return fee * (100 - self.percent) // 100
