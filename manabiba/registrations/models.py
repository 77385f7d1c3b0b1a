"""Applications for programmes: first come, lottery, waiting list, attendance.

Seats are counted in party sizes. A registration holds seats while it is ``confirmed`` or
``offered`` (a place kept for someone who must still accept it). Allocation is decided by the
services in ``services.py`` under a lock on the programme's row; nothing here decides anything.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from manabiba.core.models import Area, TimeStampedModel
from manabiba.programs.models import Program, ProgramSession


def default_retention_months() -> int:
    """``REGISTRATION_RETENTION_MONTHS`` from the settings: how long registrants' personal data is kept."""
    return settings.REGISTRATION_RETENTION_MONTHS


class RegistrationSettings(TimeStampedModel):
    """How one programme takes registrations. A programme without a row uses the defaults."""

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", _("first come, first served")
        LOTTERY = "lottery", _("lottery")

    class NotDrawn(models.TextChoices):
        WAITLIST = "waitlist", _("put on the waiting list in drawn order")
        RELEASE = "release", _("released")

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="registration_settings")
    allocation = models.CharField(
        _("allocation"), max_length=20, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    not_drawn = models.CharField(
        _("people not drawn are"), max_length=20, choices=NotDrawn.choices, default=NotDrawn.WAITLIST
    )
    max_party_size = models.PositiveSmallIntegerField(_("largest party"), default=1)
    asks_participant_age = models.BooleanField(
        _("ask each participant's age"),
        default=False,
        help_text=_("For programmes whose participants must be of a certain age, e.g. parent-and-child classes."),
    )
    confirm_within_days = models.PositiveSmallIntegerField(
        _("winners confirm within (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when winners need not confirm."),
    )
    offer_expiry_hours = models.PositiveSmallIntegerField(
        _("offers to the waiting list expire after (hours)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to promote the next person on the waiting list at once."),
    )
    cancellation_cutoff_hours = models.PositiveIntegerField(
        _("residents may cancel until (hours before the first session)"), default=24
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep registrants' personal data for (months after the end)"), default=default_retention_months
    )
    draw_at = models.DateTimeField(
        _("the draw runs at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to draw as soon as applications close."),
    )
    # Work done once, recorded so that the periodic command stays idempotent.
    below_minimum_at = models.DateTimeField(_("flagged below minimum enrolment at"), null=True, blank=True)
    minimum_decided_at = models.DateTimeField(_("minimum enrolment decided at"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")
        constraints = [
            models.CheckConstraint(condition=Q(max_party_size__gte=1), name="registrations_settings_party_positive")
        ]

    def __str__(self) -> str:
        return str(self.program)

    @property
    def is_lottery(self) -> bool:
        return self.allocation == self.Allocation.LOTTERY


class PriorityRule(models.Model):
    """One priority tier of a lottery (優先): tier 1 is drawn before tier 2, and so on.

    An applicant's tier is the lowest tier of the rules they meet; someone who meets none comes
    after every tier.
    """

    class Criterion(models.TextChoices):
        CITY_RESIDENT = "city_resident", _("lives in the city")
        CITY_WORKER = "city_worker", _("works in the city")
        CITY_STUDENT = "city_student", _("studies in the city")
        FIRST_TIMER = "first_timer", _("first-time participant")
        EVERY_SESSION = "every_session", _("can attend every session")

    settings = models.ForeignKey(RegistrationSettings, on_delete=models.CASCADE, related_name="priority_rules")
    criterion = models.CharField(_("who"), max_length=20, choices=Criterion.choices)
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)

    class Meta:
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority rules")
        ordering = ["tier", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["settings", "criterion"], name="registrations_priority_unique"),
            models.CheckConstraint(condition=Q(tier__gte=1), name="registrations_priority_tier_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier}: {self.get_criterion_display()}"


class RegistrationQuestion(models.Model):
    """A question of the programme's own application form (e.g. a child's age, previous experience)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        CHOICE = "choice", _("choice")
        NUMBER = "number", _("number")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="registration_questions")
    key = models.SlugField(_("key"), max_length=50, help_text=_("The name of the answer in the API."))
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices: models.JSONField[Any] = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.IntegerField(_("smallest number"), null=True, blank=True)
    max_value = models.IntegerField(_("largest number"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("longest answer"), default=500)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="registrations_question_key_unique")]

    def __str__(self) -> str:
        return self.label


class Registration(TimeStampedModel):
    """One application to a programme, by a resident online or by staff on someone's behalf."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied (waiting for the draw)")
        CONFIRMED = "confirmed", _("confirmed")
        OFFERED = "offered", _("place offered, waiting for confirmation")
        WAITLISTED = "waitlisted", _("on the waiting list")
        NOT_DRAWN = "not_drawn", _("not drawn")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("offer expired")

    class Channel(models.TextChoices):
        WEB = "web", _("online")
        DESK = "desk", _("at the desk")
        PHONE = "phone", _("by phone")
        POSTCARD = "postcard", _("by postcard")

    # Statuses that hold seats, and statuses that still count as the person's one registration.
    SEATED = frozenset({Status.CONFIRMED, Status.OFFERED})
    ACTIVE = frozenset({Status.APPLIED, Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED, Status.NOT_DRAWN})

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    party_size = models.PositiveSmallIntegerField(_("number of people"), default=1)
    answers: models.JSONField[Any] = models.JSONField(_("answers"), default=dict, blank=True)
    waitlist_position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    tier = models.PositiveSmallIntegerField(_("priority tier"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    # Who applied and how (代理申込).
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("agreed to the privacy notice at"), null=True, blank=True)
    check_in_code = models.CharField(_("check-in code"), max_length=8, db_index=True)

    # Personal data, copied at application (so desk registrations without an account look the
    # same) and removed by the retention purge.
    full_name = models.CharField(_("name"), max_length=100)
    full_name_kana = models.CharField(_("name in furigana"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language for mail"), max_length=8, default="ja")

    # What priority and the anonymous figures are computed from.
    lives_in_city = models.BooleanField(_("lives in the city"), default=False)
    works_in_city = models.BooleanField(_("works in the city"), default=False)
    studies_in_city = models.BooleanField(_("studies in the city"), default=False)
    first_timer = models.BooleanField(_("first-time participant"), default=False)
    attends_every_session = models.BooleanField(_("can attend every session"), default=False)
    age_band = models.CharField(_("age band"), max_length=10, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL)
    # Who this is, for counting different people (実人数) and nothing else: an HMAC of the person
    # (account, else e-mail or phone) under the secret salt of the programme's fiscal year
    # (``FiscalYearSalt``), set at application and by ``registrations_person_tokens_fill``. Copied
    # into the ``ParticipationFigure`` at the purge; see docs/reports.md, "Unique participants".
    person_token = models.CharField(_("person token"), max_length=64, blank=True, editable=False, db_index=True)
    person_token_year = models.PositiveSmallIntegerField(
        _("fiscal year of the person token"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["program", "id"]
        constraints = [
            # One active registration per person per programme: the database, not a check, decides.
            models.UniqueConstraint(
                fields=["program", "user"],
                condition=Q(user__isnull=False)
                & Q(status__in=["applied", "confirmed", "offered", "waitlisted", "not_drawn"]),
                name="registrations_one_active_per_person",
            ),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="registrations_party_positive"),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="registrations_waitlist_position_iff_waitlisted",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.program} #{self.pk}"

    @property
    def holds_seats(self) -> bool:
        return self.status in self.SEATED

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class RegistrationParticipant(models.Model):
    """One person an application covers (参加者), by name and, where the programme asks, age.

    A registration of party size N has N participants, position 1 first (by default the applicant).
    Personal data: removed with the registration by the retention purge and when the applicant's
    account is deleted; seen only by staff who may see the programme's registrants (logged).
    """

    MAX_AGE = 120

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="participants")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("people named in an application", "participant")
        verbose_name_plural = pgettext_lazy("people named in an application", "participants")
        ordering = ["registration", "position"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "position"], name="registrations_participant_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="registrations_participant_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}/{self.position}"

    @property
    def label(self) -> str:
        """The name, with the age when given: 山田 花子（8歳）."""
        if self.age is None:
            return self.name
        return gettext("%(name)s (age %(age)s)") % {"name": self.name, "age": self.age}


class LotteryDraw(models.Model):
    """One draw (抽選) of a programme, with what is needed to run it again and get the same result.

    ``entries`` lists every applicant as drawn (registration id, tier, seats), ``ranking`` the
    registration ids in drawn order, ``winners`` those given a place. ``lottery_verify`` re-runs the
    allocation from ``seed``, ``entries`` and ``capacity`` and compares.
    """

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="lottery_draw")
    algorithm = models.CharField(_("algorithm"), max_length=20, default="hmac-sha256-v1")
    seed = models.CharField(_("seed"), max_length=128)
    capacity = models.PositiveIntegerField(_("seats drawn"), null=True, blank=True)
    entries: models.JSONField[Any] = models.JSONField(_("entries"), default=list)
    ranking: models.JSONField[Any] = models.JSONField(_("drawn order"), default=list)
    winners: models.JSONField[Any] = models.JSONField(_("winners"), default=list)
    tier_counts: models.JSONField[Any] = models.JSONField(_("counts per tier"), default=dict)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.program} {self.drawn_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """Whether one registrant came to one session (出欠)."""

    class Method(models.TextChoices):
        CODE = "code", _("check-in code")
        ROSTER = "roster", _("roster")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(ProgramSession, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"), default=True)
    method = models.CharField(_("recorded by"), max_length=10, choices=Method.choices, default=Method.ROSTER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "registration"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="registrations_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session}"


class ParticipationFigure(models.Model):
    """What is kept of one registration after its personal data is removed: no name, no contact."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participation_figures")
    channel = models.CharField(_("channel"), max_length=20, choices=Registration.Channel.choices)
    final_status = models.CharField(_("final status"), max_length=20, choices=Registration.Status.choices)
    party_size = models.PositiveSmallIntegerField(_("number of people"))
    tier = models.PositiveSmallIntegerField(_("priority tier"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL)
    lives_in_city = models.BooleanField(_("lives in the city"), default=False)
    works_in_city = models.BooleanField(_("works in the city"), default=False)
    studies_in_city = models.BooleanField(_("studies in the city"), default=False)
    first_timer = models.BooleanField(_("first-time participant"), default=False)
    sessions_attended = models.PositiveSmallIntegerField(_("sessions attended"), default=0)
    attended = models.BooleanField(_("attended"), default=False)
    registered_month = models.DateField(_("month of application"))
    # The registration's person token, kept so that different people can still be counted once the
    # personal data is gone; empty for figures kept before tokens existed (their year's count of
    # different people is then unknown).
    person_token = models.CharField(_("person token"), max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("participation figure")
        verbose_name_plural = _("participation figures")
        ordering = ["program", "id"]

    def __str__(self) -> str:
        return f"{self.program}: {self.final_status}"


class FiscalYearSalt(models.Model):
    """The secret of one fiscal year's person tokens (``Registration.person_token``).

    Made when the year's first token is; destroyed (``salt`` emptied, ``destroyed_at`` set) once the
    year is over and none of its registrations keeps personal data, after which nobody, not even
    someone holding the account table, can tell whose a kept token was. Tokens of different years
    are made under different salts, so they cannot be matched across years. Never shown anywhere.
    """

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    salt = models.CharField(_("salt"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fiscal year salt")
        verbose_name_plural = _("fiscal year salts")
        ordering = ["fiscal_year"]

    def __str__(self) -> str:
        return str(self.fiscal_year)
