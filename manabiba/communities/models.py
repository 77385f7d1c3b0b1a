"""The Community Activity Information Station: groups, their posts and followers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from manabiba.core.models import Area, TimeStampedModel
from manabiba.programs.models import Category, Organizer

MAX_FIELDS = 3
WEEKDAY_CHOICES = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


class CommunityGroup(TimeStampedModel):
    """A group listed on the station: applied for by a resident, approved by the coordinator."""

    class Kind(models.TextChoices):
        NPO = "npo", _("NPO corporation")
        VOLUNTEER = "volunteer", _("volunteer group")
        CULTURE = "culture", _("culture circle")
        SPORTS = "sports", _("sports circle")
        NEIGHBOURHOOD = "neighbourhood", _("neighbourhood association")
        SCHOOL = "school", _("PTA or school-related")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name in furigana"), max_length=300)
    kind = models.CharField(_("type of group"), max_length=20, choices=Kind.choices)
    categories = models.ManyToManyField(Category, verbose_name=_("fields of activity"), related_name="+")
    areas = models.ManyToManyField(Area, verbose_name=_("main areas"), blank=True, related_name="+")
    # Days of the week as digits, Monday 0 ("05" = Monday and Saturday): filterable with one LIKE.
    activity_days = models.CharField(_("days of activity"), max_length=7, blank=True)
    activity_days_note = models.CharField(_("when you meet"), max_length=200, blank=True)
    activity_place = models.CharField(_("where you meet"), max_length=200, blank=True)
    members_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    members_in_city = models.PositiveIntegerField(_("members living in the city"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded (year)"), null=True, blank=True)
    purpose = models.TextField(_("purpose"))
    activities = models.TextField(_("main activities"), help_text=_("Markdown"))
    fees = models.CharField(_("membership fees"), max_length=200, blank=True)
    how_to_join = models.TextField(_("how to join"), blank=True)
    website = models.URLField(_("website"), blank=True)
    social_links = models.TextField(_("social media links"), blank=True, help_text=_("One address per line."))

    representative_name = models.CharField(_("representative"), max_length=100)
    representative_public = models.BooleanField(_("show the representative's name"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_name_public = models.BooleanField(_("show the contact person's name"), default=False)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_email_public = models.BooleanField(_("show the contact e-mail"), default=False)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_phone_public = models.BooleanField(_("show the contact phone"), default=False)

    logo = models.ImageField(_("logo"), upload_to="communities/logos/%Y/%m/", blank=True)
    logo_alt = models.CharField(_("logo description"), max_length=300, blank=True)
    leaflet = models.FileField(_("leaflet (PDF)"), upload_to="communities/leaflets/%Y/%m/", blank=True)
    recruiting = models.BooleanField(_("recruiting members now"), default=False)

    rules_agreed_at = models.DateTimeField(_("agreed to the posting rules"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    organizer = models.OneToOneField(
        Organizer,
        verbose_name=_("organiser in the catalogue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_group",
    )

    # Freshness: once a year the group confirms it is still active.
    confirmed_at = models.DateTimeField(_("last confirmed active"), null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(_("confirmation asked for"), null=True, blank=True)
    unconfirmed_since = models.DateTimeField(_("marked unconfirmed"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden as inactive"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("community group")
        verbose_name_plural = _("community groups")
        ordering = ["name_kana", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.APPROVED and self.hidden_at is None

    @property
    def activity_day_labels(self) -> list[str]:
        labels = dict(WEEKDAY_CHOICES)
        return [str(labels[day]) for day in self.activity_days if day in labels]

    @property
    def social_link_list(self) -> list[str]:
        return [line.strip() for line in self.social_links.splitlines() if line.strip().startswith("https://")]


class Membership(TimeStampedModel):
    """Who runs a group's page: one owner, any number of editors."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        EDITOR = "editor", _("editor")

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="communities_membership_unique"),
            models.UniqueConstraint(
                fields=["group"], condition=models.Q(role="owner"), name="communities_membership_one_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.user} ({self.role})"


class Invitation(TimeStampedModel):
    """An invitation by e-mail to edit a group's page; the link carries a random token."""

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.group}: {self.email}"


class ActivityPost(TimeStampedModel):
    """What a group posts: a member recruitment (会員募集), an activity report, or a volunteer call.

    One model for the three, because they share the whole publishing workflow; a recruitment
    uses the ``who``/``conditions``/``how_to_join``/``until`` fields as well.
    """

    class Kind(models.TextChoices):
        RECRUITMENT = "recruitment", _("member recruitment")
        REPORT = "report", _("activity report")
        VOLUNTEER = "volunteer", _("volunteer call")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for moderation")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("unpublished by the coordinator")
        WITHDRAWN = "withdrawn", _("withdrawn by the group")

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown"))
    who = models.CharField(_("who you are looking for"), max_length=300, blank=True)
    conditions = models.CharField(_("conditions"), max_length=300, blank=True)
    how_to_join = models.TextField(_("how to join"), blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Photo(TimeStampedModel):
    """A photo of a group, or of one of its activity reports, with its thumbnail and description."""

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="photos")
    post = models.ForeignKey(ActivityPost, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="communities/photos/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="communities/thumbs/%Y/%m/")
    alt_text = models.CharField(_("photo description"), max_length=300)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.alt_text


class Follow(TimeStampedModel):
    """A resident follows a group and gets the weekly digest of its news."""

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_follows")
    digest = models.BooleanField(_("weekly digest"), default=True)
    last_digest_at = models.DateTimeField(_("news sent up to"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="communities_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.group}"


class ContactMessage(TimeStampedModel):
    """A message from a resident to a group, delivered to its editors' inbox and mail."""

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_name = models.CharField(_("your name"), max_length=100)
    sender_email = models.EmailField(_("your e-mail address"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class AbuseReport(TimeStampedModel):
    """A report that a group's page or post breaks the posting rules, for the moderation queue."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="abuse_reports")
    post = models.ForeignKey(
        ActivityPost, null=True, blank=True, on_delete=models.CASCADE, related_name="abuse_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("what is wrong"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("what was done"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.group}: {self.reason[:40]}"
