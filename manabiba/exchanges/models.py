"""Exchange meetings (交流会・活動発表会・情報交換会) and joint training sessions (合同研修).

A meeting is a ``Program`` of kind ``exchange``; this app adds what such a programme has beyond
the catalogue: groups presenting their activity in a timetable, tables at an information-exchange
fair, groups registering how many members come (through ``registrations``), presenters' materials,
the generations involved, introductions between groups afterwards and a short survey.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from manabiba.communities.models import CommunityGroup
from manabiba.core.models import TimeStampedModel
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration


class Generation(models.TextChoices):
    """The generations the plan's "exchange between generations" counts. Stored as one letter each,
    so a set of them is a short string filtered with one ``LIKE`` (as groups' activity days are)."""

    CHILDREN = "c", _("children")
    STUDENTS = "s", _("students")
    WORKING = "w", _("working age")
    SENIORS = "o", _("seniors")


def generations_label(codes: str) -> list[str]:
    labels = dict(Generation.choices)
    return [str(labels[code]) for code in Generation.values if code in codes]


class ExchangeMeeting(TimeStampedModel):
    """What makes an ``exchange`` programme a meeting: its format and its rules."""

    class Format(models.TextChoices):
        MEETING = "meeting", _("exchange meeting or activity presentations")
        FAIR = "fair", _("information-exchange fair")
        TRAINING = "training", _("joint training session")

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="exchange_meeting")
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.MEETING)
    stages = models.CharField(
        _("rooms or stages"),
        max_length=300,
        default="",
        blank=True,
        help_text=_("One per line, e.g. the main hall and a seminar room."),
    )
    groups_only = models.BooleanField(
        _("only for members of registered groups"),
        default=False,
        help_text=_("Individuals cannot apply; groups register how many of their members come."),
    )
    presentations_open = models.BooleanField(_("groups may apply to present"), default=True)
    tables_open = models.BooleanField(_("groups may apply for a table"), default=False)
    timetable_published_at = models.DateTimeField(_("timetable published at"), null=True, blank=True)
    survey_sent_at = models.DateTimeField(_("survey sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange meeting")
        verbose_name_plural = _("exchange meetings")

    def __str__(self) -> str:
        return str(self.program)

    @property
    def stage_list(self) -> list[str]:
        return [line.strip() for line in self.stages.splitlines() if line.strip()]

    @property
    def is_training(self) -> bool:
        return self.format == self.Format.TRAINING


class Presentation(TimeStampedModel):
    """A group's application to present its activity (活動発表), decided by the coordinator."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("waiting for a decision")
        ACCEPTED = "accepted", _("accepted")
        WAITLISTED = "waitlisted", _("on the waiting list")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="presentations")
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="presentations")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    minutes_needed = models.PositiveSmallIntegerField(_("minutes needed"))
    generations = models.CharField(_("generations involved"), max_length=4, blank=True)
    equipment = models.CharField(_("equipment needed"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("note to the group"), max_length=300, blank=True)
    # The presenter's consent to show their materials on the meeting's page once it is over.
    materials_public = models.BooleanField(_("show our materials on the meeting's page afterwards"), default=False)
    time_mailed_at = models.DateTimeField(_("time mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        ordering = ["program", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "group"], name="exchanges_presentation_one_per_group"),
            models.CheckConstraint(
                condition=Q(minutes_needed__gte=1) & Q(minutes_needed__lte=240),
                name="exchanges_presentation_minutes_range",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def generation_labels(self) -> list[str]:
        return generations_label(self.generations)


class TimetableSlot(models.Model):
    """One slot of the timetable on a stage: a presentation, or a break (when it has none)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="timetable_slots")
    stage = models.CharField(_("room or stage"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    presentation = models.OneToOneField(
        Presentation, null=True, blank=True, on_delete=models.CASCADE, related_name="slot"
    )
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("For a break, e.g. 休憩."))
    # Slots are added and removed, never edited: a presenter whose slot is newer than the last mail
    # is mailed their time again when the timetable is published.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("timetable slot")
        verbose_name_plural = _("timetable slots")
        ordering = ["starts_at", "stage", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="exchanges_slot_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.starts_at:%H:%M}"

    @property
    def is_break(self) -> bool:
        return self.presentation_id is None


class FairTable(TimeStampedModel):
    """A group's table at an information-exchange fair (情報交換会): applied for, then placed."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("waiting for a decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="fair_tables")
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="fair_tables")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shows = models.CharField(_("what you will show"), max_length=300)
    generations = models.CharField(_("generations involved"), max_length=4, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    table_label = models.CharField(_("table"), max_length=20, blank=True, help_text=_("e.g. A-3"))

    class Meta:
        verbose_name = _("fair table")
        verbose_name_plural = _("fair tables")
        ordering = ["program", "table_label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "group"], name="exchanges_table_one_per_group"),
            models.UniqueConstraint(
                fields=["program", "table_label"], condition=~Q(table_label=""), name="exchanges_table_label_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table_label or '-'} {self.group}"


class GroupAttendance(TimeStampedModel):
    """A group registering how many of its members come, held as one registration of that party size."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="group_attendances")
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="exchange_attendances")
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_attendance"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.PositiveSmallIntegerField(_("members coming"))
    generations = models.CharField(_("generations"), max_length=4, blank=True)
    # Recorded by the coordinator on the day (joint training keeps attendance per group).
    members_present = models.PositiveSmallIntegerField(_("members present"), null=True, blank=True)

    class Meta:
        verbose_name = _("group attendance")
        verbose_name_plural = _("group attendance")
        ordering = ["program", "group__name_kana"]
        constraints = [
            models.UniqueConstraint(fields=["program", "group"], name="exchanges_attendance_one_per_group"),
            models.CheckConstraint(condition=Q(members__gte=1), name="exchanges_attendance_members_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.group} × {self.members}"

    @property
    def generation_labels(self) -> list[str]:
        return generations_label(self.generations)


class Material(TimeStampedModel):
    """Slides or a flyer a presenter uploads (a checked PDF or a re-encoded image)."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("image")

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="exchanges/materials/%Y/%m/")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["presentation", "created_at"]

    def __str__(self) -> str:
        return self.title


class IntroductionRequest(TimeStampedModel):
    """After a meeting, a group asks to be introduced to another it met there, through the group's
    contact form (the other group answers if it wishes; no address is shown to either)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="exchange_introductions")
    from_group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="+")
    to_group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message"), max_length=2000)

    class Meta:
        verbose_name = _("introduction request")
        verbose_name_plural = _("introduction requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "from_group", "to_group"], name="exchanges_introduction_once"),
            models.CheckConstraint(condition=~Q(from_group=models.F("to_group")), name="exchanges_introduction_other"),
        ]

    def __str__(self) -> str:
        return f"{self.from_group} → {self.to_group}"


class SurveyResponse(TimeStampedModel):
    """One attendee's answer to the short survey after a meeting (anonymous: no name is kept)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="exchange_survey_responses")
    # The registration the survey link was mailed for, so that one link answers once. Cleared when
    # the registration goes (retention purge, erasure): the answer stays, anonymous.
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="exchange_survey_response"
    )
    satisfaction = models.PositiveSmallIntegerField(_("how satisfied were you"))
    met_other_generations = models.BooleanField(_("talked with people of another generation"), default=False)
    new_contacts = models.BooleanField(_("made a contact with another group"), default=False)
    comment = models.TextField(_("comments"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["program", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5), name="exchanges_survey_satisfaction_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} #{self.pk}"
