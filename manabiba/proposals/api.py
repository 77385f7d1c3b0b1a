"""Citizen-proposal lectures in the API: the calls and, for each, the lectures chosen. Public, read-only;
no proposer's contact details, no scores."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from manabiba.core.api_errors import ErrorOut
from manabiba.proposals import selectors
from manabiba.proposals.models import ProposalCall

router = Router(tags=["proposals"])


class CallOut(Schema):
    id: int
    name: str
    term: str
    opens_on: str
    closes_on: str
    lectures_from: str
    lectures_until: str
    open: bool
    groups_may_propose: bool
    min_members: int
    talents_may_propose: bool
    sessions_min: int
    sessions_max: int
    hours_per_session_max: float
    fee_max_per_person: int
    themes: str
    honorarium_budget: int
    lectures_funded: int
    url: str


class LectureOut(Schema):
    id: int
    reference: str
    title: str
    proposed_by: str
    group_name: str | None
    lecturer: str
    status: str
    program_id: int | None
    program_url: str | None
    # After the lecture: whether it was held, the people who came (from attendance), the anonymous
    # survey's count and average, and the accepted post-course report's public text.
    held: bool
    participants: int | None
    survey_answers: int
    satisfaction: float | None
    report_content: str | None
    report_outcomes: str | None


def _call(request: HttpRequest, call: ProposalCall) -> dict[str, Any]:
    return {
        "id": call.pk,
        "name": call.name,
        "term": call.term,
        "opens_on": call.opens_on.isoformat(),
        "closes_on": call.closes_on.isoformat(),
        "lectures_from": call.lectures_from.isoformat(),
        "lectures_until": call.lectures_until.isoformat(),
        "open": selectors.call_is_open(call),
        "groups_may_propose": call.groups_may_propose,
        "min_members": call.min_members,
        "talents_may_propose": call.talents_may_propose,
        "sessions_min": call.sessions_min,
        "sessions_max": call.sessions_max,
        "hours_per_session_max": float(call.hours_per_session_max),
        "fee_max_per_person": call.fee_max_per_person,
        "themes": call.themes,
        "honorarium_budget": call.honorarium_budget,
        "lectures_funded": call.lectures_funded,
        "url": request.build_absolute_uri(reverse("proposals:call", args=[call.pk])),
    }


def _lecture(request: HttpRequest, lecture: selectors.RoundLecture) -> dict[str, Any]:
    """A chosen lecture; its programme is linked only once published."""
    proposal = lecture.proposal
    program = proposal.program
    published = program is not None and program.status in {"published", "finished"}
    report = lecture.report
    return {
        "id": proposal.pk,
        "reference": proposal.reference,
        "title": proposal.title,
        "proposed_by": proposal.kind,
        "group_name": proposal.group_name or None,
        "lecturer": lecture.lecturer,
        "status": proposal.status,
        "program_id": program.pk if published and program is not None else None,
        "program_url": request.build_absolute_uri(reverse("programs:detail", args=[program.pk]))
        if published and program is not None
        else None,
        "held": lecture.held,
        "participants": lecture.participants,
        "survey_answers": lecture.survey_answers,
        "satisfaction": lecture.satisfaction,
        "report_content": report.content if report is not None else None,
        "report_outcomes": report.outcomes if report is not None else None,
    }


@router.get("/proposal-calls", response=list[CallOut], auth=None, summary="Calls for citizen-proposal lectures")
def call_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_call(request, call) for call in selectors.calls_public()]


@router.get(
    "/proposal-calls/{call_id}/lectures",
    response={200: list[LectureOut], 404: ErrorOut},
    auth=None,
    summary="The lectures chosen in one call",
)
def call_lectures(request: HttpRequest, call_id: int) -> Status[Any]:
    call = selectors.calls_public().filter(pk=call_id).first()
    if call is None:
        return Status(404, {"detail": _("No such call.")})
    return Status(200, [_lecture(request, lecture) for lecture in selectors.round_summary(call).lectures])
