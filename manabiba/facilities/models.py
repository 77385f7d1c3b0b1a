"""Facilities that host learning (公民館, 図書館, halls, schools) and their rooms."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from manabiba.core.models import Area, TimeStampedModel


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
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["facility", "name"]
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="facilities_room_unique")]

    def __str__(self) -> str:
        return f"{self.facility} {self.name}"
