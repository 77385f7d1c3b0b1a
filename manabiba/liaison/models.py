"""Liaison meetings of the departments' contacts (庁内連絡会議) and the action items they agree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.models import Department
from manabiba.core.models import TimeStampedModel


class LiaisonMeeting(TimeStampedModel):
    """A meeting of the departments' community-policy contacts, recorded by the coordinator."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"), db_index=True)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments attending"), blank=True, related_name="liaison_meetings"
    )
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("liaison meeting")
        verbose_name_plural = _("liaison meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class ActionItem(TimeStampedModel):
    """Something a meeting asked one department to do by a date; open until the department says it is done."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    meeting = models.ForeignKey(
        LiaisonMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("what to do"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        Department, verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="liaison_actions"
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", done_at__isnull=True)
                | models.Q(status="done", done_at__isnull=False),
                name="liaison_actionitem_done_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title
