"""Staff pages for registrations: the programmes taking them, a programme's registrants (every look
logged by the selector), its settings, the draw, the waiting list, cancelling, the minimum-enrolment
decision, registering a caller at the desk, the roster and check-in at the door, and the CSV export.

Who may do what is decided per programme by ``registrations.permissions`` and re-checked by the
services; these views only show what the person may use.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import second_factor_required
from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.core.picker import picker_hold_errors, picker_search_requested
from manabiba.core.spreadsheet import spreadsheet_response
from manabiba.programs.models import Program, ProgramSession
from manabiba.registrations import selectors, services
from manabiba.registrations.forms import (
    CheckInCodeForm,
    MinimumDecisionForm,
    OnBehalfForm,
    ProgramCancelForm,
    ProgramPickForm,
    SessionNoticeForm,
    SettingsForm,
    StaffCancelForm,
    StatusFilterForm,
    WaitlistMoveForm,
    WithParticipants,
    participants_for,
    question_formset,
    question_initial,
)
from manabiba.registrations.models import LotteryDraw, Registration, RegistrationQuestion, RegistrationSettings
from manabiba.registrations.permissions import (
    can_check_in,
    can_export_participants,
    can_manage_registrations,
    can_register_on_behalf,
    can_view_registrants,
    is_staff_canceller,
)

Status = Registration.Status
QUESTIONS_PREFIX = "questions"
STAFF_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _program(program_id: int) -> Program:
    return get_object_or_404(Program.objects.select_related("organizer").prefetch_related("sessions"), pk=program_id)


def _posted_registration(request: HttpRequest, program: Program) -> Registration:
    """The registration of ``program`` named by the form's ``registration`` field; 404 when it is not one."""
    value = request.POST.get("registration", "")
    if not value.isascii() or not value.isdigit():
        raise Http404
    return get_object_or_404(Registration, pk=int(value), program=program)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You cannot do this.")


def _is_draw_due(program: Program) -> bool:
    reg_settings = selectors.registration_settings_for(program)
    if not reg_settings.is_lottery or LotteryDraw.objects.filter(program=program).exists():
        return False
    close = program.applications_close_at
    return close is None or close <= timezone.now()


# --- index -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramRow:
    program: Program
    capacity: int | None
    seats_taken: int
    applied: int
    waitlisted: int
    is_lottery: bool
    draw_due: bool


@dataclass(frozen=True)
class PageNav:
    """One page of a staff list and the links to its neighbours (plain links: no script needed)."""

    page: Page[Program]
    previous: str | None
    next: str | None


def _paged(request: HttpRequest, programs: QuerySet[Program], param: str) -> PageNav:
    page = Paginator(programs, STAFF_PAGE_SIZE).get_page(request.GET.get(param))

    def link(number: int) -> str:
        params = request.GET.copy()
        params[param] = str(number)
        return f"?{params.urlencode()}"

    return PageNav(
        page=page,
        previous=link(page.previous_page_number()) if page.has_previous() else None,
        next=link(page.next_page_number()) if page.has_next() else None,
    )


def _rows(nav: PageNav, *, draw_due: bool) -> list[ProgramRow]:
    return [
        ProgramRow(
            program=program,
            capacity=program.capacity,
            seats_taken=getattr(program, "seats_taken", 0),
            applied=getattr(program, "applied", 0),
            waitlisted=getattr(program, "waitlisted", 0),
            is_lottery=getattr(program, "allocation", None) == RegistrationSettings.Allocation.LOTTERY,
            draw_due=draw_due,
        )
        for program in nav.page.object_list
    ]


@second_factor_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    programs = selectors.staff_programs_with_registrations(user)
    due = selectors.lotteries_due()
    due_nav = _paged(request, programs.filter(pk__in=due), "due_page")
    open_nav = _paged(request, programs.exclude(pk__in=due), "page")
    staff_like = has_permission(user, "registrations.view_participants") or has_permission(
        user, "registrations.register_on_behalf"
    )
    if not staff_like and not due_nav.page.paginator.count and not open_nav.page.paginator.count:
        raise PermissionDenied
    return render(
        request,
        "registrations/staff/index.html",
        {
            "open_rows": _rows(open_nav, draw_due=False),
            "open_nav": open_nav,
            "due_rows": _rows(due_nav, draw_due=True),
            "due_nav": due_nav,
            "below": list(selectors.programs_below_minimum(manager=user)),
            "offers": list(selectors.offers_expiring(user=user, now=timezone.now()))
            if has_permission(user, "registrations.manage")
            else [],
            "can_register": has_permission(user, "registrations.register_on_behalf"),
        },
    )


