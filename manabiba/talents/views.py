"""Public pages of the talent bank (directory, a talent's page, registration, introductions) and My page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.talents import selectors, services
from manabiba.talents.forms import (
    PAGE_SIZE,
    ConsentForm,
    DirectoryForm,
    InstructorForm,
    IntroductionForm,
    OutcomeForm,
    RegistrationForm,
    TalentForm,
)
from manabiba.talents.models import IntroductionRequest, TalentProfile
from manabiba.talents.permissions import (
    can_edit_talent,
    can_review_talents,
    can_see_released_contact,
    can_view_introduction,
    is_talent_owner,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- directory ---------------------------------------------------------------------------------------------


def filters_from(form: DirectoryForm) -> selectors.TalentFilters:
    if not form.is_valid():
        return selectors.TalentFilters()
    data = form.cleaned_data
    fees = set(data.get("free") or ())
    return selectors.TalentFilters(
        q=(data.get("q") or "").strip(),
        categories=tuple(data.get("category") or ()),
        areas=tuple(data.get("area") or ()),
        audiences=tuple(data.get("audience") or ()),
        days=tuple(data.get("day") or ()),
        times=tuple(data.get("when") or ()),
        free=("yes" in fees) if len(fees) == 1 else None,
    )


def talent_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    filters = filters_from(form)
    page_number = (form.cleaned_data.get("page") if form.is_bound and form.is_valid() else None) or 1
    ranked = selectors.talent_ranked_ids(filters)
    result = selectors.talent_search(filters, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE, ranked=ranked)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "talents/talent_list.html",
        {
            "filters": filters,
            "facets": selectors.talent_facets(filters, ranked=ranked),
            "talents": result.talents,
            "count": result.count,
            "page_number": page_number,
            "last_page": max(1, -(-result.count // PAGE_SIZE)),
            "query": params.urlencode(),
        },
    )


def _visible_talent(request: HttpRequest, talent_id: int) -> TalentProfile:
    """Listed cards are public; others only to their registrant and the coordinator."""
    talent = selectors.talent_detail(talent_id)
    if talent is None:
        raise Http404
    if not services.is_listed(talent) and not (
        is_talent_owner(request.user, talent) or can_review_talents(request.user)
    ):
        raise Http404
    return talent


def talent_detail(request: HttpRequest, talent_id: int) -> HttpResponse:
    talent = _visible_talent(request, talent_id)
    return render(
        request,
        "talents/talent_detail.html",
        {
            "talent": talent,
            "listed": services.is_listed(talent),
            "history": selectors.talent_history(talent),
            "lectures": selectors.lectures_given(talent),
            "is_owner": is_talent_owner(request.user, talent),
            "can_review": can_review_talents(request.user),
        },
    )


# --- registration and the registrant's pages ---------------------------------------------------------------


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {
        "name": user.full_name,
        "name_kana": user.full_name_kana,
        "contact_email": user.email,
        "contact_phone": user.phone,
    }
    form = RegistrationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.talent_register(actor=user, **form.service_arguments())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Thank you. The coordinator will check your card and tell you the result by mail.")
            )
            return redirect("talents:mine")
    return render(
        request,
        "talents/register.html",
        {"form": form, "show_errors": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def register_for_instructor(request: HttpRequest) -> HttpResponse:
    form = InstructorForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.talent_register_for_instructor(actor=_user(request), **form.service_arguments())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("We have mailed your instructor to ask for their consent."))
            return redirect("talents:mine")
    return render(
        request,
        "talents/register_group.html",
        {"form": form, "show_errors": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def consent(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the instructor's mail: the card a group filled in, to agree to (with the
    declarations) or refuse. Signing in first makes the card the instructor's own."""
    try:
        talent = services.talent_from_consent_token(token)
    except ValidationError as error:
        return render(request, "talents/consent.html", {"error": " ".join(error.messages)}, status=400)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("answer") == "accept"
        try:
            services.talent_consent(token=token, actor=_user(request), accept=accept, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if accept:
                messages.success(
                    request, _("Thank you. The coordinator will check your card and tell you the result by mail.")
                )
            else:
                messages.success(request, _("The card has been deleted."))
            return redirect("talents:mine")
    return render(
        request,
        "talents/consent.html",
        {"talent": talent, "form": form, "show_errors": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )


def _own_talent(request: HttpRequest, talent_id: int) -> TalentProfile:
    talent = get_object_or_404(TalentProfile.objects.prefetch_related("categories", "areas", "audiences"), pk=talent_id)
    if not is_talent_owner(request.user, talent):
        raise Http404
    return talent


@login_required
def edit(request: HttpRequest, talent_id: int) -> HttpResponse:
    talent = _own_talent(request, talent_id)
    if not can_edit_talent(request.user, talent):
        raise PermissionDenied
    form = TalentForm(request.POST or None, request.FILES or None, instance=talent)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            talent = services.talent_update(
                talent=talent, actor=_user(request), remove_photo=bool(request.POST.get("remove_photo")), **arguments
            )
            if talent.status == TalentProfile.Status.CHANGES_REQUESTED:
                services.talent_resubmit(talent=talent, actor=_user(request))
                messages.success(request, _("Your card has been sent for screening again."))
            else:
                messages.success(request, _("Your card has been saved."))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return redirect("talents:mine")
    return render(
        request,
        "talents/edit.html",
        {"form": form, "talent": talent, "show_errors": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My page of the talent bank: my cards, requests forwarded to me, and requests I made."""
    user = _user(request)
    return render(
        request,
        "talents/mine.html",
        {
            "talents": selectors.talents_of(user.pk),
            "lectures": selectors.lectures_given(user_id=user.pk),
            "incoming": selectors.introductions_for_talents_of(user.pk),
            "outgoing": selectors.introductions_by(user.pk),
            "for_instructors": selectors.talents_registered_by(user.pk),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def renew(request: HttpRequest, talent_id: int) -> HttpResponse:
    talent = _own_talent(request, talent_id)
    try:
        talent = services.talent_renew(talent=talent, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your card has been renewed."))
    return redirect("talents:mine")


@login_required
def withdraw(request: HttpRequest, talent_id: int) -> HttpResponse:
    talent = _own_talent(request, talent_id)
    if request.method == "POST":
        try:
            services.talent_remove(talent=talent, actor=_user(request), reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your card has been removed from the talent bank."))
        return redirect("talents:mine")
    return render(request, "talents/withdraw.html", {"talent": talent})


# --- introductions ---------------------------------------------------------------------------------------


@login_required
def introduction_new(request: HttpRequest, talent_id: int) -> HttpResponse:
    talent = _visible_talent(request, talent_id)
    if not services.is_listed(talent):
        raise Http404
    user = _user(request)
    initial = {"contact_name": user.full_name, "contact_email": user.email, "contact_phone": user.phone}
    form = IntroductionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.introduction_request(talent=talent, actor=user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Your request has been sent to the office. We will tell you by mail what happens.")
            )
            return redirect("talents:introduction", introduction.pk)
    return render(
        request,
        "talents/introduction_new.html",
        {"form": form, "talent": talent, "show_errors": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def introduction(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: its state for the requester (the talent's contact once accepted, the outcome form)
    and for the talent (the answer buttons)."""
    intro = get_object_or_404(IntroductionRequest.objects.select_related("talent", "requester"), pk=request_id)
    user = _user(request)
    if not can_view_introduction(user, intro):
        raise Http404
    is_requester = intro.requester_id == user.pk
    form = OutcomeForm(request.POST or None) if is_requester else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.introduction_record_outcome(request=intro, actor=user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Thank you. The outcome has been recorded."))
            return redirect("talents:introduction", intro.pk)
    return render(
        request,
        "talents/introduction.html",
        {
            "intro": intro,
            "form": form,
            "show_errors": request.method == "POST",
            "is_requester": is_requester,
            "is_talent": intro.talent is not None and is_talent_owner(user, intro.talent),
            "show_contact": can_see_released_contact(user, intro),
        },
    )


@login_required
@require_POST
def introduction_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    intro = get_object_or_404(IntroductionRequest.objects.select_related("talent"), pk=request_id)
    accept = request.POST.get("answer") == "accept"
    try:
        services.introduction_answer(request=intro, actor=_user(request), accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("You have accepted the request.") if accept else _("You have declined the request.")
        )
    return redirect("talents:mine")


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the talent's mail: one click on Accept or Decline, without logging in.
    The page asks first, so that a mail scanner following the link answers nothing."""
    try:
        intro = services.introduction_from_token(token)
    except ValidationError as error:
        return render(request, "talents/answer.html", {"error": " ".join(error.messages)}, status=400)
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            intro = services.introduction_answer(request=intro, accept=accept, token=token)
        except ValidationError as error:
            return render(
                request, "talents/answer.html", {"intro": intro, "error": " ".join(error.messages)}, status=400
            )
        return render(request, "talents/answer.html", {"intro": intro, "answered": True})
    return render(request, "talents/answer.html", {"intro": intro})
