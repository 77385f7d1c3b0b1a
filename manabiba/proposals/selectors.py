"""Reads for citizen proposals: open calls, what a person may see, and the blind score table."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.proposals.models import Proposal, ProposalCall, Review
from manabiba.proposals.permissions import can_manage_proposals

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
