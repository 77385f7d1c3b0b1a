"""Public and proposer's pages, and the reviewer's: calls, the proposal form, a review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.proposals import selectors, services
from manabiba.proposals.forms import ProposalForm, ReportForm, ReviewForm, SurveyForm
from manabiba.proposals.models import Proposal, ProposalReport, Review
from manabiba.proposals.permissions import (
    can_edit_proposal,
    can_file_report,
    can_manage_proposals,
    can_see_survey_results,
    can_view_proposal,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def call_list(request: HttpRequest) -> HttpResponse:
    return render(request, "proposals/call_list.html", {"calls": selectors.calls_public()})


def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_public(), pk=call_id)
    return render(
        request,
        "proposals/call_detail.html",
        {"call": call, "open": selectors.call_is_open(call), "lectures": selectors.call_lectures(call)},
    )


@permission_required("proposals.propose")
def proposal_new(request: HttpRequest, call_id: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_public(), pk=call_id)
    user = _user(request)
    form = ProposalForm(
        request.POST or None, user=user, initial={"contact_email": user.email, "contact_name": user.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                call=call,
                actor=user,
                kind=form.cleaned_data["kind"],
                group=form.cleaned_data["group"],
                sessions=form.sessions(),
                **form.proposal_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your draft is saved. Check it, then submit it before the deadline."))
            return redirect("proposals:detail", proposal.pk)
    return render(request, "proposals/proposal_form.html", {"form": form, "call": call})


@login_required
def proposal_edit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("call"), pk=proposal_id)
    user = _user(request)
    if not can_edit_proposal(user, proposal):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, instance=proposal, user=user, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(proposal=proposal, actor=user, sessions=form.sessions(), **form.proposal_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your draft is saved."))
            return redirect("proposals:detail", proposal.pk)
    return render(request, "proposals/proposal_form.html", {"form": form, "call": proposal.call, "proposal": proposal})


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("call", "lecturer_talent", "program"), pk=proposal_id)
    user = _user(request)
    if not can_view_proposal(user, proposal):
        raise Http404
    editable = can_edit_proposal(user, proposal)
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "editable": editable,
            # The checks are shown on the draft before submitting, so nothing comes as a surprise.
            "rule_errors": services.proposal_rule_errors(proposal) if editable else {},
            "is_proposer": proposal.proposer_id == user.pk,
            "held": selectors.lecture_is_held(proposal),
            "report": ProposalReport.objects.filter(proposal=proposal).first(),
        },
    )


@login_required
@require_POST
def proposal_submit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=proposal_id)
    try:
        proposal = services.proposal_submit(proposal=proposal, actor=_user(request))
    except ValidationError:
        messages.error(request, _("The proposal does not meet the call's rules yet: see the list below."))
        return redirect("proposals:detail", proposal.pk)
    except PermissionDenied:
        raise
    messages.success(
        request, _("Your proposal is submitted. Its reference number is %(ref)s.") % {"ref": proposal.reference}
    )
    return redirect("proposals:detail", proposal.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "proposals/mine.html",
        {"proposals": selectors.proposals_of(user), "calls": selectors.calls_open()},
    )


@permission_required("proposals.review")
def reviews(request: HttpRequest) -> HttpResponse:
    return render(request, "proposals/reviews.html", {"reviews": selectors.reviews_assigned_to(_user(request))})


@permission_required("proposals.review")
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(
        Review.objects.select_related("proposal", "proposal__call", "proposal__lecturer_talent"),
        pk=review_id,
        reviewer=user,
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and item.submitted_at is None and form.is_valid():
        try:
            services.review_submit(review=item, actor=user, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your review is submitted."))
            return redirect("proposals:review", item.pk)
    return render(
        request,
        "proposals/review.html",
        {
            "review": item,
            "proposal": item.proposal,
            "form": form,
            "table": selectors.score_table(item.proposal, user),
            "manager": can_manage_proposals(user),
        },
    )


# --- after the lecture ---------------------------------------------------------------------------


def round_summary(request: HttpRequest, call_id: int) -> HttpResponse:
    """The public summary of a round: lectures chosen and held, participants, the survey, accepted reports."""
    call = get_object_or_404(selectors.calls_public(), pk=call_id)
    return render(request, "proposals/round_summary.html", {"summary": selectors.round_summary(call)})


def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The participant survey, opened from the mailed link: no sign-in, one answer per link."""
    invitation = services.survey_invitation(token)
    if invitation is None:
        raise Http404
    program = invitation.proposal.program
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(token=token, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "proposals/survey.html", {"program": program, "answered": True, "thanks": True})
    return render(
        request,
        "proposals/survey.html",
        {
            "program": program,
            "form": form,
            "answered": invitation.answered_at is not None,
            "closed": invitation.answered_at is None and timezone.now() > invitation.closes_at,
        },
    )


@login_required
def survey_results(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("call", "program"), pk=proposal_id)
    if not can_see_survey_results(_user(request), proposal):
        raise Http404
    return render(
        request,
        "proposals/survey_results.html",
        {"proposal": proposal, "survey": selectors.survey_summary(proposal, with_comments=True)},
    )


@login_required
def report(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The proposer files the post-course report once the last session is over."""
    proposal = get_object_or_404(Proposal.objects.select_related("call", "program"), pk=proposal_id)
    user = _user(request)
    if not can_file_report(user, proposal):
        raise Http404
    existing = ProposalReport.objects.filter(proposal=proposal).first()
    held = selectors.lecture_is_held(proposal)
    editable = held and (existing is None or existing.status == ProposalReport.Status.CHANGES_REQUESTED)
    form = ReportForm(request.POST if editable and request.method == "POST" else None, instance=existing)
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.report_file(
                proposal=proposal, actor=user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your report is filed. The office will check it."))
            return redirect("proposals:report", proposal.pk)
    return render(
        request,
        "proposals/report.html",
        {
            "proposal": proposal,
            "report": existing,
            "form": form,
            "editable": editable,
            "held": held,
            # What the report will say, from the attendance records, before it is filed.
            "figures": selectors.attendance_figures(proposal.program) if held and proposal.program else None,
            "survey": selectors.survey_summary(proposal) if held else None,
        },
    )
