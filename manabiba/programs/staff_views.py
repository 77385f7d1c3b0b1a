"""Staff pages for programmes: lists, the review queue, the form, and the status workflow.

Department staff publish their own department's programmes; what group organisers and
citizen lecturers write waits for the coordinator, who publishes it or returns it with a reason.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.permissions import has_permission
from manabiba.core.picker import picker_search_requested
from manabiba.programs import services
from manabiba.programs.models import ClashAcknowledgement, Organizer, Program
from manabiba.programs.permissions import can_edit_program, can_manage_program, can_publish_program
from manabiba.programs.selectors import author_organizer
from manabiba.programs.staff_clashes import ClashCheck, clash_check
from manabiba.programs.staff_forms import (
    FIELDSETS,
    BaseSessionFormSet,
    ProgramForm,
    ReasonForm,
    service_errors_to_form,
    session_formset_class,
    session_initial,
)
from manabiba.programs.staff_selectors import programs_for_staff, programs_returned, programs_waiting_for_review

SESSIONS_PREFIX = "sessions"
MORE_DATES = "more_dates"


def _may_choose_organizer(user: Any) -> bool:
    return has_permission(user, "programs.review")


def _own_organizer_name(user: Any) -> str:
    """Whose name a new programme goes out under when the writer cannot choose."""
    return author_organizer(user).name


def _own_organizer(user: Any) -> Organizer:
    return services.organizer_for_author(user=user)


def _can_view(user: Any, program: Program) -> bool:
    # can_manage_program last: it may cost a query (the organiser's editors, such as a group's).
    return (
        can_edit_program(user, program)
        or can_publish_program(user, program)
        or program.created_by_id == user.pk
        or can_manage_program(user, program)
    )


@permission_required("programs.create")
def program_list(request: HttpRequest) -> HttpResponse:
    reviewer = has_permission(request.user, "programs.review")
    tab = request.GET.get("tab", "review" if reviewer else "all")
    if tab == "review" and reviewer:
        programs = programs_waiting_for_review()
    elif tab == "returned":
        programs = programs_returned(request.user)
    else:
        tab = "all"
        programs = programs_for_staff(request.user)
    page = Paginator(programs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/staff/list.html",
        {
            "page": page,
            "tab": tab,
            "reviewer": reviewer,
            "waiting": programs_waiting_for_review().count() if reviewer else 0,
        },
    )


def _form_page(
    request: HttpRequest,
    *,
    form: ProgramForm,
    sessions: BaseSessionFormSet,
    program: Program | None,
    clash: ClashCheck | None = None,
) -> HttpResponse:
    fieldsets = [
        (key, legend, [form[name] for name in names if name in form.fields]) for key, legend, names in FIELDSETS
    ]
    return render(
        request,
        "programs/staff/form.html",
        {
            "form": form,
            "sessions": sessions,
            "fieldsets": fieldsets,
            "program": program,
            "clash": clash,
            "clash_form": clash.form if clash else None,
            "organizer_name": (
                None
                if "organizer" in form.fields
                else (program.organizer.name if program else _own_organizer_name(request.user))
            ),
        },
    )


def _bound_forms(request: HttpRequest, program: Program | None) -> tuple[ProgramForm, BaseSessionFormSet, bool]:
    """The form and the dates as posted; with "more dates", one more empty row and no verdict yet.

    A search in a picker (the organiser, the co-hosts: core/picker.py) also shows the form again as
    typed, with the list narrowed, and saves nothing.
    """
    searching = picker_search_requested(request.POST)
    more = MORE_DATES in request.POST
    data = request.POST.copy()
    formset_class = session_formset_class()
    if more:
        total = f"{SESSIONS_PREFIX}-TOTAL_FORMS"
        try:
            data[total] = str(min(int(data.get(total, "1")) + 1, 200))
        except ValueError:
            data[total] = "1"
    form = ProgramForm(data, request.FILES, instance=program, organizer_choice=_may_choose_organizer(request.user))
    initial = session_initial(program.sessions.all()) if program else None
    sessions = formset_class(data, prefix=SESSIONS_PREFIX, initial=initial)
    if more or searching:
        form.hold_errors()
        sessions.hold_errors()
    return form, sessions, more or searching


def _clash_check(
    request: HttpRequest, form: ProgramForm, sessions: BaseSessionFormSet, program: Program | None
) -> ClashCheck:
    """Warn before saving when the plan clashes with another department's (programs/staff_clashes.py)."""
    return clash_check(
        user=request.user,
        data=request.POST,
        program=program,
        cleaned=form.cleaned_data,
        sessions=sessions.session_times(),
    )


