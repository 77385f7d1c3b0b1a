"""Domain-free models every app builds on: timestamps, the audit log and the mail outbox."""

import uuid
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
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


def outbox_message_id() -> str:
    """A fresh Message-ID header for an outgoing mail, at the sender's domain."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "manabiba.invalid"
    return f"<{uuid.uuid4().hex}.outbox@{domain}>"


class OutboxMessage(TimeStampedModel):
    """A mail written in the same transaction as the change it reports, sent later.

    A sender claims a message by moving it from ``pending`` to ``sending`` with a conditional
    UPDATE that stores its ``claim_token`` and a ``lease_expires_at``; no row lock is held while
    it talks to the mail server. A sender that dies leaves the claim behind until the lease
    expires, and the message is then tried again (see ``core.mail``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    # [{"filename": ..., "mimetype": ..., "content": base64 of the bytes}]
    attachments: models.JSONField[Any] = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Where the recipient's answer goes, e.g. a consultation's own inbound address.
    reply_to = models.EmailField(_("reply to"), blank=True)
    # A list mail's one-click unsubscribe link (core.unsubscribe): sent as List-Unsubscribe with
    # List-Unsubscribe-Post (RFC 8058), so the mail program can offer its own unsubscribe button.
    list_unsubscribe = models.URLField(_("unsubscribe link"), max_length=1000, blank=True)
    # The Message-ID header, the same on every attempt, so that a copy sent twice can be recognised.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, default=outbox_message_id)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
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
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kana = models.CharField(_("reading"), max_length=100, blank=True)
    former_city = models.CharField(_("former city"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["sort_order", "kana", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language: the town's romanised name on English pages."""
        return english_or(self.name_en, self.name)


class SearchEntry(models.Model):
    """What one object (a programme, later a group) can be found by, pre-tokenised.

    The fields hold space-separated terms made by ``core.japanese``; the database's own
    full-text engine indexes them: a contentless FTS5 table kept in step by triggers on SQLite
    (its rowid is the entry's rank key), a generated, GIN-indexed ``tsvector`` column on
    PostgreSQL (both made in migrations, not declared here, because neither exists on the other
    database; see migration 0004_search_rank_key).
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


class FigureVersion(models.Model):
    """Bumped when rows a report section reads change for a fiscal year (see ``core.figures``).

    A kept section (``FigureSnapshot``) is served only while the token it was computed under is
    still this row's token, so a change of the data retires it in the same commit."""

    source = models.CharField(_("figure source"), max_length=100)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("figure version")
        verbose_name_plural = _("figure versions")
        constraints = [
            models.UniqueConstraint(fields=["source", "fiscal_year"], name="core_figureversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} FY{self.fiscal_year}: {self.token}"


class FigureSnapshot(models.Model):
    """One app's report section for one fiscal year and filter, as computed, kept to be read back.

    ``token`` is the ``FigureVersion`` token read before computing (empty when the year had none);
    a snapshot whose token is no longer current is never served, only recomputed. ``code`` is the
    fingerprint of the code and the catalogue that counted it (``core.figures.figures_code``): a
    snapshot counted by other code (a deployment since) is not served either."""

    source = models.CharField(_("figure source"), max_length=100)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    slice_key = models.CharField(_("filter"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    token = models.CharField(_("token"), max_length=32, blank=True)
    code = models.CharField(_("code fingerprint"), max_length=16, blank=True)
    section = models.JSONField(_("section"), null=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    compute_ms = models.PositiveIntegerField(_("milliseconds to compute"), default=0)

    class Meta:
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "slice_key", "language", "source"], name="core_figuresnapshot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} FY{self.fiscal_year} {self.slice_key} {self.language}"


def english_or(english: str, japanese: str) -> str:
    """``english`` on a page in English (when there is one), else ``japanese``: reference data's labels."""
    language = translation.get_language() or ""
    return english if english and language.startswith("en") else japanese
