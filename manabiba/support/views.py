"""Pages for groups: ask for support, follow one request (its parts and one conversation), agree to a
case study; and the public list of case studies."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.support import selectors, services
from manabiba.support.forms import ConsentForm, GroupMessageForm, RequestForm


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def case_studies(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    return render(request, "support/cases.html", {"cases": selectors.case_studies(query), "q": query})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "support/mine.html",
        {"requests": selectors.requests_of(user), "can_ask": selectors.groups_for_asking(user).exists()},
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.groups_for_asking(user).exists():
        return render(request, "support/no_group.html", status=403)
    form = RequestForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.support_request_submit(
                actor=user,
                group=data["group"],
                title=data["title"],
                kinds=data["kinds"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                contact_phone=data["contact_phone"],
                language=get_language() or "",
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request %(reference)s has been received. "
                    "The coordinator passes each part to the department that can help."
                )
                % {"reference": created.reference},
            )
            return redirect("support:detail", request_id=created.pk)
    return render(request, "support/new.html", {"form": form})


def _own(request: HttpRequest, request_id: int) -> Any:
    found = selectors.request_of(_user(request), request_id)
    if found is None:
        raise Http404
    return found


def _detail(request: HttpRequest, support_request: Any, message_form: GroupMessageForm | None = None) -> HttpResponse:
    return render(
        request,
        "support/detail.html",
        {
            "support_request": support_request,
            "thread": selectors.thread(support_request, with_notes=False),
            "form": message_form or GroupMessageForm(),
            "consent_form": ConsentForm(initial={"consent": support_request.case_consent_at is not None}),
        },
    )


@login_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    response = _detail(request, _own(request, request_id))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def message(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _own(request, request_id)
    form = GroupMessageForm(request.POST)
    if form.is_valid():
        try:
            services.support_group_message(
                request=support_request, body=form.cleaned_data["body"], author=_user(request)
            )
        except ValidationError as error:
            errors_to_form(form, error)
        except PermissionDenied as denied:
            raise Http404 from denied
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect("support:detail", request_id=support_request.pk)
    return _detail(request, support_request, form)


@login_required
@require_POST
def consent(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _own(request, request_id)
    form = ConsentForm(request.POST)
    form.is_valid()
    agreed = bool(form.cleaned_data.get("consent"))
    services.support_case_consent(request=support_request, actor=_user(request), consent=agreed)
    messages.success(
        request,
        _("Thank you: the city may publish this request as a case study.")
        if agreed
        else _("Noted: this request will not be published as a case study."),
    )
    return redirect("support:detail", request_id=support_request.pk)
