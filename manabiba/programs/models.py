"""Programmes, their sessions and organisers, and the classifications they are found by."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.accounts.models import Department
from manabiba.core.models import Area, TimeStampedModel, english_or
from manabiba.facilities.models import Facility, Room


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

    @property
    def label(self) -> str:
        """The field in the reader's language."""
        return english_or(self.name_en, str(self))


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

    @property
    def label(self) -> str:
        """The audience in the reader's language."""
        return english_or(self.name_en, self.name)


class Organizer(TimeStampedModel):
    """Who runs a programme: a city department, Yumecolab, a school, a community group or a citizen."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("city department")
        CENTER = "center", _("Citizen Collaboration Center (Yumecolab)")
        SCHOOL = "school", _("school")
        GROUP = "group", _("community group")
        CITIZEN = "citizen", _("citizen lecturer")
        OTHER = "other", _("other organisation")

    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("reading"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    facility = models.ForeignKey(
        Facility, verbose_name=_("school or facility"), null=True, blank=True, on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen lecturer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizers",
    )
    url = models.URLField(_("website"), blank=True)
    # Set by the open-data import for an organiser named only in another municipality's event list
    # (another city's fire brigade, say): it is no body of this city, so it is offered as no co-host.
    outside_city = models.BooleanField(_("of another municipality"), default=False)
    # People who run this organiser's programmes and see their applicants: a group's owner and
    # editors (kept in step by the communities app), or a citizen lecturer.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("editors"), blank=True, related_name="edited_organizers"
    )

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["kind", "name_kana", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="programs_organizer_unique")]

    def __str__(self) -> str:
        return self.name


class Program(TimeStampedModel):
    """A learning programme or event: a course of several sessions, a one-off event, and so on."""

    class Kind(models.TextChoices):
        COURSE = "course", _("course")
        EVENT = "event", _("event")
        EXCHANGE = "exchange", _("exchange meeting or training session")
        VOLUNTEER = "volunteer", _("volunteer activity")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("waiting for review")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")
        FINISHED = "finished", _("finished")

    class Fee(models.TextChoices):
        FREE = "free", _("free")
        PAID = "paid", _("fee")
        MATERIALS = "materials", _("materials only")

    class Application(models.TextChoices):
        NONE = "none", _("no application needed")
        SITE = "site", _("apply on this site")
        PHONE = "phone", _("apply by phone")
        POSTCARD = "postcard", _("apply by postcard")
        EXTERNAL = "external", _("apply on another site")

    title = models.CharField(_("title"), max_length=200)
    title_kana = models.CharField(_("title in kana"), max_length=400, blank=True)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    # やさしい日本語: a few short sentences for readers still learning Japanese (many residents born
    # abroad) and children; the programme page shows it, with furigana, behind its own switch.
    easy_summary = models.TextField(
        _("summary in easy Japanese"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Optional. A few short sentences in easy Japanese for residents still learning Japanese and for"
            " children: one thing per sentence, polite endings (desu, masu), everyday words rather than"
            " kanji-heavy ones, dates and times written out in full. The programme page shows it with"
            " furigana when the reader turns on easy Japanese."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    # A lecture a group or talent proposed and the city funds (市民提案講座); set by the proposals app.
    citizen_proposal = models.BooleanField(_("citizen-proposal lecture"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)

    organizer = models.ForeignKey(
        Organizer, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="programs"
    )
    co_organizers = models.ManyToManyField(
        Organizer, verbose_name=_("co-organisers"), blank=True, related_name="co_organized_programs"
    )
    categories = models.ManyToManyField(Category, verbose_name=_("fields"), blank=True, related_name="programs")
    audiences = models.ManyToManyField(Audience, verbose_name=_("audiences"), blank=True, related_name="programs")
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL)

    facility = models.ForeignKey(
        Facility, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="programs"
    )
    room = models.ForeignKey(Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.SET_NULL)
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online"), default=False)

    # The field is the fee (参加費); its choice PAID reads 有料.
    fee = models.CharField(
        pgettext_lazy("programme field", "fee"), max_length=20, choices=Fee.choices, default=Fee.FREE
    )
    fee_amount = models.PositiveIntegerField(_("fee in yen"), null=True, blank=True)
    fee_note = models.CharField(_("about the fee"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    min_participants = models.PositiveIntegerField(_("minimum enrolment"), null=True, blank=True)

    application = models.CharField(
        _("how to apply"), max_length=20, choices=Application.choices, default=Application.NONE
    )
    application_url = models.URLField(_("application page"), blank=True)
    application_note = models.TextField(_("how to apply, in detail"), blank=True)
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close_at = models.DateTimeField(_("applications close"), null=True, blank=True, db_index=True)

    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    wheelchair_accessible = models.BooleanField(_("wheelchair access"), default=False)
    childcare_available = models.BooleanField(_("childcare available"), default=False)
    sign_language = models.BooleanField(_("sign language interpretation"), default=False)
    accessibility_notes = models.TextField(_("accessibility and support"), blank=True)

    image = models.ImageField(_("image"), upload_to="programs/images/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    flyer = models.FileField(_("flyer (PDF)"), upload_to="programs/flyers/%Y/%m/", blank=True)

    # Denormalised from the sessions by the services, for sorting and filtering without joins.
    first_starts_at = models.DateTimeField(_("first session"), null=True, blank=True, db_index=True)
    last_ends_at = models.DateTimeField(_("last session ends"), null=True, blank=True, db_index=True)
    # The start of the first session that has not ended (the last session's start once all have):
    # what "starting soon" sorts by, so that a long course is not listed by its first meeting.
    # Kept by the services when sessions change and each day by ``manabiba finish_programs``.
    next_starts_at = models.DateTimeField(_("next session"), null=True, blank=True)

    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Where an imported programme came from, so that importing the same file again changes nothing.
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_key = models.CharField(_("key at the source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["first_starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~models.Q(source=""),
                name="programs_program_source_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(min_participants__isnull=True)
                | models.Q(capacity__isnull=True)
                | models.Q(min_participants__lte=models.F("capacity")),
                name="programs_program_min_within_capacity",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "first_starts_at"]),
            models.Index(fields=["status", "next_starts_at"], name="programs_status_next_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def venue_label(self) -> str:
        if self.facility_id is not None:
            assert self.facility is not None
            return venue_label(self.facility.name, self.room.name if self.room else "", False, "")
        return venue_label(None, "", self.is_online, self.venue_name)


def venue_label(facility_name: str | None, room_name: str, is_online: bool, venue_name: str) -> str:
    """Where a programme takes place, in words: the facility (and room), else the place written in,
    else "online". A function of plain values, for lists read without model instances."""
    if facility_name is not None:
        return f"{facility_name} {room_name}" if room_name else facility_name
    if is_online and not venue_name:
        return str(_("online"))
    return venue_name


@dataclass(frozen=True)
class SessionTimes:
    """A session's times as plain values: given to the services that write sessions, or read
    without a model instance for a catalogue card."""

    starts_at: datetime
    ends_at: datetime | None = None
    note: str = ""


_Timed = TypeVar("_Timed", "ProgramSession", SessionTimes)


def next_of_sessions(sessions: Sequence[_Timed], now: datetime) -> _Timed | None:
    """Of a programme's ``sessions`` in order, the one a resident can still go to (the last one once
    all are over): a course that began months ago and still meets weekly is shown by its next
    meeting, not by its first."""
    for session in sessions:
        if (session.ends_at or session.starts_at) >= now:
            return session
    return sessions[-1] if sessions else None


# A session whose time is not known (an open-data row that gives only a date) is stored from
# midnight, and one spanning several days without an end time ends at 23:59. Pages say 時間未定 and
# feeds write the day alone for these, never a midnight that nobody announced.
TIME_UNKNOWN_START = time(0, 0)
TIME_UNKNOWN_END = time(23, 59)


class ProgramSession(models.Model):
    """One meeting of a programme (第N回). Day and time band are stored for fast facets."""

    class TimeBand(models.TextChoices):
        MORNING = "morning", _("morning")
        AFTERNOON = "afternoon", _("afternoon")
        EVENING = "evening", _("evening")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    local_date = models.DateField(_("date"), db_index=True)
    weekday = models.PositiveSmallIntegerField(_("day of the week"))  # Monday 0 … Sunday 6, in Tokyo
    time_band = models.CharField(_("time of day"), max_length=10, choices=TimeBand.choices)
    is_day_off = models.BooleanField(_("weekend or holiday"), default=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["local_date", "program"]), models.Index(fields=["program", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="programs_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def start_time_known(self) -> bool:
        return timezone.localtime(self.starts_at).time() != TIME_UNKNOWN_START

    @property
    def end_time_known(self) -> bool:
        return self.ends_at is not None and timezone.localtime(self.ends_at).time() != TIME_UNKNOWN_END

    @property
    def end_local_date(self) -> date:
        return timezone.localtime(self.ends_at or self.starts_at).date()


class ClashAcknowledgement(TimeStampedModel):
    """An editor was told that a programme shares area, audience and time band with others on the same
    or the next day, and saved it anyway, saying why (the planning calendar and the audit log show it).
    """

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="clash_acknowledgements"
    )
    others = models.ManyToManyField(Program, verbose_name=_("clashing programmes"), related_name="+")
    note = models.TextField(_("note"), max_length=2000)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("clash acknowledgement")
        verbose_name_plural = _("clash acknowledgements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.program} ({self.created_at:%Y-%m-%d})"
