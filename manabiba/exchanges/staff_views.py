"""The coordinator's pages: the meetings they run, decisions, the timetable, tables, attendance and the survey."""

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.exchanges import selectors, services
from manabiba.exchanges.forms import DecisionForm, MeetingForm, PresentCountForm, SlotForm, TableDecisionForm
from manabiba.exchanges.models import ExchangeMeeting, FairTable, GroupAttendance, Presentation, TimetableSlot
from manabiba.exchanges.permissions import can_coordinate
from manabiba.exchanges.views import _add_errors
from manabiba.programs.models import Program


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _program(request: HttpRequest, program_id: int) -> Program:
    program = selectors.exchange_program(program_id)
    if program is None:
        raise Http404
    if not can_coordinate(request.user, program):
        raise PermissionDenied
    return program


@permission_required("exchanges.manage")
def program_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchanges/staff/list.html",
        {
            "programs": selectors.exchange_programs_for(request.user),
            "to_decide": selectors.presentations_to_decide(request.user),
            "materials_missing": selectors.materials_missing_for(request.user),
        },
    )


@permission_required("exchanges.manage")
def manage(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    meeting = ExchangeMeeting.objects.filter(program=program).first()
    form = MeetingForm(request.POST or None, instance=meeting or ExchangeMeeting(program=program))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_setup(program=program, actor=_user(request), **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("staff_exchanges:manage", program.pk)
    attendances = list(selectors.attendances_of(program)) if meeting else []
    if attendances:
        # The groups' names and contact come with their registrations: personal data seen is logged.
        audit_log(
            action="accounts.personal_data.viewed",
            actor=_user(request),
            target=program,
            data={"view": "exchanges.attendance"},
        )
    return render(
        request,
        "exchanges/staff/manage.html",
        {
            "program": program,
            "meeting": meeting,
            "form": form,
            "presentations": list(selectors.presentations_of(program)) if meeting else [],
            "tables": list(selectors.tables_of(program)) if meeting else [],
            "attendances": attendances,
            "decision_form": DecisionForm(),
            "table_form": TableDecisionForm(),
            "over": selectors.is_over(program),
            "mix": selectors.generation_mix(program) if meeting else [],
        },
    )


def _decided(
    request: HttpRequest, program: Program, form: forms.Form, decide: Callable[..., object], done: str
) -> HttpResponse:
    """Runs one decision form through its service and returns to the meeting's page with the outcome."""
    if form.is_valid():
        try:
            decide(actor=_user(request), **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("staff_exchanges:manage", program.pk)


@permission_required("exchanges.manage")
@require_POST
def decide(request: HttpRequest, presentation_id: int) -> HttpResponse:
    presentation = get_object_or_404(Presentation.objects.select_related("program"), pk=presentation_id)
    program = _program(request, presentation.program_id)
    return _decided(
        request,
        program,
        DecisionForm(request.POST),
        partial(services.presentation_decide, presentation=presentation),
        _("The decision is saved and the group is told."),
    )


@permission_required("exchanges.manage")
@require_POST
def table_decide(request: HttpRequest, table_id: int) -> HttpResponse:
    table = get_object_or_404(FairTable.objects.select_related("program"), pk=table_id)
    program = _program(request, table.program_id)
    return _decided(
        request,
        program,
        TableDecisionForm(request.POST),
        partial(services.table_decide, table=table),
        _("The table is saved."),
    )


@permission_required("exchanges.manage")
@require_POST
def attendance_record(request: HttpRequest, attendance_id: int) -> HttpResponse:
    attendance = get_object_or_404(GroupAttendance.objects.select_related("program"), pk=attendance_id)
    program = _program(request, attendance.program_id)
    form = PresentCountForm(request.POST)
    if form.is_valid():
        services.group_attendance_record(
            attendance=attendance, actor=_user(request), members_present=form.cleaned_data["members_present"]
        )
        messages.success(request, _("Attendance is recorded."))
    else:
        messages.error(request, _("Enter the number of members who came."))
    return redirect("staff_exchanges:manage", program.pk)


@permission_required("exchanges.manage")
def timetable(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    meeting = ExchangeMeeting.objects.filter(program=program).first()
    if meeting is None:
        messages.error(request, _("Set the meeting up first."))
        return redirect("staff_exchanges:manage", program.pk)
    unplaced = (
        Presentation.objects.filter(program=program, status=Presentation.Status.ACCEPTED, slot__isnull=True)
        .select_related("group")
        .order_by("created_at")
    )
    first = program.first_starts_at
    initial = {"day": timezone.localtime(first).date()} if first else {}
    form = SlotForm(
        request.POST or None,
        initial=initial,
        stages=meeting.stage_list or [_("Main stage")],
        presentations=unplaced,
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            services.slot_add(
                program=program,
                actor=_user(request),
                stage=form.cleaned_data["stage"],
                starts_at=starts_at,
                ends_at=ends_at,
                presentation=form.cleaned_data["presentation"],
                label=form.cleaned_data["label"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                moved = {
                    ("starts" if k == "starts_at" else "ends" if k == "ends_at" else k): v
                    for k, v in error.error_dict.items()
                }
                error = ValidationError(moved)
            _add_errors(form, error)
        else:
            messages.success(request, _("The slot is added."))
            return redirect("staff_exchanges:timetable", program.pk)
    return render(
        request,
        "exchanges/staff/timetable.html",
        {"program": program, "meeting": meeting, "form": form, "stages": selectors.timetable(program)},
    )


@permission_required("exchanges.manage")
@require_POST
def slot_remove(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = get_object_or_404(TimetableSlot.objects.select_related("program"), pk=slot_id)
    program = _program(request, slot.program_id)
    services.slot_remove(slot=slot, actor=_user(request))
    messages.success(request, _("The slot is removed."))
    return redirect("staff_exchanges:timetable", program.pk)


@permission_required("exchanges.manage")
@require_POST
def publish(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    try:
        mailed = services.timetable_publish(program=program, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The timetable is published. %(count)s presenters were mailed their time.") % {"count": mailed},
        )
    return redirect("staff_exchanges:timetable", program.pk)


@permission_required("exchanges.manage")
@require_POST
def survey_send(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    try:
        sent = services.survey_send(program=program, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The survey is sent to %(count)s attendees.") % {"count": sent})
    return redirect("staff_exchanges:manage", program.pk)


@permission_required("exchanges.manage")
def survey_results(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    return render(
        request,
        "exchanges/staff/survey.html",
        {"program": program, "results": selectors.survey_results(program)},
    )
