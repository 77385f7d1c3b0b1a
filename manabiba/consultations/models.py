"""Learning consultations: residents ask, staff answer and route them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from manabiba.accounts.models import Department
from manabiba.core.inbound_mail import reply_address_for
from manabiba.core.models import TimeStampedModel
from manabiba.programs.models import Program


class Topic(models.TextChoices):
    LEARN = "learn", _("what to learn")
    GROUP = "group", _("finding a group")
    LECTURER = "lecturer", _("becoming a lecturer")
    FACILITY = "facility", _("using a facility")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    """How the consultation reached the city."""

    WEB = "web", _("online form")
    # 「電話」: the way it came, not 「電話番号」, the field of the same English word.
    PHONE = "phone", pgettext_lazy("way of contact", "phone")
    COUNTER = "counter", _("at the desk")
    API = "api", _("another system (API)")


class ReplyChannel(models.TextChoices):
    EMAIL = "email", _("by e-mail")
    PHONE = "phone", _("by phone")
    DESK = "desk", _("at the desk")


class Consultation(TimeStampedModel):
    """One question from a resident and everything said about it (学習相談)."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING = "waiting_for_resident", _("waiting for the resident")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    body = models.TextField(_("question"))
    reply_channel = models.CharField(_("how we should reply"), max_length=10, choices=ReplyChannel.choices)
    preferred_times = models.CharField(_("good times to reach you"), max_length=200, blank=True)
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language for mail"), max_length=8, default="ja")
    # The resident's link to the thread, and the token in the reply address of every mail.
    access_token = models.CharField(max_length=64, unique=True, editable=False)
    reply_token = models.CharField(max_length=32, unique=True, editable=False)
    # Guests confirm their e-mail address first; until then staff do not see the consultation.
    confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.NEW)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_consultations",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The response target: the clock stops while the city waits for the resident.
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting for the resident since"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    first_response_on_time = models.BooleanField(_("first answer on time"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # The random key of the confirmation page it was sent from: sent twice (a reload, a double
    # click), the question is still asked once (the database, not a check, decides).
    submission_key = models.CharField(_("submission key"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("learning consultation")
        verbose_name_plural = _("learning consultations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"], condition=~models.Q(submission_key=""), name="consultations_submitted_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["last_activity_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_at is not None and self.due_at < timezone.now()

    @property
    def status_for_resident(self) -> str:
        """The status as the person who asked reads it about their own question: 「あなたのご返信待ち」,
        not the staff's 「市民の方の返答待ち」; 「受付済み」 rather than 「新規」."""
        if self.status == self.Status.WAITING:
            return pgettext("consultation status, to the person who asked", "waiting for your reply")
        if self.status == self.Status.NEW:
            return pgettext("consultation status, to the person who asked", "received")
        return str(self.get_status_display())

    @property
    def reply_address(self) -> str:
        """Where the resident's e-mail replies go: ``reply+<token>@domain`` (it names this consultation only)."""
        return reply_address_for(self.reply_token)


# The statuses in which the city owes the resident an answer (the clock runs).
OPEN_STATUSES = frozenset({Consultation.Status.NEW, Consultation.Status.IN_PROGRESS})


class ReferenceCounter(models.Model):
    """The last reference number given out in a year: 2026-000123."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Message(TimeStampedModel):
    """One entry of a consultation's thread."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("from the resident")
        REPLY = "reply", _("reply to the resident")
        NOTE = "note", _("internal note")
        EVENT = "event", _("change")

    class Via(models.TextChoices):
        WEB = "web", _("web")
        EMAIL = "email", _("e-mail")
        PHONE = "phone", pgettext_lazy("way of contact", "phone")
        COUNTER = "counter", _("at the desk")
        API = "api", _("API")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.WEB)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL
    )
    body = models.TextField(_("message"))
    programs = models.ManyToManyField(Program, verbose_name=_("recommended programmes"), blank=True)
    # The Message-ID of a mail that brought it, so a mailbox read twice adds nothing twice.
    mail_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "mail_id"],
                condition=~models.Q(mail_id=""),
                name="consultations_message_mail_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation}: {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind in {self.Kind.RESIDENT, self.Kind.REPLY}


class CannedReply(TimeStampedModel):
    """A reply staff start from, for questions that come often."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
