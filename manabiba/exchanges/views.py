"""Public pages of an exchange meeting (the timetable, refreshed by htmx and whole without script)
and the pages where a group's owner or editors act for it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.exchanges import selectors, services
from manabiba.exchanges.forms import (
    AttendanceForm,
    ConsentForm,
    IntroductionForm,
    MaterialForm,
    PresentationForm,
    SurveyForm,
    TableForm,
)
from manabiba.exchanges.models import ExchangeMeeting, Presentation
from manabiba.exchanges.permissions import can_act_for_group, can_coordinate
from manabiba.programs.models import Program
from manabiba.registrations.selectors import seat_counts


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _public_meeting(request: HttpRequest, program_id: int) -> tuple[Program, ExchangeMeeting]:
    program = selectors.exchange_program(program_id)
    if program is None or not hasattr(program, "exchange_meeting"):
        raise Http404
    if not selectors.is_public(program) and not can_coordinate(request.user, program):
        raise Http404
    return program, program.exchange_meeting


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's errors on the form: by field where the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for name, problems in error.error_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


def timetable(request: HttpRequest, program_id: int) -> HttpResponse:
    """The published timetable, the floor list and (after the day) the materials. With htmx the page
    asks for its own fragment every minute, so attendees see changes; without script it is whole."""
    program, meeting = _public_meeting(request, program_id)
    context = {
        "program": program,
        "meeting": meeting,
        "stages": selectors.timetable(program) if meeting.timetable_published_at else [],
        "tables": selectors.floor_list(program),
        "materials": selectors.public_materials(program),
    }
    partial = bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "exchanges/_timetable.html" if partial else "exchanges/timetable.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def meeting(request: HttpRequest, program_id: int) -> HttpResponse:
    """The meeting's page for groups: what it offers and what the signed-in person's groups have."""
    program, meeting_ = _public_meeting(request, program_id)
    groups = selectors.my_groups(request.user) if request.user.is_authenticated else []
    over = selectors.is_over(program)
    return render(
        request,
        "exchanges/meeting.html",
        {
            "program": program,
            "meeting": meeting_,
            "groups": groups,
            "part": selectors.group_part(program, groups) if groups else None,
            "over": over,
            "open": program.status == Program.Status.PUBLISHED and not over,
            "counts": seat_counts(program),
            "mix": selectors.generation_mix(program),
            "can_coordinate": can_coordinate(request.user, program),
        },
    )


def _group_form_page(
    request: HttpRequest, program_id: int, form_class: type[PresentationForm | TableForm | AttendanceForm], kind: str
) -> HttpResponse:
    program, meeting_ = _public_meeting(request, program_id)
    groups = selectors.my_groups(request.user)
    if not groups:
        return render(request, "exchanges/no_group.html", {"program": program}, status=403)
    form = form_class(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group = data.pop("group")
        try:
            if kind == "present":
                services.presentation_apply(program=program, group=group, actor=_user(request), **data)
                messages.success(
                    request, _("Your application to present is sent. The coordinator will tell you the decision.")
                )
            elif kind == "table":
                services.table_apply(program=program, group=group, actor=_user(request), **data)
                messages.success(request, _("Your application for a table is sent."))
            else:
                attendance = services.group_attendance_register(
                    program=program, group=group, actor=_user(request), **data
                )
                if attendance.registration is not None and attendance.registration.status == "waitlisted":
                    messages.warning(request, _("The meeting is full: your group is on the waiting list."))
                else:
                    messages.success(request, _("Your group's members are registered."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("exchanges:meeting", program.pk)
    return render(request, f"exchanges/{kind}.html", {"program": program, "meeting": meeting_, "form": form})


@login_required
def present(request: HttpRequest, program_id: int) -> HttpResponse:
    return _group_form_page(request, program_id, PresentationForm, "present")


@login_required
def table(request: HttpRequest, program_id: int) -> HttpResponse:
    return _group_form_page(request, program_id, TableForm, "table")


@login_required
def attend(request: HttpRequest, program_id: int) -> HttpResponse:
    return _group_form_page(request, program_id, AttendanceForm, "attend")


def _own_presentation(request: HttpRequest, presentation_id: int) -> Presentation:
    presentation = get_object_or_404(Presentation.objects.select_related("group", "program"), pk=presentation_id)
    if not can_act_for_group(request.user, presentation.group):
        raise PermissionDenied
    return presentation


@login_required
def material_add(request: HttpRequest, presentation_id: int) -> HttpResponse:
    presentation = _own_presentation(request, presentation_id)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_upload(
                presentation=presentation,
                actor=_user(request),
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The material is uploaded."))
            return redirect("exchanges:meeting", presentation.program_id)
    return render(
        request,
        "exchanges/material.html",
        {"presentation": presentation, "program": presentation.program, "form": form},
    )


@login_required
@require_POST
def consent(request: HttpRequest, presentation_id: int) -> HttpResponse:
    presentation = _own_presentation(request, presentation_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.presentation_consent_set(
            presentation=presentation, actor=_user(request), materials_public=form.cleaned_data["materials_public"]
        )
        messages.success(request, _("Your choice is saved."))
    return redirect("exchanges:meeting", presentation.program_id)


@login_required
@require_POST
def withdraw(request: HttpRequest, presentation_id: int) -> HttpResponse:
    presentation = _own_presentation(request, presentation_id)
    try:
        services.presentation_withdraw(presentation=presentation, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your presentation is withdrawn."))
    return redirect("exchanges:meeting", presentation.program_id)


@login_required
def introduce(request: HttpRequest, program_id: int) -> HttpResponse:
    program, _meeting = _public_meeting(request, program_id)
    mine = list(selectors.my_groups(request.user))
    present = selectors.groups_at(program)
    present_ids = {group.pk for group in present}
    mine = [group for group in mine if group.pk in present_ids]
    if not mine:
        return render(request, "exchanges/no_group.html", {"program": program}, status=403)
    others = [group for group in present if group.pk not in {g.pk for g in mine}]
    form = IntroductionForm(request.POST or None, mine=mine, others=others)
    if request.method == "POST" and form.is_valid():
        try:
            services.introduction_request(
                program=program,
                from_group=form.cleaned_data["from_group"],
                to_group=form.cleaned_data["to_group"],
                actor=_user(request),
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your message is on its way to the other group."))
            return redirect("exchanges:meeting", program.pk)
    return render(request, "exchanges/introduce.html", {"program": program, "form": form})


def survey(request: HttpRequest, token: str) -> HttpResponse:
    registration = services.survey_registration(token)
    if registration is None:
        raise Http404
    program = registration.program
    answered = hasattr(registration, "exchange_survey_response")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.survey_respond(registration=registration, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return render(request, "exchanges/survey_thanks.html", {"program": program})
    return render(request, "exchanges/survey.html", {"program": program, "form": form, "answered": answered})
