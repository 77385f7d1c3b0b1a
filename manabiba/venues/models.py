"""Room booking: user groups registered to book (利用団体) and their bookings of a room's frames."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.core.models import TimeStampedModel
from manabiba.facilities.models import Facility, FeeExemption, Room, TimeFrame


class UserGroup(TimeStampedModel):
    """A group registered as a room user (利用団体登録): applied for by a resident, approved by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    name = models.CharField(_("group name"), max_length=200)
    # A group already listed on the community station registers under the same name.
    community_group = models.ForeignKey(
        "communities.CommunityGroup",
        verbose_name=_("community group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venue_groups",
    )
    representative_name = models.CharField(_("representative"), max_length=100)
    address = models.CharField(_("representative's address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail address"))
    members_count = models.PositiveIntegerField(_("members"))
    members_in_city = models.PositiveIntegerField(_("members who live, work or study in the city"))
    purpose = models.TextField(_("purpose of use"), max_length=2000)
    declared_at = models.DateTimeField(_("declaration made at"))
    # Normal forms for finding one group registered several times (see selectors.user_group_duplicates).
    representative_key = models.CharField(max_length=100, db_index=True, editable=False)
    address_key = models.CharField(max_length=200, db_index=True, editable=False)
    phone_key = models.CharField(max_length=30, db_index=True, editable=False)
    email_key = models.CharField(max_length=254, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("note to the group"), blank=True)
    # Set when penalty points reach the threshold: the group cannot book or enter lotteries until then.
    suspended_until = models.DateTimeField(_("booking rights suspended until"), null=True, blank=True)
    # For the 学校開放 rules of school rooms (SchoolOpeningRules): a group with members under 18 needs an
    # adult representative.
    has_minor_members = models.BooleanField(_("some members are under 18"), default=False)
    representative_is_adult = models.BooleanField(_("the representative is 18 or older"), default=True)

    class Meta:
        verbose_name = _("user group")
        verbose_name_plural = _("user groups")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Booking(TimeStampedModel):
    """One frame of one room on one day, held by a user group.

    The unique constraint on (room, day, frame) among booked rows is what makes double booking
    impossible, whichever way the booking came (online, by phone, at the counter, later a lottery).
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", pgettext_lazy("booking", "cancelled")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE = "phone", _("by phone")
        COUNTER = "counter", _("at the counter")

    class Source(models.TextChoices):
        FIRST_COME = "first_come", _("first come")
        LOTTERY = "lottery", _("lottery")
        REGULAR = "regular", _("regular weekly use")
        PROGRAMME = "programme", _("programme session")

    class CancelReason(models.TextChoices):
        GROUP = "group", _("cancelled by the group")
        LAPSED = "lapsed", _("lottery win not confirmed in time")
        SUSPENDED = "suspended", _("booking rights suspended")
        ERASED = "erased", _("account deleted")

    class Attendance(models.TextChoices):
        CAME = "came", _("came")
        NO_SHOW = "no_show", _("did not come (no-show)")

    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="bookings")
    day = models.DateField(_("date"), db_index=True)
    frame = models.ForeignKey(TimeFrame, verbose_name=_("time frame"), on_delete=models.PROTECT, related_name="+")
    # The frame's times when booked: staff may change a frame later, a booking keeps what was agreed.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Held by a user group, or by a programme for its sessions (never both, never neither).
    group = models.ForeignKey(
        UserGroup,
        verbose_name=_("user group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    # Not a session: the programmes app replaces a programme's sessions when they are edited, and the
    # frame a session holds must survive that; the booking is matched to the session by day and time.
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="room_bookings",
    )
    purpose = models.CharField(_("what the room is used for"), max_length=200)
    attendees = models.PositiveIntegerField(_("expected attendees"))
    fee = models.PositiveIntegerField(_("fee (yen)"))
    exemption = models.ForeignKey(
        FeeExemption,
        verbose_name=_("fee exemption"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exemption_percent = models.PositiveSmallIntegerField(_("reduction (%)"), default=0)
    amount_due = models.PositiveIntegerField(_("amount due (yen)"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.FIRST_COME)
    channel = models.CharField(_("booked"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # A lottery win holds its frame until ``confirm_by``; unconfirmed, it lapses (cancelled, reason lapsed).
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=10, choices=CancelReason.choices, blank=True, default=""
    )
    # Cancelled less than VENUES_LATE_CANCEL_DAYS before the start: a penalty point.
    cancelled_late = models.BooleanField(_("cancelled late"), default=False)
    # When the cancelled frame was released to first come after the hold-off (and followers told).
    released_at = models.DateTimeField(_("released to first come at"), null=True, blank=True)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices, blank=True, default="")
    attendance_marked_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["day", "starts_at", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "day", "frame"], condition=Q(status="booked"), name="venues_booking_one_per_frame"
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=False, program__isnull=True) | Q(group__isnull=True, program__isnull=False),
                name="venues_booking_group_or_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.day:%Y-%m-%d} {self.frame.name}"

    @property
    def holder(self) -> str:
        """Who holds the frame, as staff and the booking page show it."""
        if self.group is not None:
            return self.group.name
        return self.program.title if self.program is not None else ""


# --- schools (学校開放 and school-based community learning) ------------------------------------------


class SchoolBlock(TimeStampedModel):
    """A day a school's open rooms are closed to groups for a school event (運動会, 入学式, 学校公開)."""

    school = models.ForeignKey(
        Facility, verbose_name=_("school"), on_delete=models.CASCADE, related_name="school_blocks"
    )
    day = models.DateField(_("date"))
    event = models.CharField(_("school event"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("school calendar block")
        verbose_name_plural = _("school calendar blocks")
        ordering = ["school", "day"]
        constraints = [models.UniqueConstraint(fields=["school", "day"], name="venues_schoolblock_one_per_day")]

    def __str__(self) -> str:
        return f"{self.school} {self.day:%Y-%m-%d} {self.event}"


class SchoolOpeningRules(TimeStampedModel):
    """A school's 学校開放 rules: which user groups may use its open rooms."""

    school = models.OneToOneField(
        Facility, verbose_name=_("school"), on_delete=models.CASCADE, related_name="opening_rules"
    )
    min_members = models.PositiveIntegerField(_("at least this many members"), default=10)
    # "Mostly from the city": the share of members who live, work or study in the city.
    min_city_percent = models.PositiveSmallIntegerField(_("members from the city, at least (%)"), default=50)
    adult_representative_for_minors = models.BooleanField(
        _("a group with members under 18 needs an adult representative"), default=True
    )

    class Meta:
        verbose_name = _("school opening rules")
        verbose_name_plural = _("school opening rules")
        constraints = [
            models.CheckConstraint(condition=Q(min_city_percent__lte=100), name="venues_schoolrules_percent")
        ]

    def __str__(self) -> str:
        return str(self.school)


class SchoolProject(TimeStampedModel):
    """A school's community learning project: an after-school class, volunteers wanted, or an open lecture."""

    class Kind(models.TextChoices):
        AFTER_SCHOOL = "after_school", _("after-school class for children")
        VOLUNTEERS = "volunteers", _("volunteers wanted for school support")
        OPEN_LECTURE = "open_lecture", _("open lecture for residents")

    class Status(models.TextChoices):
        OPEN = "open", _("taking volunteers")
        CLOSED = "closed", pgettext_lazy("project", "closed")

    school = models.ForeignKey(
        Facility, verbose_name=_("school"), on_delete=models.PROTECT, related_name="school_projects"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it is"), max_length=4000)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    schedule = models.CharField(_("when"), max_length=200, help_text=_("For example: Wednesdays 15:00–16:30"))
    helpers_needed = models.PositiveIntegerField(_("helpers needed"), default=0)
    skills = models.CharField(_("skills wanted"), max_length=300, blank=True)
    # Fields of learning (the catalogue's categories): which talents of the talent bank to suggest.
    categories = models.ManyToManyField("programs.Category", verbose_name=_("fields"), blank=True, related_name="+")
    audience = models.CharField(_("for whom"), max_length=200)
    details_for_volunteers = models.TextField(
        _("details for accepted volunteers"),
        blank=True,
        max_length=4000,
        help_text=_("Where to come, whom to ask for, what to bring: sent to each volunteer the school accepts."),
    )
    # An open lecture is also a programme of the catalogue, organised by the school.
    program = models.OneToOneField(
        "programs.Program",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="school_project",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("school project")
        verbose_name_plural = _("school projects")
        ordering = ["first_day", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="venues_schoolproject_days")
        ]

    def __str__(self) -> str:
        return self.title


class ProjectVolunteer(TimeStampedModel):
    """Someone who offered to help with a school project: a resident, for a group, or as a talent."""

    class As(models.TextChoices):
        RESIDENT = "resident", _("as a resident")
        GROUP = "group", _("for a group")
        TALENT = "talent", _("as a talent-bank member")

    class Status(models.TextChoices):
        OFFERED = "offered", _("waiting for the school")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    project = models.ForeignKey(
        SchoolProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="volunteers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="school_volunteering",
    )
    offered_as = models.CharField(_("offered"), max_length=10, choices=As.choices, default=As.RESIDENT)
    group_name = models.CharField(_("group"), max_length=200, blank=True)
    talent = models.ForeignKey(
        "talents.TalentProfile",
        verbose_name=_("talent card"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    message = models.TextField(_("what you can do"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OFFERED)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project volunteer")
        verbose_name_plural = _("project volunteers")
        ordering = ["project", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=Q(status__in=["offered", "accepted"]),
                name="venues_projectvolunteer_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.name}"


class LotteryRound(TimeStampedModel):
    """The monthly lottery (抽選) of one facility's frames for one month, on the common timeline.

    Groups enter ranked wishes from ``opens_at`` to ``closes_at``; the draw runs at ``closes_at``
    and stores what it needs to be run again (``seed``, ``entries``, ``taken``, ``max_frames``);
    winners confirm by ``confirm_by``; the frames left open first come at ``first_come_at``.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("taking entries")
        DRAWN = "drawn", _("drawn")

    facility = models.ForeignKey(
        "facilities.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month drawn."))
    opens_at = models.DateTimeField(_("entries open at"))
    closes_at = models.DateTimeField(_("entries close and the draw runs at"))
    confirm_by = models.DateTimeField(_("winners confirm by"))
    first_come_at = models.DateTimeField(_("first come opens at"))
    max_wishes = models.PositiveSmallIntegerField(_("wishes per group"))
    max_frames = models.PositiveSmallIntegerField(_("frames a group can win"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    algorithm = models.CharField(_("algorithm"), max_length=30, blank=True)
    seed = models.CharField(_("seed"), max_length=128, blank=True)
    entries: models.JSONField[Any] = models.JSONField(_("entries"), default=list)
    taken: models.JSONField[Any] = models.JSONField(_("frames held before the draw"), default=list)
    ranking: models.JSONField[Any] = models.JSONField(_("drawn order"), default=list)
    winners: models.JSONField[Any] = models.JSONField(_("winning wishes"), default=list)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lottery round")
        verbose_name_plural = _("lottery rounds")
        ordering = ["-month", "facility"]
        constraints = [models.UniqueConstraint(fields=["facility", "month"], name="venues_round_one_per_month")]

    def __str__(self) -> str:
        return f"{self.facility} {self.month:%Y-%m}"


class LotteryEntry(TimeStampedModel):
    """One group's entry in a round: its ranked wishes. One entry per group and round."""

    round = models.ForeignKey(LotteryRound, on_delete=models.CASCADE, related_name="lottery_entries")
    group = models.ForeignKey(UserGroup, verbose_name=_("user group"), on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(
        _("entered"), max_length=10, choices=Booking.Channel.choices, default=Booking.Channel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(_("what the room is used for"), max_length=200)
    attendees = models.PositiveIntegerField(_("expected attendees"))
    results_sent_at = models.DateTimeField(_("results mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lottery entry")
        verbose_name_plural = _("lottery entries")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "group"], name="venues_entry_one_per_group")]

    def __str__(self) -> str:
        return f"{self.round} {self.group}"


class LotteryWish(models.Model):
    """One ranked wish of an entry: a frame of a room on a day."""

    class Result(models.TextChoices):
        PENDING = "pending", _("waiting for the draw")
        WON = "won", _("won")
        LOST = "lost", _("not drawn")

    entry = models.ForeignKey(LotteryEntry, on_delete=models.CASCADE, related_name="wishes")
    rank = models.PositiveSmallIntegerField(_("rank"))
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("date"))
    frame = models.ForeignKey(TimeFrame, verbose_name=_("time frame"), on_delete=models.CASCADE, related_name="+")
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.PENDING)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="wish")

    class Meta:
        verbose_name = _("lottery wish")
        verbose_name_plural = _("lottery wishes")
        ordering = ["entry", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "rank"], name="venues_wish_unique_rank"),
            models.UniqueConstraint(fields=["entry", "room", "day", "frame"], name="venues_wish_unique_frame"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}: {self.room} {self.day:%Y-%m-%d} {self.frame.name}"

    @property
    def item(self) -> str:
        """The frame as the pure draw sees it."""
        return f"{self.room_id}:{self.day:%Y-%m-%d}:{self.frame_id}"


class PenaltyPoint(models.Model):
    """A point against a group for a late cancellation or a no-show; enough points suspend it."""

    class Reason(models.TextChoices):
        LATE_CANCEL = "late", _("late cancellation")
        NO_SHOW = "no_show", _("no-show")

    group = models.ForeignKey(UserGroup, on_delete=models.CASCADE, related_name="penalty_points")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="penalty_points")
    reason = models.CharField(_("reason"), max_length=8, choices=Reason.choices)
    points = models.PositiveSmallIntegerField(_("points"))
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Points that led to a suspension are spent: the group starts again from zero afterwards.
    spent_at = models.DateTimeField(_("spent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("penalty point")
        verbose_name_plural = _("penalty points")
        ordering = ["-given_at"]
        constraints = [models.UniqueConstraint(fields=["booking", "reason"], name="venues_penalty_once_per_booking")]

    def __str__(self) -> str:
        return f"{self.group} {self.reason} {self.points}"


class RegularSlot(TimeStampedModel):
    """A regular weekly frame (定期利用) for a fiscal year, requested once a year, approved by staff and
    placed as bookings before each monthly lottery round."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    group = models.ForeignKey(UserGroup, verbose_name=_("user group"), on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("Monday 0 … Sunday 6"))
    frame = models.ForeignKey(TimeFrame, verbose_name=_("time frame"), on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("what the room is used for"), max_length=200)
    attendees = models.PositiveIntegerField(_("expected attendees"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("note to the group"), blank=True)

    class Meta:
        verbose_name = _("regular weekly slot")
        verbose_name_plural = _("regular weekly slots")
        ordering = ["fiscal_year", "room", "weekday", "frame"]
        constraints = [
            # Requested once a year: one request per group and fiscal year.
            models.UniqueConstraint(fields=["group", "fiscal_year"], name="venues_regular_once_a_year"),
            models.UniqueConstraint(
                fields=["fiscal_year", "room", "weekday", "frame"],
                condition=Q(status="approved"),
                name="venues_regular_one_per_frame",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.room} {self.weekday} {self.frame.name}"


class RoomFollow(models.Model):
    """A group that asked to be told when frames of a room are released."""

    group = models.ForeignKey(UserGroup, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("followed room")
        verbose_name_plural = _("followed rooms")
        constraints = [models.UniqueConstraint(fields=["group", "room"], name="venues_follow_once")]

    def __str__(self) -> str:
        return f"{self.group} → {self.room}"
