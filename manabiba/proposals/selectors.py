"""Reads for citizen proposals: open calls, what a person may see, and the blind score table."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.programs.models import Program
from manabiba.proposals.models import (
    PROPOSAL_FIELDS,
    Proposal,
    ProposalCall,
    ProposalReport,
    Review,
    SurveyAnswer,
    SurveyInvitation,
)
from manabiba.proposals.permissions import can_manage_proposals
from manabiba.registrations.models import Attendance, ParticipationFigure, Registration

REVIEWABLE = (Proposal.Status.SUBMITTED, Proposal.Status.IN_REVIEW)
# A lecture of a call, as the public sees it: accepted, or already in the catalogue.
LECTURE_STATUSES = (Proposal.Status.ACCEPTED, Proposal.Status.SCHEDULED)


def call_is_open(call: ProposalCall, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return call.opens_on <= today <= call.closes_on


def calls_public() -> QuerySet[ProposalCall]:
    """Calls that have opened: the ones before their opening are still being prepared."""
    return ProposalCall.objects.filter(opens_on__lte=timezone.localdate()).order_by("-opens_on", "pk")


def calls_open(today: date | None = None) -> QuerySet[ProposalCall]:
    today = today or timezone.localdate()
    return ProposalCall.objects.filter(opens_on__lte=today, closes_on__gte=today)


def call_lectures(call: ProposalCall) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(call=call, status__in=LECTURE_STATUSES)
        .select_related("program", "lecturer_talent")
        .order_by("reference", "pk")
    )


def proposals_of(user: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(proposer=user).select_related("call").order_by("-created_at")


def proposals_visible_to(user: User) -> QuerySet[Proposal]:
    """The coordinator sees every submitted proposal; a reviewer only those assigned to them."""
    submitted = Proposal.objects.exclude(status=Proposal.Status.DRAFT).select_related("call")
    if can_manage_proposals(user):
        return submitted
    return submitted.filter(reviews__reviewer=user).distinct()


def reviews_assigned_to(user: User) -> QuerySet[Review]:
    return (
        Review.objects.filter(reviewer=user)
        .exclude(proposal__status=Proposal.Status.DRAFT)
        .select_related("proposal", "proposal__call")
        .order_by("submitted_at", "proposal__reference")
    )


def reviews_waiting_for(user: User) -> int:
    return reviews_assigned_to(user).filter(submitted_at__isnull=True, proposal__status__in=REVIEWABLE).count()


def proposals_to_handle() -> QuerySet[Proposal]:
    """Submitted proposals without reviewers yet, or whose reviewers have all answered: the coordinator's turn."""
    return Proposal.objects.filter(
        Q(status=Proposal.Status.SUBMITTED)
        | Q(status=Proposal.Status.IN_REVIEW) & ~Q(reviews__submitted_at__isnull=True)
    ).distinct()


@dataclass(frozen=True)
class ScoreRow:
    reviewer: str
    conflict: bool
    pioneering: int | None
    public_benefit: int | None
    feasibility: int | None
    total: int | None
    comment: str
    submitted: bool


@dataclass(frozen=True)
class ScoreTable:
    rows: list[ScoreRow]
    # Averages of the reviewers who scored (a declared conflict does not count).
    average_total: float | None
    hidden: bool


def score_table(proposal: Proposal, user: User) -> ScoreTable:
    """Blind review: a reviewer sees the others' scores only after submitting their own."""
    reviews = list(proposal.reviews.select_related("reviewer").order_by("pk"))
    if not can_manage_proposals(user):
        own = next((r for r in reviews if r.reviewer_id == user.pk), None)
        if own is None or own.submitted_at is None:
            return ScoreTable(rows=[], average_total=None, hidden=True)
    rows = [
        ScoreRow(
            reviewer=r.reviewer.full_name if r.reviewer is not None else "—",
            conflict=r.conflict,
            pioneering=r.pioneering if r.submitted_at else None,
            public_benefit=r.public_benefit if r.submitted_at else None,
            feasibility=r.feasibility if r.submitted_at else None,
            total=r.total,
            comment=r.comment if r.submitted_at else "",
            submitted=r.submitted_at is not None,
        )
        for r in reviews
    ]
    totals = [row.total for row in rows if row.total is not None]
    average = round(sum(totals) / len(totals), 1) if totals else None
    return ScoreTable(rows=rows, average_total=average, hidden=False)


