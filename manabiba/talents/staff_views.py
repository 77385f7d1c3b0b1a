"""The coordinator's pages: cards to screen, introduction requests to forward, a card's removal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.talents import selectors, services
from manabiba.talents.forms import ForwardForm, ReasonForm
from manabiba.talents.models import IntroductionRequest, TalentProfile


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@permission_required("talents.review")
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "talents/staff/queue.html",
        {
            "talents": selectors.talents_for_screening(),
            "requests": selectors.introductions_for_office(),
            "open_requests": selectors.introductions_open(),
            "listed": selectors.listed_talents().count(),
        },
    )


@permission_required("talents.review")
def talent_review(request: HttpRequest, talent_id: int) -> HttpResponse:
    talent = get_object_or_404(
        TalentProfile.objects.select_related("user", "honorarium_rate").prefetch_related(
            "categories", "areas", "audiences"
        ),
        pk=talent_id,
    )
    # The card holds contact details that only the office and an accepted requester may see.
    audit_log(action="talents.personal_data.viewed", actor=request.user, target=talent, data={"view": "card"})
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        actor = _user(request)
        try:
            if action == "approve":
                services.talent_approve(talent=talent, actor=actor)
                messages.success(request, _("The talent is registered and listed."))
                return redirect("staff_talents:queue")
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                if action == "request_changes":
                    services.talent_request_changes(talent=talent, actor=actor, reason=reason)
                    messages.success(request, _("The registrant has been asked to change the card."))
                    return redirect("staff_talents:queue")
                if action == "decline":
                    services.talent_decline(talent=talent, actor=actor, reason=reason)
                    messages.success(request, _("The registration has been declined."))
                    return redirect("staff_talents:queue")
                if action == "remove":
                    services.talent_remove(talent=talent, actor=actor, reason=reason)
                    messages.success(request, _("The card has been removed."))
                    return redirect("staff_talents:queue")
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "talents/staff/talent_review.html",
        {
            "talent": talent,
            "form": form,
            "show_errors": request.method == "POST",
            "history": selectors.talent_history(talent),
            "listed": services.is_listed(talent),
        },
    )


@permission_required("talents.review")
def introduction_review(request: HttpRequest, request_id: int) -> HttpResponse:
    intro = get_object_or_404(IntroductionRequest.objects.select_related("talent", "requester"), pk=request_id)
    audit_log(action="talents.personal_data.viewed", actor=request.user, target=intro, data={"view": "introduction"})
    forward_form = ForwardForm(request.POST if request.POST.get("action") == "forward" else None)
    refuse_form = ReasonForm(request.POST if request.POST.get("action") == "refuse" else None)
    if request.method == "POST":
        try:
            if forward_form.is_bound and forward_form.is_valid():
                services.introduction_forward(
                    request=intro, actor=_user(request), note=forward_form.cleaned_data["note"]
                )
                messages.success(request, _("The request has been forwarded to the talent."))
                return redirect("staff_talents:queue")
            if refuse_form.is_bound and refuse_form.is_valid():
                services.introduction_refuse(
                    request=intro, actor=_user(request), reason=refuse_form.cleaned_data["reason"]
                )
                messages.success(request, _("The requester has been told that the request is not forwarded."))
                return redirect("staff_talents:queue")
        except ValidationError as error:
            (refuse_form if refuse_form.is_bound else forward_form).add_error(None, error)
    return render(
        request,
        "talents/staff/introduction_review.html",
        {"intro": intro, "forward_form": forward_form, "refuse_form": refuse_form},
    )