# --- one programme ---------------------------------------------------------------------------------


def _program_context(user: User, program: Program) -> dict[str, Any]:
    reg_settings = selectors.registration_settings_for(program)
    return {
        "program": program,
        "reg_settings": reg_settings,
        "counts": selectors.seat_counts(program),
        "draw": LotteryDraw.objects.filter(program=program).first(),
        "draw_due": _is_draw_due(program),
        "can_manage": can_manage_registrations(user, program),
        "can_register": can_register_on_behalf(user, program),
        "can_export": can_export_participants(user, program),
        "can_check_in": can_check_in(user, program),
        "sessions": list(program.sessions.all()),
    }


@second_factor_required
def program_registrants(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    user = _user(request)
    _require(can_view_registrants(user, program))
    status_form = StatusFilterForm(request.GET or None)
    statuses = status_form.statuses()
    registrants = list(
        selectors.program_registrants(program=program, viewer=user, view="registrants", statuses=statuses)
    )
    questions = selectors.registration_questions(program)
    return render(
        request,
        "registrations/staff/registrants.html",
        {
            **_program_context(user, program),
            "status_form": status_form,
            "registrants": registrants,
            "questions": questions,
            # Whether someone cancels as staff depends on the programme only, not the registrant.
            "may_cancel": {r.pk for r in registrants if r.is_active}
            if is_staff_canceller(user, Registration(program=program))
            else set(),
        },
    )


@second_factor_required
def program_settings(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    user = _user(request)
    _require(can_manage_registrations(user, program))
    reg_settings = selectors.registration_settings_for(program)
    questions = selectors.registration_questions(program)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        question_forms = question_formset(request.POST, prefix=QUESTIONS_PREFIX)
        if form.is_valid() and question_forms.is_valid():
            try:
                services.registration_settings_update(
                    program=program,
                    actor=user,
                    priority_rules=form.priority_rules(),
                    questions=question_forms.specs(),
                    **form.settings_fields(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The registration settings are saved."))
                return redirect("staff_registrations:program", program_id=program.pk)
    else:
        form = SettingsForm(initial=SettingsForm.initial_for(reg_settings))
        question_forms = question_formset(prefix=QUESTIONS_PREFIX, initial=question_initial(questions))
    return render(
        request,
        "registrations/staff/settings.html",
        {**_program_context(user, program), "form": form, "question_forms": question_forms},
    )


# --- the draw --------------------------------------------------------------------------------------


@second_factor_required
def draw(request: HttpRequest, program_id: int) -> HttpResponse:
    """GET: the draw's result with names (staff only, logged); POST: run the draw now."""
    program = _program(program_id)
    user = _user(request)
    if request.method == "POST":
        _require(can_manage_registrations(user, program))
        try:
            services.lottery_draw(program=program, actor=user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            return redirect("staff_registrations:program", program_id=program.pk)
        messages.success(request, _("The draw has run. Everyone has been told the result by e-mail."))
        return redirect("staff_registrations:draw", program_id=program.pk)
    _require(can_view_registrants(user, program))
    lottery = LotteryDraw.objects.filter(program=program).select_related("drawn_by").first()
    ranked: list[tuple[int, Registration | None, bool]] = []
    verification = None
    if lottery is not None:
        by_id = {
            r.pk: r for r in selectors.program_registrants(program=program, viewer=user, view=f"draw:{lottery.pk}")
        }
        winners = set(lottery.winners)
        ranked = [(n, by_id.get(pk), pk in winners) for n, pk in enumerate(lottery.ranking, start=1)]
        verification = selectors.lottery_verify(lottery)
    return render(
        request,
        "registrations/staff/draw.html",
        {
            **_program_context(user, program),
            "lottery": lottery,
            "notice": selectors.draw_notice(program),
            "ranked": ranked,
            "verification": verification,
        },
    )


# --- the waiting list ------------------------------------------------------------------------------


@second_factor_required
def waitlist(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    user = _user(request)
    _require(can_view_registrants(user, program))
    failed: dict[int, WaitlistMoveForm] = {}
    if request.method == "POST":
        _require(can_manage_registrations(user, program))
        registration = _posted_registration(request, program)
        form = WaitlistMoveForm(request.POST, prefix=f"move-{registration.pk}")
        if form.is_valid():
            try:
                services.registration_waitlist_move(
                    registration=registration,
                    position=form.cleaned_data["position"],
                    actor=user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, texts in error.message_dict.items():
                        for text in texts:
                            form.add_error(key if key in form.fields else None, text)
                else:
                    form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, _("The waiting list is reordered; the reason is recorded."))
                return redirect("staff_registrations:waitlist", program_id=program.pk)
        failed[registration.pk] = form
    waiting = list(selectors.waitlist(program=program, viewer=user))
    rows = [
        (
            r,
            failed.get(r.pk) or WaitlistMoveForm(prefix=f"move-{r.pk}", initial={"position": r.waitlist_position}),
        )
        for r in waiting
    ]
    return render(
        request,
        "registrations/staff/waitlist.html",
        {**_program_context(user, program), "rows": rows, "has_errors": bool(failed)},
    )


# --- cancelling ------------------------------------------------------------------------------------


@second_factor_required
def registration_cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("program", "user"), pk=registration_id)
    program = registration.program
    user = _user(request)
    _require(is_staff_canceller(user, registration))
    services.registrants_viewed(viewer=user, program=program, view=f"cancel:{registration.pk}")
    form = StaffCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_cancel(registration=registration, actor=user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The registration is cancelled and the person has been told."))
        return redirect("staff_registrations:program", program_id=program.pk)
    return render(
        request,
        "registrations/staff/registration_cancel.html",
        {"program": program, "registration": registration, "form": form},
    )


@second_factor_required
def program_cancel(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    user = _user(request)
    _require(can_manage_registrations(user, program))
    form = ProgramCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.registrations_program_cancel(
                program=program, actor=user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                ngettext(
                    "The programme is cancelled; %(count)s registration was cancelled and told.",
                    "The programme is cancelled; %(count)s registrations were cancelled and told.",
                    told,
                )
                % {"count": told},
            )
            return redirect("staff_registrations:program", program_id=program.pk)
    return render(
        request,
        "registrations/staff/program_cancel.html",
        {**_program_context(user, program), "form": form},
    )


@second_factor_required
@require_POST
def minimum_decide(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    user = _user(request)
    _require(can_manage_registrations(user, program))
    form = MinimumDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"{program.title}: {text}")
        return redirect("staff_registrations:index")
    run = form.cleaned_data["decision"] == "run"
    try:
        services.minimum_enrolment_decide(program=program, actor=user, run=run, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("“%(title)s” will run.") % {"title": program.title}
            if run
            else _("“%(title)s” is cancelled and everyone registered has been told.") % {"title": program.title},
        )
    return redirect("staff_registrations:index")


# --- registering on someone's behalf ---------------------------------------------------------------


@second_factor_required
def register_choose(request: HttpRequest) -> HttpResponse:
    """The desk: choose the programme the caller wants."""
    user = _user(request)
    _require(has_permission(user, "registrations.register_on_behalf"))
    programs = selectors.programs_to_register_for(user, now=timezone.now())
    # A GET form: "Next" with a programme goes on; the search (its button, Enter in its box, or htmx
    # as one types) shows the list again narrowed (core/picker.py).
    form = ProgramPickForm(request.GET or None, programs=programs)
    if form.is_bound and not picker_search_requested(request.GET) and form.is_valid():
        return redirect("staff_registrations:register", program_id=form.cleaned_data["program"].pk)
    if form.is_bound:
        picker_hold_errors(form)
    return render(
        request, "registrations/staff/register_choose.html", {"form": form, "any_programs": programs.exists()}
    )


@second_factor_required
def register(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(program_id)
    user = _user(request)
    _require(can_register_on_behalf(user, program))
    reg_settings = selectors.registration_settings_for(program)
    questions: list[RegistrationQuestion] = selectors.registration_questions(program)
    resize = request.method == "POST" and request.POST.get("step") == "resize"
    if request.method == "POST" and not resize:
        form = OnBehalfForm(request.POST, reg_settings=reg_settings, questions=questions)
        forms = WithParticipants(form, participants_for(reg_settings, data=request.POST, first_name_optional=True))
    else:
        # "Show a row for each person": the values typed so far, as many rows as people, no judgement yet.
        values = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
        form = OnBehalfForm(initial=values, reg_settings=reg_settings, questions=questions)
        forms = WithParticipants(
            form,
            participants_for(
                reg_settings, source=values, applicant=request.POST.get("full_name", ""), first_name_optional=True
            ),
        )
    duplicate: Registration | None = None
    if request.method == "POST" and not resize and forms.is_valid():
        data = form.cleaned_data
        allow_duplicate = bool(data.get("allow_duplicate")) or "register_anyway" in request.POST
        try:
            registration = services.registration_submit_on_behalf(
                program=program,
                actor=user,
                channel=data["channel"],
                user=data["user"],
                full_name=data["full_name"],
                full_name_kana=data["full_name_kana"],
                phone=data["phone"],
                email=data["email"],
                party_size=forms.party_size(),
                participants=forms.specs(),
                answers=form.answers(),
                consent=data["consent"],
                lives_in_city=data["lives_in_city"],
                works_in_city=data["works_in_city"],
                studies_in_city=data["studies_in_city"],
                attends_every_session=data["attends_every_session"],
                age_band=data["age_band"],
                area=data["area"],
                allow_duplicate=allow_duplicate,
            )
        except services.DuplicateRegistrationError as error:
            duplicate = error.registration
            services.registrants_viewed(viewer=user, program=program, view="duplicate_warning")
        except services.AlreadyRegisteredError:
            form.add_error("account", _("This account already has a registration for this programme."))
        except ValidationError as error:
            forms.add_service_errors(error)
        else:
            messages.success(
                request, _("Registered. Status: %(status)s.") % {"status": registration.get_status_display()}
            )
            return redirect("staff_registrations:slip", registration_id=registration.pk)
    return render(
        request,
        "registrations/staff/register.html",
        {
            **_program_context(user, program),
            "form": form,
            "participants": forms.participants,
            "reg_settings": reg_settings,
            "duplicate": duplicate,
        },
    )


@second_factor_required
def slip(request: HttpRequest, registration_id: int) -> HttpResponse:
    """What was registered, to read back to the caller, and to print for someone without e-mail."""
    registration = get_object_or_404(Registration.objects.select_related("program", "user"), pk=registration_id)
    program = registration.program
    user = _user(request)
    _require(can_register_on_behalf(user, program) or can_view_registrants(user, program))
    services.registrants_viewed(viewer=user, program=program, view=f"slip:{registration.pk}")
    reg_settings = selectors.registration_settings_for(program)
    return render(
        request,
        "registrations/staff/slip.html",
        {
            "program": program,
            "registration": registration,
            "participants": list(registration.participants.all()),
            "sessions": list(program.sessions.all()),
            "needs_slip": selectors.needs_printed_slip(registration),
            "draw_at": (reg_settings.draw_at or program.applications_close_at) if reg_settings.is_lottery else None,
        },
    )


# --- roster, check-in and export -------------------------------------------------------------------


def _session(session_id: int) -> ProgramSession:
    return get_object_or_404(ProgramSession.objects.select_related("program", "program__organizer"), pk=session_id)


@second_factor_required
def roster(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(session_id)
    program = session.program
    user = _user(request)
    _require(can_view_registrants(user, program))
    rows = selectors.roster(session=session, viewer=user)
    return render(
        request,
        "registrations/staff/roster.html",
        {
            "program": program,
            "session": session,
            "rows": rows,
            "people": sum(r.party_size for r, _a in rows),
            "printed_at": timezone.now(),
        },
    )


@second_factor_required
def session_cancel_notice(request: HttpRequest, session_id: int) -> HttpResponse:
    """Tell everyone with a place that one session will not take place."""
    session = _session(session_id)
    program = session.program
    user = _user(request)
    _require(can_manage_registrations(user, program))
    form = SessionNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.registrations_session_cancel_notify(
                session=session, actor=user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person with a place has been told by e-mail.",
                    "%(count)s people with a place have been told by e-mail.",
                    told,
                )
                % {"count": told},
            )
            return redirect("staff_registrations:program", program_id=program.pk)
    return render(
        request,
        "registrations/staff/session_notice.html",
        {"program": program, "session": session, "form": form},
    )


@second_factor_required
def check_in(request: HttpRequest, session_id: int) -> HttpResponse:
    """For a tablet at the door: type the code, or tick the name on the roster."""
    session = _session(session_id)
    program = session.program
    user = _user(request)
    _require(can_check_in(user, program))
    code_form = CheckInCodeForm(request.POST if "code" in request.POST else None)
    if request.method == "POST":
        if "code" in request.POST:
            if code_form.is_valid():
                try:
                    attendance = services.attendance_check_in(
                        session=session, code=code_form.cleaned_data["code"], actor=user
                    )
                except ValidationError as error:
                    code_form.add_error("code", " ".join(error.messages))
                else:
                    name = attendance.registration.full_name
                    messages.success(request, _("Welcome, %(name)s: checked in.") % {"name": name})
                    return redirect("staff_registrations:check_in", session_id=session.pk)
        else:
            registration = _posted_registration(request, program)
            present = request.POST.get("present") != "0"
            try:
                services.attendance_record(session=session, registration=registration, actor=user, present=present)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if present:
                    messages.success(request, _("%(name)s: present.") % {"name": registration.full_name})
                else:
                    messages.success(request, _("%(name)s: marked absent.") % {"name": registration.full_name})
            return redirect("staff_registrations:check_in", session_id=session.pk)
    rows = selectors.roster(session=session, viewer=user)
    return render(
        request,
        "registrations/staff/check_in.html",
        {
            "program": program,
            "session": session,
            "rows": rows,
            "code_form": code_form,
            "present_count": sum(1 for _r, a in rows if a is not None and a.present),
        },
    )


@second_factor_required
def export_csv(request: HttpRequest, program_id: int) -> HttpResponse:
    """The participant list for the organiser: UTF-8 with a BOM, so Excel opens it as Japanese."""
    program = _program(program_id)
    user = _user(request)
    _require(can_export_participants(user, program))
    registrants = selectors.program_registrants(program=program, viewer=user, view="export_csv")
    questions = selectors.registration_questions(program)
    sessions = list(program.sessions.all())
    registrants = registrants.prefetch_related("attendances")
    header = [
        _("Status"),
        _("Place on the waiting list"),
        _("Name"),
        _("Name in furigana"),
        _("Phone"),
        _("E-mail address"),
        _("Number of people"),
        pgettext("people named in an application", "Participants"),
        _("Channel"),
        _("Check-in code"),
        _("Priority tier"),
        _("Applied at"),
        *[q.label for q in questions],
        *[_("Session %(n)s attended") % {"n": n} for n, _session in enumerate(sessions, start=1)],
    ]
    rows = []
    for r in registrants:
        present = {a.session_id for a in r.attendances.all() if a.present}
        rows.append(
            [
                r.get_status_display(),
                r.waitlist_position,
                r.full_name,
                r.full_name_kana,
                r.phone,
                r.email,
                r.party_size,
                "; ".join(f"{p.position}. {p.label}" for p in r.participants.all()),
                r.get_channel_display(),
                r.check_in_code,
                r.tier,
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                *[str(r.answers.get(q.key, "")) for q in questions],
                *["1" if s.pk in present else "" for s in sessions],
            ]
        )
    return spreadsheet_response(f"participants-{program.pk}.csv", header, rows)