# --- after the lecture: attendance, the survey, the report, the round's summary ----------------------

# A programme counts as held when it was published (or has finished) and its last session is over.
HELD_PROGRAM_STATUSES = (Program.Status.PUBLISHED, Program.Status.FINISHED)


def held_filter(now: datetime, prefix: str = "") -> Q:
    """Scheduled proposals whose programme has been held: published or finished, the last session over."""
    return Q(
        **{
            f"{prefix}status": Proposal.Status.SCHEDULED,
            f"{prefix}program__status__in": HELD_PROGRAM_STATUSES,
            f"{prefix}program__last_ends_at__lt": now,
        }
    )


def lecture_is_held(proposal: Proposal, now: datetime | None = None) -> bool:
    program = proposal.program
    now = now or timezone.now()
    return (
        proposal.status == Proposal.Status.SCHEDULED
        and program is not None
        and program.status in HELD_PROGRAM_STATUSES
        and program.last_ends_at is not None
        and program.last_ends_at < now
    )


def surveys_due(now: datetime) -> list[int]:
    """Held lectures whose participants have not been sent the survey yet."""
    return list(
        Proposal.objects.filter(held_filter(now), survey_sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def survey_participants(program: Program) -> QuerySet[Registration]:
    """The people to ask: a confirmed place, and present at one session at least."""
    came = Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True))
    return (
        Registration.objects.filter(program=program, status=Registration.Status.CONFIRMED).filter(came).order_by("pk")
    )


@dataclass(frozen=True)
class AttendanceFigures:
    sessions: int
    confirmed: int
    attended: int
    attendances: int


def attendance_figures(program: Program) -> AttendanceFigures:
    """From the attendance records: live registrations, and the anonymous figures kept once purged."""
    confirmed = Registration.Status.CONFIRMED
    came = Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True))
    live = (
        Registration.objects.filter(program=program, status=confirmed)
        .annotate(came=came)
        .aggregate(confirmed=Count("pk"), attended=Count("pk", filter=Q(came=True)))
    )
    present = Attendance.objects.filter(session__program=program, present=True, registration__status=confirmed).count()
    kept = ParticipationFigure.objects.filter(program=program, final_status=confirmed).aggregate(
        confirmed=Count("pk"), attended=Count("pk", filter=Q(attended=True)), attendances=Sum("sessions_attended")
    )
    return AttendanceFigures(
        sessions=program.sessions.count(),
        confirmed=(live["confirmed"] or 0) + (kept["confirmed"] or 0),
        attended=(live["attended"] or 0) + (kept["attended"] or 0),
        attendances=present + (kept["attendances"] or 0),
    )


@dataclass(frozen=True)
class SurveySummary:
    invited: int
    answers: int
    satisfaction: float | None  # the average, 1–5
    # How many gave each score, 5 first.
    distribution: list[tuple[int, int]] = field(default_factory=list)
    join_again: int = 0  # said yes
    would_teach: int = 0  # said yes
    would_teach_maybe: int = 0
    comments: list[str] = field(default_factory=list)

    @property
    def answered_share(self) -> int | None:
        return round(self.answers * 100 / self.invited) if self.invited else None