@permission_required("programs.create")
def program_new(request: HttpRequest) -> HttpResponse:
    chooser = _may_choose_organizer(request.user)
    if not chooser and not getattr(request.user, "full_name", ""):
        messages.error(request, _("Add your name to your details first: programmes show who runs them."))
        return redirect("accounts:profile_edit")
    if request.method != "POST":
        form = ProgramForm(organizer_choice=chooser)
        sessions = session_formset_class()(prefix=SESSIONS_PREFIX)
        return _form_page(request, form=form, sessions=sessions, program=None)
    form, sessions, more = _bound_forms(request, None)
    if more or not (form.is_valid() and sessions.is_valid()):
        return _form_page(request, form=form, sessions=sessions, program=None)
    clash = _clash_check(request, form, sessions, None)
    if clash.blocks:
        return _form_page(request, form=form, sessions=sessions, program=None, clash=clash)
    arguments = form.service_arguments()
    try:
        # One transaction: the organiser (and a clash acknowledged) only along with the programme.
        with transaction.atomic():
            if not chooser:
                arguments["organizer"] = _own_organizer(request.user)
            program = services.program_create(actor=request.user, sessions=sessions.session_times(), **arguments)
            clash.acknowledge(program=program, actor=request.user)
    except ValidationError as error:
        service_errors_to_form(form, error)
        return _form_page(request, form=form, sessions=sessions, program=None)
    messages.success(request, _("Saved as a draft."))
    return redirect("staff_programs:detail", program_id=program.pk)


@permission_required("programs.create")
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("organizer"), pk=program_id)
    if not can_edit_program(request.user, program):
        raise PermissionDenied
    if request.method != "POST":
        form = ProgramForm(instance=program, organizer_choice=_may_choose_organizer(request.user))
        sessions = session_formset_class()(prefix=SESSIONS_PREFIX, initial=session_initial(program.sessions.all()))
        return _form_page(request, form=form, sessions=sessions, program=program)
    form, sessions, more = _bound_forms(request, program)
    if more or not (form.is_valid() and sessions.is_valid()):
        return _form_page(request, form=form, sessions=sessions, program=program)
    clash = _clash_check(request, form, sessions, program)
    if clash.blocks:
        return _form_page(request, form=form, sessions=sessions, program=program, clash=clash)
    try:
        with transaction.atomic():
            services.program_update(
                program=program, actor=request.user, sessions=sessions.session_times(), **form.service_arguments()
            )
            clash.acknowledge(program=program, actor=request.user)
    except ValidationError as error:
        service_errors_to_form(form, error)
        return _form_page(request, form=form, sessions=sessions, program=program)
    messages.success(request, _("Saved."))
    return redirect("staff_programs:detail", program_id=program.pk)


@permission_required("programs.create")
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(
        Program.objects.select_related("organizer", "facility", "room", "area", "created_by").prefetch_related(
            "sessions",
            "categories",
            "audiences",
            "co_organizers",
            Prefetch(
                "clash_acknowledgements",
                queryset=ClashAcknowledgement.objects.select_related("acknowledged_by").prefetch_related("others"),
            ),
        ),
        pk=program_id,
    )
    user = request.user
    if not _can_view(user, program):
        raise PermissionDenied
    status = program.status
    may_publish = can_publish_program(user, program)
    open_states = {Program.Status.DRAFT, Program.Status.SUBMITTED}
    return render(
        request,
        "programs/staff/detail.html",
        {
            "program": program,
            "can_edit": can_edit_program(user, program),
            "can_manage": can_manage_program(user, program),
            "can_submit": status == Program.Status.DRAFT and not may_publish and can_edit_program(user, program),
            "can_publish": may_publish and status in open_states,
            "can_return": has_permission(user, "programs.review") and status == Program.Status.SUBMITTED,
            "can_cancel": may_publish and status in open_states | {Program.Status.PUBLISHED},
        },
    )


def _act(request: HttpRequest, program_id: int, action: str) -> HttpResponse:
    """Run one workflow step and say how it went; the services check who may."""
    program = get_object_or_404(Program, pk=program_id)
    reason = ""
    if action in {"return", "cancel"}:
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "submit":
            services.program_submit(program=program, actor=request.user)
            messages.success(request, _("Sent to the coordinator for review."))
        elif action == "publish":
            services.program_publish(program=program, actor=request.user)
            messages.success(request, _("Published. Residents can now find it."))
        elif action == "return":
            services.program_return(program=program, actor=request.user, reason=reason)
            messages.success(request, _("Returned to its author with your reason."))
        else:
            services.program_cancel(program=program, actor=request.user, reason=reason)
            messages.success(request, _("Cancelled. The reason is shown on the programme's page."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("staff_programs:detail", program_id=program.pk)


@permission_required("programs.create")
@require_POST
def program_submit(request: HttpRequest, program_id: int) -> HttpResponse:
    return _act(request, program_id, "submit")


@permission_required("programs.publish_own")
@require_POST
def program_publish(request: HttpRequest, program_id: int) -> HttpResponse:
    return _act(request, program_id, "publish")


@permission_required("programs.review")
@require_POST
def program_return(request: HttpRequest, program_id: int) -> HttpResponse:
    return _act(request, program_id, "return")


@permission_required("programs.publish_own")
@require_POST
def program_cancel(request: HttpRequest, program_id: int) -> HttpResponse:
    return _act(request, program_id, "cancel")
