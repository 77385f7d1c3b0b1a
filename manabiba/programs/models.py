"""Programmes and their classifications. This issue lays the classifications only."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A field of learning (分野), from MEXT's classification: major field, optional minor."""

    major = models.CharField(_("field"), max_length=50)
    minor = models.CharField(_("sub-field"), max_length=50, blank=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["sort_order"]
        constraints = [models.UniqueConstraint(fields=["major", "minor"], name="programs_category_unique")]

    def __str__(self) -> str:
        return f"{self.major} / {self.minor}" if self.minor else self.major


class Audience(models.Model):
    """Who a programme is for (対象), from MEXT's list."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name