def survey_summary(proposal: Proposal, *, with_comments: bool = False) -> SurveySummary:
    """The survey's results: counts and averages for everyone, the free text only for the proposer and the office."""
    answers = SurveyAnswer.objects.filter(proposal=proposal)
    yes, maybe = SurveyAnswer.Choice.YES, SurveyAnswer.Choice.MAYBE
    figures = answers.aggregate(
        n=Count("pk"),
        score=Avg("satisfaction"),
        again=Count("pk", filter=Q(join_again=yes)),
        teach=Count("pk", filter=Q(would_teach=yes)),
        teach_maybe=Count("pk", filter=Q(would_teach=maybe)),
        **{f"s{n}": Count("pk", filter=Q(satisfaction=n)) for n in range(1, 6)},
    )
    comments = (
        list(answers.exclude(comment="").order_by("pk").values_list("comment", flat=True)) if with_comments else []
    )
    return SurveySummary(
        invited=proposal.survey_invitations.count(),
        answers=figures["n"] or 0,
        satisfaction=round(figures["score"], 1) if figures["score"] is not None else None,
        distribution=[(n, figures[f"s{n}"] or 0) for n in range(5, 0, -1)],
        join_again=figures["again"] or 0,
        would_teach=figures["teach"] or 0,
        would_teach_maybe=figures["teach_maybe"] or 0,
        comments=comments,
    )


def reports_to_check() -> QuerySet[ProposalReport]:
    """Reports filed and waiting for the coordinator."""
    return ProposalReport.objects.filter(status=ProposalReport.Status.SUBMITTED)


def reports_due_of(user: User, now: datetime | None = None) -> QuerySet[Proposal]:
    """The person's held lectures without a report, or with changes asked for."""
    now = now or timezone.now()
    return (
        Proposal.objects.filter(held_filter(now), proposer=user)
        .filter(Q(report__isnull=True) | Q(report__status=ProposalReport.Status.CHANGES_REQUESTED))
        .select_related("call")
    )


@dataclass(frozen=True)
class RoundLecture:
    """One chosen lecture of a round as the public summary shows it: no personal data."""

    proposal: Proposal
    lecturer: str
    held: bool
    participants: int | None
    survey_answers: int
    satisfaction: float | None
    report: ProposalReport | None  # only once accepted


@dataclass(frozen=True)
class RoundSummary:
    call: ProposalCall
    received: int
    adopted: int
    held: int
    participants: int
    survey_answers: int
    satisfaction: float | None
    lectures: list[RoundLecture]


def _came_per_program(program_ids: list[int]) -> dict[int, int]:
    """People who came, per programme: live registrations and the figures kept once purged (two queries)."""
    if not program_ids:
        return {}
    confirmed = Registration.Status.CONFIRMED
    came = Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True))
    counts: dict[int, int] = dict.fromkeys(program_ids, 0)
    for queryset in (
        Registration.objects.filter(program_id__in=program_ids, status=confirmed)
        .filter(came)
        .values_list("program_id")
        .annotate(n=Count("pk")),
        ParticipationFigure.objects.filter(program_id__in=program_ids, final_status=confirmed, attended=True)
        .values_list("program_id")
        .annotate(n=Count("pk")),
    ):
        for program_id, n in queryset:
            counts[program_id] += n
    return counts


def round_summary(call: ProposalCall, now: datetime | None = None) -> RoundSummary:
    """The public summary of one round (per call): proposals adopted, lectures held, participants,
    the survey, and each accepted report's text. Figures only; names only as the catalogue shows them.

    A fixed number of queries whatever the number of lectures (grouped counts, not one per lecture)."""
    now = now or timezone.now()
    received = Proposal.objects.filter(call=call).exclude(status=Proposal.Status.DRAFT).count()
    chosen = list(
        Proposal.objects.filter(call=call, status__in=LECTURE_STATUSES)
        .select_related("program", "lecturer_talent", "report")
        .order_by("reference", "pk")
    )
    surveys = {
        row["proposal"]: row
        for row in SurveyAnswer.objects.filter(proposal__call=call)
        .values("proposal")
        .annotate(n=Count("pk"), score=Avg("satisfaction"))
    }
    held_ids = {proposal.pk for proposal in chosen if lecture_is_held(proposal, now)}
    accepted: dict[int, ProposalReport] = {}
    for proposal in chosen:
        report = getattr(proposal, "report", None)
        if report is not None and report.status == ProposalReport.Status.ACCEPTED:
            accepted[proposal.pk] = report
    came = _came_per_program(
        [p.program_id for p in chosen if p.pk in held_ids and p.pk not in accepted and p.program_id is not None]
    )
    lectures = []
    for proposal in chosen:
        held = proposal.pk in held_ids
        report = accepted.get(proposal.pk)
        participants = None
        if report is not None:
            participants = report.participants_attended
        elif held and proposal.program_id is not None:
            participants = came.get(proposal.program_id, 0)
        survey = surveys.get(proposal.pk, {})
        talent = proposal.lecturer_talent
        lectures.append(
            RoundLecture(
                proposal=proposal,
                lecturer=talent.public_name if talent is not None else proposal.lecturer_name,
                held=held,
                participants=participants,
                survey_answers=survey.get("n", 0),
                satisfaction=round(survey["score"], 1) if survey.get("score") is not None else None,
                report=report,
            )
        )
    answers = sum(lecture.survey_answers for lecture in lectures)
    scores = [row["score"] * row["n"] for row in surveys.values() if row["score"] is not None]
    return RoundSummary(
        call=call,
        received=received,
        adopted=len(chosen),
        held=len(held_ids),
        participants=sum(lecture.participants or 0 for lecture in lectures),
        survey_answers=answers,
        satisfaction=round(sum(scores) / answers, 1) if answers and scores else None,
        lectures=lectures,
    )


