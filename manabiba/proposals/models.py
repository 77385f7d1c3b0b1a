"""Citizen-proposal lectures (市民提案講座): calls for proposals, proposals (企画提案書) and their review."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from manabiba.communities.models import CommunityGroup
from manabiba.core.models import TimeStampedModel
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration
from manabiba.talents.models import TalentProfile


class ProposalCall(TimeStampedModel):
    """One round of the call (募集), with the rules every proposal is checked against before submission."""

    class Term(models.TextChoices):
        FIRST = "first", _("first half of the year")
        SECOND = "second", _("second half of the year")

    name = models.CharField(_("name"), max_length=200)
    term = models.CharField(_("term"), max_length=10, choices=Term.choices)
    opens_on = models.DateField(_("proposals open"))
    closes_on = models.DateField(_("deadline"))
    lectures_from = models.DateField(_("lectures from"))
    lectures_until = models.DateField(_("lectures until"))
    # Who may propose: a group of at least min_members, most of them living in the city, or a talent.
    groups_may_propose = models.BooleanField(_("groups may propose"), default=True)
    min_members = models.PositiveSmallIntegerField(_("least members in a group"), default=5)
    talents_may_propose = models.BooleanField(_("registered talents may propose"), default=True)
    sessions_min = models.PositiveSmallIntegerField(_("fewest sessions"), default=1)
    sessions_max = models.PositiveSmallIntegerField(_("most sessions"), default=5)
    hours_per_session_max = models.DecimalField(
        _("most hours per session"), max_digits=3, decimal_places=1, default=Decimal("2.0")
    )
    # The fee rule: participants pay costs only (materials), never more than this.
    fee_max_per_person = models.PositiveIntegerField(_("most a participant pays for costs (yen)"), default=0)
    themes = models.TextField(_("preferred themes"), blank=True)
    honorarium_budget = models.PositiveIntegerField(_("honorarium budget (yen)"))
    lectures_funded = models.PositiveSmallIntegerField(_("lectures funded"))

    class Meta:
        verbose_name = _("proposal call")
        verbose_name_plural = _("proposal calls")
        ordering = ["-opens_on", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def honorarium_max_per_lecture(self) -> int:
        """The budget shared between the lectures funded: no one proposal may plan more."""
        return self.honorarium_budget // max(self.lectures_funded, 1)


class Proposal(TimeStampedModel):
    """A proposal form (企画提案書): a draft until submitted, then reviewed, decided and scheduled."""

    class Kind(models.TextChoices):
        GROUP = "group", _("a group")
        TALENT = "talent", _("a registered talent")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in review")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        SCHEDULED = "scheduled", _("scheduled in the catalogue")

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("accept")
        ACCEPT_WITH_CONDITIONS = "conditions", _("accept with conditions")
        DECLINE = "decline", _("decline")

    class LecturerStatus(models.TextChoices):
        REQUESTED = "requested", _("lecturer asked")
        ARRANGING = "arranging", _("being arranged")
        NOT_YET = "not_yet", _("not yet asked")

    call = models.ForeignKey(ProposalCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="proposals")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposer"), on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(_("proposed by"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(
        CommunityGroup, verbose_name=_("group"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The proposer's own card when a talent proposes.
    talent = models.ForeignKey(
        TalentProfile, verbose_name=_("talent"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(_("reference number"), max_length=20, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)

    group_name = models.CharField(_("group name"), max_length=200, blank=True)
    representative = models.CharField(_("representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded (year)"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    members_in_city = models.PositiveIntegerField(_("members living in the city"), null=True, blank=True)
    record = models.TextField(_("purpose and record of activity"), blank=True)
    other_subsidies = models.TextField(_("other subsidies received"), blank=True)

    title = models.CharField(_("lecture title"), max_length=200)
    aim = models.TextField(_("aim of the lecture"), blank=True)
    lecturer_talent = models.ForeignKey(
        TalentProfile,
        verbose_name=_("lecturer from the talent bank"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    lecturer_name = models.CharField(_("lecturer's name"), max_length=100, blank=True)
    lecturer_title = models.CharField(_("lecturer's title"), max_length=200, blank=True)
    lecturer_profile = models.TextField(_("lecturer's profile"), blank=True)
    lecturer_status = models.CharField(
        _("lecturer's status"), max_length=10, choices=LecturerStatus.choices, default=LecturerStatus.NOT_YET
    )
    honorarium_planned = models.PositiveIntegerField(_("honorarium planned (yen)"), default=0)
    hours_per_session = models.DecimalField(
        _("hours per session"), max_digits=3, decimal_places=1, default=Decimal("2.0")
    )
    fee_per_person = models.PositiveIntegerField(_("fee per participant for costs (yen)"), default=0)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    appeal = models.TextField(_("appeal"), blank=True)

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Set when the participant survey went out after the last session, so it goes once.
    survey_sent_at = models.DateTimeField(_("survey sent"), null=True, blank=True)
    program = models.OneToOneField(
        Program,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen_proposal_of",
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["call", "reference", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def lecturer_display(self) -> str:
        if self.lecturer_talent is not None:
            return self.lecturer_talent.name
        return self.lecturer_name

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class ProposalSession(models.Model):
    """One session of the lecture as the proposal outlines it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session"))
    topic = models.CharField(_("topic"), max_length=200)
    content = models.TextField(_("content"), blank=True)

    class Meta:
        verbose_name = _("session outline")
        verbose_name_plural = _("session outlines")
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="proposals_session_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.topic}"


SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Review(TimeStampedModel):
    """One reviewer's assessment of one proposal: a conflict declared, or three scores and a comment."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    # Kept, without the person, when the reviewer's account is deleted: the decision rests on it.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="proposal_reviews",
    )
    conflict = models.BooleanField(_("conflict of interest"), default=False)
    conflict_note = models.CharField(_("about the conflict"), max_length=300, blank=True)
    pioneering = models.PositiveSmallIntegerField(_("pioneering"), null=True, validators=SCORE_VALIDATORS)
    public_benefit = models.PositiveSmallIntegerField(_("public benefit"), null=True, validators=SCORE_VALIDATORS)
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), null=True, validators=SCORE_VALIDATORS)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["proposal", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "reviewer"], name="proposals_one_review_each")]

    @property
    def total(self) -> int | None:
        if self.conflict or self.submitted_at is None:
            return None
        return (self.pioneering or 0) + (self.public_benefit or 0) + (self.feasibility or 0)


class SurveyInvitation(models.Model):
    """One participant's invitation to the survey after the last session: one answer each.

    It knows who was asked (so nobody answers twice) but not what they answered: the answer is
    stored apart, without a link back, so the survey is anonymous to the proposer and the office."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="survey_invitations")
    # Cleared when the registrations' retention purge removes the registration.
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.CharField(_("link key"), max_length=64, unique=True)
    sent_at = models.DateTimeField(_("sent"))
    closes_at = models.DateTimeField(_("answers until"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "registration"], name="proposals_one_invitation_per_registration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.sent_at:%Y-%m-%d}"


class SurveyAnswer(models.Model):
    """One anonymous answer to the participant survey (参加者アンケート)."""

    class Choice(models.TextChoices):
        YES = "yes", _("yes")
        MAYBE = "maybe", _("perhaps")
        NO = "no", _("no")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="survey_answers")
    # Only so that deleting the account can erase the free text; never shown to anyone.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), validators=SCORE_VALIDATORS)
    join_again = models.CharField(_("would join another citizen lecture"), max_length=5, choices=Choice.choices)
    would_teach = models.CharField(_("would like to teach something"), max_length=5, choices=Choice.choices)
    comment = models.TextField(_("comments"), blank=True)
    answered_on = models.DateField(_("answered on"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["proposal", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.satisfaction}"


class ProposalReport(TimeStampedModel):
    """The post-course report (実施報告) the proposer files after the lecture, which the coordinator accepts.

    The participant figures are taken from the programme's attendance records when the report is
    filed, not typed in, and kept here so the report stays as accepted after registrations are purged."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("filed, waiting for the coordinator")
        CHANGES_REQUESTED = "changes", _("changes asked for")
        ACCEPTED = "accepted", _("accepted")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="report")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    content = models.TextField(_("what was done in the lecture"))
    outcomes = models.TextField(_("outcomes"))
    income = models.PositiveIntegerField(_("income (yen)"), default=0)
    spending = models.PositiveIntegerField(_("spending (yen)"), default=0)
    money_note = models.TextField(_("about income and spending"), blank=True)
    self_evaluation = models.PositiveSmallIntegerField(_("self-evaluation"), validators=SCORE_VALIDATORS)
    self_evaluation_note = models.TextField(_("why this evaluation"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    # From the attendance records when filed.
    sessions_held = models.PositiveSmallIntegerField(_("sessions"), default=0)
    participants_confirmed = models.PositiveIntegerField(_("participants with a place"), default=0)
    participants_attended = models.PositiveIntegerField(_("participants who came"), default=0)
    attendances = models.PositiveIntegerField(_("attendances over all sessions"), default=0)
    submitted_at = models.DateTimeField(_("filed"))
    change_request = models.TextField(_("changes asked for"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("post-course report")
        verbose_name_plural = _("post-course reports")
        ordering = ["proposal"]

    def __str__(self) -> str:
        return str(self.proposal)


# The proposal form (企画提案書) in the order the form shows it: the fields a form may set directly.
PROPOSAL_FIELDS = (
    "group_name",
    "representative",
    "contact_name",
    "contact_email",
    "contact_phone",
    "founded_year",
    "members_count",
    "members_in_city",
    "record",
    "other_subsidies",
    "title",
    "aim",
    "lecturer_talent",
    "lecturer_name",
    "lecturer_title",
    "lecturer_profile",
    "lecturer_status",
    "honorarium_planned",
    "hours_per_session",
    "fee_per_person",
    "capacity",
    "audience",
    "appeal",
)
