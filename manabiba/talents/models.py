"""The talent bank (人材バンク): residents who offer to teach, and introductions through the office."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from manabiba.core.models import Area, TimeStampedModel, english_or
from manabiba.programs.models import Audience, Category, Program

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


class TimeSlot(models.TextChoices):
    """When a talent can come; the same words as the catalogue's time facet."""

    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    WEEKDAY_EVENING = "weekday_evening", _("weekday evening")
    WEEKEND = "weekend", _("weekend or holiday")


class HonorariumRate(TimeStampedModel):
    """One line of the city's honorarium scale (謝礼基準), kept by staff in the admin."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    max_per_hour = models.PositiveIntegerField(_("most per hour (yen)"))
    note = models.CharField(_("who it is for"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("honorarium rate")
        verbose_name_plural = _("honorarium scale")
        ordering = ["sort_order", "max_per_hour"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The line's name in the reader's language."""
        return english_or(self.name_en, self.name)


class TalentProfile(TimeStampedModel):
    """A registration card: what a resident can teach, screened by the coordinator, valid for a fiscal year."""

    class Status(models.TextChoices):
        AWAITING_CONSENT = "awaiting_consent", _("waiting for the instructor's consent")
        PENDING = "pending", _("waiting for screening")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("registered")
        DECLINED = "declined", _("declined")
        REMOVED = "removed", _("removed")

    # Empty only while a card a group filled in for its instructor waits for the instructor's consent.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="talent_profiles",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group_name = models.CharField(_("registered by the group"), max_length=200, blank=True)
    consented_at = models.DateTimeField(_("instructor consented"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name in furigana"), max_length=200)
    name_public = models.BooleanField(_("show my name"), default=True)
    categories = models.ManyToManyField(Category, verbose_name=_("fields"), related_name="+")
    teaches = models.TextField(_("what you can teach"))
    qualifications = models.TextField(_("qualifications"), blank=True)
    qualifications_public = models.BooleanField(_("show my qualifications"), default=True)
    experience = models.TextField(_("experience"), blank=True)
    experience_public = models.BooleanField(_("show my experience"), default=True)
    areas = models.ManyToManyField(Area, verbose_name=_("areas you can go to"), blank=True, related_name="+")
    # Days of the week as digits, Monday 0 ("05" = Monday and Saturday), as for community groups.
    days = models.CharField(_("days you can come"), max_length=7, blank=True)
    # Time slots as a comma-separated list of TimeSlot values, filterable with one LIKE.
    times = models.CharField(_("times you can come"), max_length=80, blank=True)
    availability_note = models.CharField(_("about when you can come"), max_length=200, blank=True)
    availability_public = models.BooleanField(_("show where and when I can come"), default=True)
    audiences = models.ManyToManyField(Audience, verbose_name=_("audiences"), blank=True, related_name="+")
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    honorarium_rate = models.ForeignKey(
        HonorariumRate,
        verbose_name=_("honorarium scale line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    honorarium_per_hour = models.PositiveIntegerField(_("honorarium wished per hour (yen)"), null=True, blank=True)
    honorarium_public = models.BooleanField(_("show the honorarium"), default=True)
    photo = models.ImageField(_("photo"), upload_to="talents/photos/%Y/%m/", blank=True)
    photo_alt = models.CharField(_("photo description"), max_length=300, blank=True)
    photo_public = models.BooleanField(_("show my photo"), default=True)
    # Contact details are never public: they go only to a requester the talent accepted, and to staff.
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    declared_at = models.DateTimeField(_("eligibility declared"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    reminded_days = models.PositiveSmallIntegerField(_("last reminder (days before)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("declined or removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        ordering = ["name_kana", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def public_name(self) -> str:
        """The name the directory shows: the person's, or a card number if they keep it private."""
        if self.name_public:
            return self.name
        talent = _("Talent")
        return f"{talent} T-{self.pk:04d}"

    @property
    def day_labels(self) -> list[str]:
        labels = dict(WEEKDAY_CHOICES)
        return [str(labels[day]) for day in self.days if day in labels]

    @property
    def time_labels(self) -> list[str]:
        labels = dict(TimeSlot.choices)
        return [str(labels[slot]) for slot in self.times.split(",") if slot in labels]


class IntroductionRequest(TimeStampedModel):
    """A resident, group, school or department asks the office to introduce a talent (紹介依頼)."""

    class RequesterKind(models.TextChoices):
        RESIDENT = "resident", _("resident")
        GROUP = "group", _("group")
        SCHOOL = "school", _("school")
        DEPARTMENT = "department", _("city department")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for the office")
        FORWARDED = "forwarded", _("forwarded to the talent")
        ACCEPTED = "accepted", _("accepted by the talent")
        DECLINED = "declined", _("declined by the talent")
        REFUSED = "refused", _("not forwarded by the office")

    class Satisfaction(models.IntegerChoices):
        VERY_GOOD = 5, _("very satisfied")
        GOOD = 4, _("satisfied")
        AVERAGE = 3, _("neither")
        POOR = 2, _("dissatisfied")
        VERY_POOR = 1, _("very dissatisfied")

    talent = models.ForeignKey(
        TalentProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="introductions"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_kind = models.CharField(_("who is asking"), max_length=20, choices=RequesterKind.choices)
    organisation = models.CharField(_("group, school or department"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    purpose = models.TextField(_("purpose"))
    dates = models.CharField(_("dates wished"), max_length=300)
    audience = models.CharField(_("audience"), max_length=200)
    expected_participants = models.PositiveIntegerField(_("expected participants"))
    budget = models.PositiveIntegerField(_("budget for the honorarium (yen)"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    status_reason = models.TextField(_("reason"), blank=True)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered by the talent"), null=True, blank=True)

    held = models.BooleanField(_("held"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    comment_public = models.BooleanField(_("the comment may be shown on the talent's page"), default=False)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    # Set when the contact details were blanked after the retention period; the figures stay.
    purged_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("introduction request")
        verbose_name_plural = _("introduction requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_requester_kind_display()}: {self.purpose[:40]}"

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED


class TalentLecture(models.Model):
    """A programme of the catalogue in which the talent taught: their history of lectures given.

    Recorded by the app that makes the programme (a citizen-proposal lecture names its lecturer),
    so the talent bank shows the history without knowing about proposals."""

    talent = models.ForeignKey(TalentProfile, on_delete=models.CASCADE, related_name="lectures")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="talent_lectures")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("lecture given")
        verbose_name_plural = _("lectures given")
        ordering = ["talent", "program"]
        constraints = [models.UniqueConstraint(fields=["talent", "program"], name="talents_lecture_once")]

    def __str__(self) -> str:
        return f"{self.talent}: {self.program}"
