"""The staff workspace for consultations: the queue, one consultation, logging, canned replies, figures."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.consultations import selectors, services
from manabiba.consultations.forms import AskForm, AssignForm, CannedReplyForm, NoteForm, QueueFilterForm, ReplyForm
from manabiba.consultations.models import CannedReply, Consultation, Message, ReplyChannel
from manabiba.consultations.permissions import (
    can_answer_consultation,
    can_route_consultation,
    can_view_consultation,
)
from manabiba.core.audit import audit_log
from manabiba.programs.models import Program


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@permission_required("consultations.answer")
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = QueueFilterForm(request.GET or None)
    view = topic = ""
    if form.is_valid():
        view, topic = form.cleaned_data["view"] or "all", form.cleaned_data["topic"]
    view = view or "all"
    page = Paginator(selectors.consultation_queue(user=user, view=view, topic=topic), 50).get_page(
        request.GET.get("page")
    )
    audit_log(
        action="consultations.personal_data.viewed",
        actor=user,
        data={"view": "queue", "filter": view, "topic": topic, "shown": [c.reference for c in page.object_list]},
    )
    return render(
        request,
        "consultations/staff/queue.html",
        {"form": form, "page": page, "view": view, "topic": topic, "now": timezone.now()},
    )


@permission_required("consultations.log")
def log(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = AskForm(request.POST or None, staff=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_submit(
                topic=data["topic"],
                body=data["body"],
                reply_channel=data["reply_channel"],
                preferred_times=data["preferred_times"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                channel=data["channel"],
                logged_by=user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Logged as %(reference)s. Tell the resident this reference number.")
                % {"reference": consultation.reference},
            )
            return redirect("staff_consultations:detail", consultation_id=consultation.pk)
    return render(request, "consultations/staff/log.html", {"form": form})


def _opened(request: HttpRequest, consultation_id: int) -> Consultation:
    consultation = selectors.consultation_for_staff(consultation_id)
    if consultation is None:
        raise PermissionDenied
    return consultation


@permission_required("consultations.answer")
def detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """One consultation. The programme search is a button of the reply form that posts here: the page
    comes back with the results and the reply as typed, programmes already ticked still ticked."""
    user = _staff(request)
    consultation = _opened(request, consultation_id)
    services.consultation_view_record(consultation=consultation, actor=user, view="detail")
    params = request.POST if request.method == "POST" else request.GET
    program_query = params.get("program_q", "").strip()[:200]
    candidates = selectors.program_candidates(program_query) if program_query else []
    initial: dict[str, Any] = {}
    if request.method == "POST":
        initial["body"] = request.POST.get("body", "")[:8000]
        initial["wait_for_resident"] = request.POST.get("wait_for_resident") == "on"
        ticked = [int(v) for v in request.POST.getlist("programs") if v.isdigit()]
        already = selectors.published_programs(ticked)
        candidates = already + [p for p in candidates if p.pk not in set(ticked)]
        initial["programs"] = [p.pk for p in already]
    canned_id = request.GET.get("canned", "")
    if canned_id.isdigit():
        canned = selectors.canned_replies().filter(pk=int(canned_id)).first()
        if canned is not None:
            initial["body"] = canned.body
    return render(
        request,
        "consultations/staff/detail.html",
        {
            "consultation": consultation,
            "thread": consultation.messages.all(),
            "reply_form": ReplyForm(
                initial=initial,
                candidates=[(p.pk, p.title) for p in candidates],
                call_note=consultation.reply_channel != ReplyChannel.EMAIL,
            ),
            "candidates": candidates,
            "program_query": program_query,
            "note_form": NoteForm(),
            "assign_form": AssignForm(
                initial={"department": consultation.department_id, "assignee": consultation.assignee_id}
            ),
            "canned": selectors.canned_replies(),
            "can_route": can_route_consultation(user, consultation),
            "can_answer": can_answer_consultation(user, consultation),
            "now": timezone.now(),
        },
    )


def _back(consultation: Consultation) -> HttpResponse:
    return redirect("staff_consultations:detail", consultation_id=consultation.pk)


def _report(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.error(request, str(error) or _("Your account does not have permission for this."))


@permission_required("consultations.answer")
@require_POST
def reply(request: HttpRequest, consultation_id: int) -> HttpResponse:
    user = _staff(request)
    consultation = _opened(request, consultation_id)
    posted = [int(v) for v in request.POST.getlist("programs") if v.isdigit()]
    titles = dict(Program.objects.filter(pk__in=posted).values_list("pk", "title"))
    form = ReplyForm(request.POST, candidates=list(titles.items()))
    if not form.is_valid():
        messages.error(request, _("Write the reply."))
        return _back(consultation)
    try:
        services.consultation_reply(
            consultation=consultation,
            actor=user,
            body=form.cleaned_data["body"],
            program_ids=form.cleaned_data["programs"],
            wait_for_resident=form.cleaned_data["wait_for_resident"],
        )
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        if consultation.reply_channel == ReplyChannel.EMAIL:
            messages.success(request, _("Reply sent."))
        else:
            messages.success(request, _("Call note logged. Nothing was mailed."))
    return _back(consultation)


@permission_required("consultations.answer")
@require_POST
def note(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _opened(request, consultation_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_note_add(
                consultation=consultation, actor=_staff(request), body=form.cleaned_data["note"]
            )
        except PermissionDenied as error:
            _report(request, error)
        else:
            messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write the note."))
    return _back(consultation)


@permission_required("consultations.answer")
@require_POST
def assign(request: HttpRequest, consultation_id: int) -> HttpResponse:
    user = _staff(request)
    consultation = _opened(request, consultation_id)
    if request.POST.get("take") == "1":
        department, assignee, note_text = consultation.department, user, ""
    elif request.POST.get("hand_back") == "1":
        department, assignee, note_text = None, None, request.POST.get("note", "")[:2000]
    else:
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a department or a person from the lists."))
            return _back(consultation)
        department, assignee = form.cleaned_data["department"], form.cleaned_data["assignee"]
        note_text = form.cleaned_data["note"]
    try:
        services.consultation_assign(
            consultation=consultation, actor=user, department=department, assignee=assignee, note=note_text
        )
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
        return _back(consultation)
    messages.success(request, _("Routing saved."))
    if can_view_consultation(user, consultation):  # the desk keeps reading what it routed
        return _back(consultation)
    return redirect("staff_consultations:queue")


@permission_required("consultations.answer")
@require_POST
def close(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _opened(request, consultation_id)
    try:
        services.consultation_close(consultation=consultation, actor=_staff(request))
    except PermissionDenied as error:
        _report(request, error)
    else:
        messages.success(request, _("Consultation closed."))
    return _back(consultation)


@permission_required("consultations.manage_canned")
def canned_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "consultations/staff/canned_list.html", {"replies": selectors.canned_replies(active_only=False)}
    )


@permission_required("consultations.manage_canned")
def canned_edit(request: HttpRequest, canned_id: int | None = None) -> HttpResponse:
    canned = get_object_or_404(CannedReply, pk=canned_id) if canned_id else None
    form = CannedReplyForm(request.POST or None, instance=canned)
    if request.method == "POST":
        if request.POST.get("delete") == "1" and canned is not None:
            services.canned_reply_delete(actor=_staff(request), canned=canned)
            messages.success(request, _("Canned reply deleted."))
            return redirect("staff_consultations:canned_list")
        if form.is_valid():
            services.canned_reply_save(actor=_staff(request), canned=canned, **form.cleaned_data)
            messages.success(request, _("Canned reply saved."))
            return redirect("staff_consultations:canned_list")
    return render(request, "consultations/staff/canned_form.html", {"form": form, "canned": canned})


@permission_required("consultations.view_figures")
def figures(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        months = max(1, min(36, int(request.GET.get("months", "12"))))
    except ValueError:
        months = 12
    first = today.replace(day=1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    data = selectors.consultation_figures(since=first, until=today)
    return render(
        request,
        "consultations/staff/figures.html",
        {"figures": data, "since": first, "until": today, "months": months, "Message": Message},
    )