# A lecturer from the talent bank is named as the directory names them: a private name stays private.
_EXPORTED_PROPOSAL_FIELDS: tuple[str | tuple[str, str], ...] = (
    "reference",
    ("call", "call__name"),
    "kind",
    ("group", "group__name"),
    "status",
    # The form's own fields, in its order (a lecturer from the talent bank as the directory names them).
    *(
        ("lecturer_from_talent_bank", "lecturer_talent__public_name") if name == "lecturer_talent" else name
        for name in PROPOSAL_FIELDS
    ),
    "created_at",
    "submitted_at",
    "decision",
    "decision_reason",
    "conditions",
    "decided_at",
    ("programme", "program__title"),
)

_EXPORTED_REPORT_FIELDS = (
    "status",
    "content",
    "outcomes",
    "income",
    "spending",
    "money_note",
    "self_evaluation",
    "self_evaluation_note",
    "next_steps",
    "sessions_held",
    "participants_confirmed",
    "participants_attended",
    "attendances",
    "submitted_at",
    "change_request",
    "accepted_at",
)


def _proposals_export(user: User) -> list[dict[str, Any]]:
    proposals = list(
        Proposal.objects.filter(proposer=user)
        .select_related("call", "group", "lecturer_talent", "program", "report")
        .prefetch_related("sessions")
        .order_by("created_at", "pk")
    )
    rows = personal_rows(proposals, _EXPORTED_PROPOSAL_FIELDS)
    for proposal, row in zip(proposals, rows, strict=True):
        row["sessions"] = personal_rows(proposal.sessions.all(), ("number", "topic", "content"))
        # Without a report the reverse accessor raises (an AttributeError), hence the default.
        report = getattr(proposal, "report", None)
        row["report"] = personal_rows([report], _EXPORTED_REPORT_FIELDS)[0] if report is not None else None
    return rows


def proposals_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's proposals with outlines and reports, their reviews and their surveys, for their download."""
    reviews = Review.objects.filter(reviewer=user).select_related("proposal").order_by("created_at", "pk")
    invitations = SurveyInvitation.objects.filter(user=user).select_related("proposal").order_by("sent_at", "pk")
    answers = SurveyAnswer.objects.filter(respondent=user).select_related("proposal").order_by("answered_on", "pk")
    return {
        "proposals": _proposals_export(user),
        "reviews": personal_rows(
            reviews,
            (
                ("proposal", "proposal__title"),
                "conflict",
                "conflict_note",
                "pioneering",
                "public_benefit",
                "feasibility",
                "comment",
                "submitted_at",
            ),
        ),
        "survey_invitations": personal_rows(
            invitations, (("proposal", "proposal__title"), "sent_at", "closes_at", "answered_at")
        ),
        "survey_answers": personal_rows(
            answers,
            (("proposal", "proposal__title"), "satisfaction", "join_again", "would_teach", "comment", "answered_on"),
        ),
    }
