"""Resident pages: apply for a programme, see and cancel one's registrations, confirm a place offered,
and the public draw notice of a lottery (counts and seed, never names)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.programs.models import Program, ProgramSession
from manabiba.registrations import selectors, services
from manabiba.registrations.forms import ApplyForm, CancelForm
from manabiba.registrations.models import Registration

Status = Registration.Status


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _public_program(program_id: int) -> Program:
    program = get_object_or_404(Program.objects.select_related("organizer").prefetch_related("sessions"), pk=program_id)
    if program.status not in {Program.Status.PUBLISHED, Program.Status.FINISHED, Program.Status.CANCELLED}:
        raise Http404
    return program


@login_required
def apply(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _public_program(program_id)
    user = _user(request)
    existing = selectors.active_registration(user, program)
    if existing is not None:
        messages.info(request, _("You have already applied for this programme."))
        return redirect("registrations:detail", registration_id=existing.pk)
    reg_settings = selectors.registration_settings_for(program)
    questions = selectors.registration_questions(program)
    form = ApplyForm(request.POST or None, reg_settings=reg_settings, questions=questions)
    closed = selectors.online_application_refusal(program, now=timezone.now())
    if request.method == "POST" and closed is None and form.is_valid():
        try:
            registration = services.registration_submit(
                program=program,
                user=user,
                party_size=form.cleaned_data["party_size"],
                answers=form.answers(),
                consent=form.cleaned_data["consent"],
                attends_every_session=bool(form.cleaned_data.get("attends_every_session")),
            )
        except services.AlreadyRegisteredError as error:
            return redirect("registrations:detail", registration_id=error.registration.pk)
        except ValidationError as error:
            if getattr(error, "code", None) == "closed":
                closed = " ".join(error.messages)
            else:
                form.add_service_errors(error)
        else:
            return redirect("registrations:detail", registration_id=registration.pk)
    return render(
        request,
        "registrations/apply.html",
        {
            "program": program,
            "form": form,
            "reg_settings": reg_settings,
            "closed": closed,
            "counts": selectors.seat_counts(program),
            "draw_at": selectors.draw_time(program) if reg_settings.is_lottery else None,
        },
    )


@dataclass(frozen=True)
class Row:
    registration: Registration
    next_session: ProgramSession | None
    may_cancel: bool


def _next_session(program: Program, now: datetime) -> ProgramSession | None:
    for session in program.sessions.all():
        if session.starts_at >= now:
            return session
    return None


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    """One row per programme, its latest application: re-applying after cancelling shows it once.

    A programme still to come stays under the current ones whatever the state of the application
    (a cancelled one reads "you cancelled your application"); only finished programmes are earlier."""
    now = timezone.now()
    latest: dict[int, Registration] = {}
    for registration in selectors.registrations_of(_user(request)):
        kept = latest.get(registration.program_id)
        if kept is None or registration.pk > kept.pk:
            latest[registration.program_id] = registration
    rows = [
        Row(registration=r, next_session=_next_session(r.program, now), may_cancel=r.is_active)
        for r in selectors.registrations_of(_user(request))
        if latest[r.program_id].pk == r.pk
    ]
    return render(
        request,
        "registrations/my_registrations.html",
        {
            "active": [row for row in rows if row.registration.is_active or row.next_session is not None],
            "past": [row for row in rows if not row.registration.is_active and row.next_session is None],
        },
    )


def _own(request: HttpRequest, registration_id: int) -> Registration:
    registration = selectors.registration_of(_user(request), registration_id)
    if registration is None:
        raise Http404
    return registration


@login_required
def detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _own(request, registration_id)
    program = registration.program
    reg_settings = selectors.registration_settings_for(program)
    return render(
        request,
        "registrations/detail.html",
        {
            "registration": registration,
            "program": program,
            "sessions": list(program.sessions.all()),
            "draw_at": selectors.draw_time(program) if reg_settings.is_lottery else None,
            "next_session": _next_session(program, timezone.now()),
            "answers": _labelled_answers(registration),
        },
    )


def _labelled_answers(registration: Registration) -> list[tuple[str, object]]:
    """The answers with their questions' labels, in the form's order."""
    questions = selectors.registration_questions(registration.program)
    labels = {q.key: q.label for q in questions}
    order = {q.key: n for n, q in enumerate(questions)}
    keys = sorted(registration.answers, key=lambda key: (order.get(key, len(order)), key))
    return [(labels.get(key, key), registration.answers[key]) for key in keys]


@login_required
def cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    """A confirmation step first (GET); the cancellation on POST."""
    registration = _own(request, registration_id)
    if not registration.is_active:
        messages.info(request, _("This registration is no longer active."))
        return redirect("registrations:mine")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_cancel(
                registration=registration, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return redirect("registrations:detail", registration_id=registration.pk)
        messages.success(request, _("Your registration is cancelled. We have sent you a confirmation."))
        return redirect("registrations:mine")
    return render(
        request,
        "registrations/cancel.html",
        {"registration": registration, "program": registration.program, "form": form},
    )


@login_required
@require_POST
def confirm(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _own(request, registration_id)
    try:
        services.registration_confirm(registration=registration, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your place is confirmed. See you there!"))
    return redirect("registrations:detail", registration_id=registration.pk)


def draw_notice(request: HttpRequest, program_id: int) -> HttpResponse:
    """The public notice of a programme's draw: when, the seed, the counts per tier. No names."""
    program = _public_program(program_id)
    reg_settings = selectors.registration_settings_for(program)
    if not reg_settings.is_lottery:
        raise Http404
    return render(
        request,
        "registrations/draw_notice.html",
        {
            "program": program,
            "notice": selectors.draw_notice(program),
            "draw_at": selectors.draw_time(program),
            "counts": selectors.seat_counts(program),
        },
    )
