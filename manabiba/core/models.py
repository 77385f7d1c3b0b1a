"""Domain-free models every app builds on: timestamps, the audit log and the mail outbox."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One state change or one staff look at personal data, and who did it.

    ``target_type``/``target_id`` name the object without a foreign key, so that an entry
    outlives what it describes and ``core`` depends on no domain app.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    data: models.JSONField[Any] = models.JSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class OutboxMessage(TimeStampedModel):
    """A mail written in the same transaction as the change it reports, sent later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Area(models.Model):
    """A town (町名) of the city: where people live and where things happen."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    kana = models.CharField(_("reading"), max_length=100, blank=True)
    former_city = models.CharField(_("former city"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["sort_order", "kana", "name"]

    def __str__(self) -> str:
        return self.name


class SearchEntry(models.Model):
    """What one object (a programme, later a group) can be found by, pre-tokenised.

    The fields hold space-separated terms made by ``core.japanese``; the database's own
    full-text engine indexes them: an FTS5 table kept in step by triggers on SQLite, a
    generated, GIN-indexed ``tsvector`` column on PostgreSQL (both made in migrations, not
    declared here, because neither exists on the other database).
    """

    kind = models.CharField(_("kind"), max_length=100)
    object_id = models.BigIntegerField(_("object id"))
    title_terms = models.TextField(_("title terms"), blank=True)
    body_terms = models.TextField(_("body terms"), blank=True)
    venue_terms = models.TextField(_("venue terms"), blank=True)
    bigrams = models.TextField(_("bigrams"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="core_searchentry_unique_object")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
