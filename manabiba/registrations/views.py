"""Resident pages: apply for a programme, see and cancel one's registrations, confirm a place offered,
and the public draw notice of a lottery (counts and seed, never names)."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
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
from manabiba.programs.models import Program, ProgramSession
from manabiba.registrations import selectors, services
from manabiba.registrations.forms import (
    PARTICIPANTS_PREFIX,
    ApplyForm,
    CancelForm,
    WithParticipants,
    participants_for,
)
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


# The application in progress between the form (入力) and the confirmation (確認): the form's own
# values, kept in the session so that 「修正する」 brings them back and 「申し込む」 sends exactly what
# was shown. Removed when the application is made.
DRAFT_KEY = "registrations:draft:%s"
DRAFT_SKIP = frozenset({"csrfmiddlewaretoken", "step"})


class ApplyForms(WithParticipants):
    """The apply form and, where the programme names its participants, one row per person."""

    form: ApplyForm

    def submit_arguments(self) -> dict[str, Any]:
        data = self.form.cleaned_data
        return {
            "party_size": self.party_size(),
            "participants": self.specs(),
            "answers": self.form.answers(),
            "consent": data["consent"],
            "attends_every_session": bool(data.get("attends_every_session")),
        }


def _apply_forms(
    program: Program,
    user: User,
    *,
    data: Any = None,
    initial: Mapping[str, Any] | None = None,
) -> ApplyForms:
    """The forms bound to ``data``, or showing ``initial`` values (a draft, a form sent to change the
    number of rows) without judging them."""
    reg_settings = selectors.registration_settings_for(program)
    questions = selectors.registration_questions(program)
    form = ApplyForm(data, initial=dict(initial or {}), reg_settings=reg_settings, questions=questions)
    return ApplyForms(form, participants_for(reg_settings, data=data, source=initial, applicant=user.full_name))


def _apply_page(
    request: HttpRequest, program: Program, forms: ApplyForms, *, closed: str | None = None, status: int = 200
) -> HttpResponse:
    reg_settings = selectors.registration_settings_for(program)
    return render(
        request,
        "registrations/apply.html",
        {
            "program": program,
            "form": forms.form,
            "participants": forms.participants,
            "reg_settings": reg_settings,
            "closed": closed,
            "counts": selectors.seat_counts(program),
            "draw_at": selectors.draw_time(program) if reg_settings.is_lottery else None,
        },
        status=status,
    )


def _draft(request: HttpRequest, program: Program) -> dict[str, Any] | None:
    draft = request.session.get(DRAFT_KEY % program.pk)
    return draft if isinstance(draft, dict) and isinstance(draft.get("data"), dict) else None


@login_required
def apply(request: HttpRequest, program_id: int) -> HttpResponse:
    """Step 1 of 3 (入力): the form. Valid answers go to the confirmation page; nothing is applied yet."""
    program = _public_program(program_id)
    user = _user(request)
    existing = selectors.active_registration(user, program)
    if existing is not None:
        messages.info(request, _("You have already applied for this programme."))
        return redirect("registrations:detail", registration_id=existing.pk)
    closed = selectors.online_application_refusal(program, now=timezone.now())
    if request.method != "POST" or closed is not None:
        draft = _draft(request, program)
        forms = _apply_forms(program, user, initial=draft["data"] if draft else None)
        return _apply_page(request, program, forms, closed=closed)
    values = {key: value for key, value in request.POST.items() if key not in DRAFT_SKIP}
    if request.POST.get("step") == "resize":
        # "Show rows for this number of people": the same values, as many rows as people, no judgement yet.
        return _apply_page(request, program, _apply_forms(program, user, initial=values))
    forms = _apply_forms(program, user, data=request.POST)
    if not forms.is_valid():
        return _apply_page(request, program, forms)
    if forms.participants is not None:
        values[f"{PARTICIPANTS_PREFIX}-TOTAL_FORMS"] = str(len(forms.participants.forms))
    request.session[DRAFT_KEY % program.pk] = {"token": secrets.token_urlsafe(16), "data": values}
    return redirect("registrations:apply_confirm", program_id=program.pk)


@login_required
def apply_confirm(request: HttpRequest, program_id: int) -> HttpResponse:
    """Step 2 of 3 (確認): everything as it will be sent. 「申し込む」 applies (POST, once);
    「修正する」 goes back to the form with every value kept."""
    program = _public_program(program_id)
    user = _user(request)
    draft = _draft(request, program)
    if request.method == "POST" and (draft is None or request.POST.get("token") != draft.get("token")):
        # Sent twice (a reload, a double click) or from an old page: the first one applied, if any.
        existing = selectors.active_registration(user, program)
        if existing is not None:
            return redirect("registrations:complete", registration_id=existing.pk)
        messages.info(request, _("Please check your application again before sending it."))
        return redirect("registrations:apply", program_id=program.pk)
    if draft is None:
        return redirect("registrations:apply", program_id=program.pk)
    existing = selectors.active_registration(user, program)
    if existing is not None:
        request.session.pop(DRAFT_KEY % program.pk, None)
        return redirect("registrations:complete", registration_id=existing.pk)
    forms = _apply_forms(program, user, data=draft["data"])
    closed = selectors.online_application_refusal(program, now=timezone.now())
    if closed is not None or not forms.is_valid():
        # Applications closed meanwhile, or the programme's questions changed: back to the form.
        return _apply_page(request, program, forms, closed=closed)
    if request.method == "POST":
        try:
            registration = services.registration_submit(program=program, user=user, **forms.submit_arguments())
        except services.AlreadyRegisteredError as error:
            request.session.pop(DRAFT_KEY % program.pk, None)
            return redirect("registrations:complete", registration_id=error.registration.pk)
        except ValidationError as error:
            if getattr(error, "code", None) == "closed":
                return _apply_page(request, program, forms, closed=" ".join(error.messages))
            forms.add_service_errors(error)
            return _apply_page(request, program, forms)
        request.session.pop(DRAFT_KEY % program.pk, None)
        return redirect("registrations:complete", registration_id=registration.pk)
    reg_settings = selectors.registration_settings_for(program)
    arguments = forms.submit_arguments()
    return render(
        request,
        "registrations/apply_confirm.html",
        {
            "program": program,
            "reg_settings": reg_settings,
            "sessions": list(program.sessions.all()),
            "party_size": arguments["party_size"],
            "participants": arguments["participants"],
            "answers": _answer_labels(forms.form),
            "attends_every_session": arguments["attends_every_session"],
            "asks_every_session": "attends_every_session" in forms.form.fields,
            "applicant": user,
            "token": draft["token"],
            "draw_at": selectors.draw_time(program) if reg_settings.is_lottery else None,
        },
    )


def _answer_labels(form: ApplyForm) -> list[tuple[str, object]]:
    """The answers as the resident will read them back: each question's label and the answer."""
    answers = form.answers()
    return [(q.label, answers[q.key]) for q in form.questions if q.key in answers]


@login_required
def complete(request: HttpRequest, registration_id: int) -> HttpResponse:
    """Step 3 of 3 (完了): the result of the application and its reference. Safe to reload."""
    registration = _own(request, registration_id)
    reg_settings = selectors.registration_settings_for(registration.program)
    return render(
        request,
        "registrations/apply_complete.html",
        {
            "registration": registration,
            "program": registration.program,
            "participants": list(registration.participants.all()),
            "draw_at": selectors.draw_time(registration.program) if reg_settings.is_lottery else None,
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
