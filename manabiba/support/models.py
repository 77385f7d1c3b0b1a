"""Support requests (地域活動支援): a group asks the city for help with an activity; the coordinator
splits the request into tasks for departments; the group follows one request and one thread."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.accounts.models import Department
from manabiba.communities.models import CommunityGroup
from manabiba.core.inbound_mail import reply_address_for
from manabiba.core.models import TimeStampedModel


class Kind(models.TextChoices):
    """What a group may ask help with; a task is about one of them."""

    VENUE = "venue", _("a venue")
    PUBLICITY = "publicity", _("publicity")
    LECTURER = "lecturer", _("a lecturer")
    GRANT = "grant", _("a grant")
    PERMIT = "permit", _("a permit")
    SAFETY = "safety", _("safety advice")


class SupportRequest(TimeStampedModel):
    """One request for help from a group (a neighbourhood association is a group of that kind)."""

    class Status(models.TextChoices):
        NEW = "new", _("received, to be split")
        IN_PROGRESS = "in_progress", _("with the departments")
        ANSWERED = "answered", _("every part answered")
        CLOSED = "closed", _("closed")

    group = models.ForeignKey(
        CommunityGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    # Kept when the group is gone, so the city's record still says who asked.
    group_name = models.CharField(_("group name"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    language = models.CharField(_("language for mail"), max_length=8, default="ja")
    title = models.CharField(_("activity"), max_length=200)
    # Codes of ``Kind``, in the order asked: a request may need several kinds of help.
    kinds: models.JSONField[list[str]] = models.JSONField(_("help needed with"), default=list)
    description = models.TextField(_("description"))
    starts_on = models.DateField(_("first day of the activity"))
    ends_on = models.DateField(_("last day of the activity"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    # The token in the reply address of every mail to the group: replies land in the thread.
    reply_token = models.CharField(max_length=32, unique=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    # The public case study: only with the group's consent, recorded with who gave it and when.
    case_consent_at = models.DateTimeField(_("consent to publish given at"), null=True, blank=True)
    case_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case_title = models.CharField(_("case study title"), max_length=200, blank=True)
    case_summary = models.TextField(_("case study"), blank=True)
    case_published_at = models.DateTimeField(_("case study published at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """S2026-000012: the year it was asked and its number, quoted in mail and on the phone."""
        year = timezone.localtime(self.created_at).year if self.created_at else timezone.localdate().year
        return f"S{year}-{self.pk or 0:06d}"

    @property
    def reply_address(self) -> str:
        return reply_address_for(self.reply_token)

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(Kind.choices)
        return [str(labels[code]) for code in self.kinds if code in labels]


class SupportTask(TimeStampedModel):
    """One department's part of a request: what it is asked to do, and its answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DECLINED = "declined", pgettext_lazy("support task", "declined")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="support_tasks"
    )
    kind = models.CharField(_("help with"), max_length=20, choices=Kind.choices)
    instructions = models.TextField(_("what the department is asked to do"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("support task")
        verbose_name_plural = _("support tasks")
        ordering = ["request", "id"]
        indexes = [models.Index(fields=["department", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.request}: {self.department} ({self.get_kind_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in TASK_OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


TASK_OPEN_STATUSES = frozenset({SupportTask.Status.OPEN, SupportTask.Status.IN_PROGRESS})


class SupportMessage(TimeStampedModel):
    """One entry of a request's thread: the group's, the city's, an internal note or a change."""

    class Kind(models.TextChoices):
        GROUP = "group", _("from the group")
        STAFF = "staff", _("from the city")
        NOTE = "note", _("internal note")
        EVENT = "event", _("change")

    class Via(models.TextChoices):
        WEB = "web", _("web")
        EMAIL = "email", _("e-mail")
        API = "api", _("API")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    # A staff message or note may be about one part; the group then sees which.
    task = models.ForeignKey(
        SupportTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages", verbose_name=_("part")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.WEB)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL
    )
    body = models.TextField(_("message"))
    # The Message-ID of a mail that brought it, so a mailbox read twice adds nothing twice.
    mail_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("support message")
        verbose_name_plural = _("support messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "mail_id"], condition=~models.Q(mail_id=""), name="support_message_mail_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        """What the group sees: its own messages, the city's, and changes of state (never notes)."""
        return self.kind != self.Kind.NOTE
