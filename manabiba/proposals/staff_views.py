"""The coordinator's pages: calls, assigning reviewers, the score table, the decision and the schedule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.core.picker import picker_hold_errors, picker_search_requested
from manabiba.proposals import selectors, services
from manabiba.proposals.forms import AssignForm, CallForm, DecisionForm, ReportDecisionForm, ScheduleForm
from manabiba.proposals.models import Proposal, ProposalCall, ProposalReport


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@permission_required("proposals.manage")
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "proposals/staff/queue.html",
        {
            "calls": ProposalCall.objects.order_by("-opens_on"),
            "to_handle": selectors.proposals_to_handle().order_by("submitted_at", "pk"),
            "reports": selectors.reports_to_check().select_related("proposal").order_by("submitted_at", "pk"),
            "proposals": Proposal.objects.exclude(status=Proposal.Status.DRAFT)
            .select_related("call")
            .prefetch_related("reviews")
            .order_by("call", "reference"),
        },
    )


@permission_required("proposals.manage")
def call_new(request: HttpRequest) -> HttpResponse:
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_create(actor=_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("staff_proposals:queue")
    return render(request, "proposals/staff/call_form.html", {"form": form})


@permission_required("proposals.manage")
def proposal_review(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("call", "lecturer_talent", "program"), pk=proposal_id)
    user = _user(request)
    # The form holds the representative's and contact person's details.
    audit_log(action="proposals.personal_data.viewed", actor=user, target=proposal, data={"view": "proposal"})
    action = request.POST.get("action")
    assign_form = AssignForm(request.POST if action == "assign" else None)
    decision_form = DecisionForm(request.POST if action == "decide" else None)
    schedule_form = ScheduleForm(request.POST if action == "schedule" else None)
    try:
        if action == "assign" and assign_form.is_valid():
            services.review_assign(proposal=proposal, reviewer=assign_form.cleaned_data["reviewer"], actor=user)
            messages.success(request, _("The reviewer is assigned and has been mailed."))
            return redirect("staff_proposals:proposal", proposal.pk)
        if action == "decide" and decision_form.is_valid():
            data = decision_form.cleaned_data
            services.proposal_decide(
                proposal=proposal,
                actor=user,
                decision=data["decision"],
                reason=data["reason"],
                conditions=data["conditions"],
            )
            messages.success(request, _("The decision is recorded and the proposer has been mailed."))
            return redirect("staff_proposals:proposal", proposal.pk)
        if action == "schedule" and picker_search_requested(request.POST):
            # A search in the venue or room picker: the form again as typed, narrowed, nothing saved.
            picker_hold_errors(schedule_form)
        elif action == "schedule" and schedule_form.is_valid():
            data = schedule_form.cleaned_data
            program = services.proposal_schedule(
                proposal=proposal,
                actor=user,
                sessions=data["dates"],
                facility=data["facility"],
                room=data["room"],
                capacity=data["capacity"],
                min_participants=data["min_participants"],
            )
            messages.success(request, _("The programme is created and waits for review in the catalogue."))
            return redirect("staff_programs:detail", program.pk)
    except ValidationError as error:
        {"assign": assign_form, "decide": decision_form, "schedule": schedule_form}[action or "assign"].add_error(
            None, error
        )
    return render(
        request,
        "proposals/staff/proposal.html",
        {
            "proposal": proposal,
            "table": selectors.score_table(proposal, user),
            "assign_form": assign_form,
            "decision_form": decision_form,
            "schedule_form": schedule_form,
        },
    )


@permission_required("proposals.manage")
def report_check(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The coordinator reads the post-course report with the survey's results, and accepts it or asks for changes."""
    proposal = get_object_or_404(Proposal.objects.select_related("call", "program"), pk=proposal_id)
    report = get_object_or_404(ProposalReport, proposal=proposal)
    user = _user(request)
    form = ReportDecisionForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and form.is_valid():
        try:
            if action == "accept":
                services.report_accept(report=report, actor=user)
                messages.success(request, _("The report is accepted and the proposer has been mailed."))
                return redirect("staff_proposals:report", proposal.pk)
            if action == "changes":
                services.report_request_changes(report=report, actor=user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The proposer has been asked to change the report."))
                return redirect("staff_proposals:report", proposal.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "proposals/staff/report.html",
        {
            "proposal": proposal,
            "report": report,
            "form": form,
            "survey": selectors.survey_summary(proposal, with_comments=True),
        },
    )
