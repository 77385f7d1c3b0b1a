"""The staff pages for support requests: the lists behind the workspace cards, one request (split it,
answer a part, write to the group or a note, close it, publish its case study)."""

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
from manabiba.support import selectors, services
from manabiba.support.forms import CaseStudyForm, QueueFilterForm, SplitForm, StaffMessageForm, TaskAnswerForm
from manabiba.support.models import SupportRequest, SupportTask
from manabiba.support.permissions import can_answer_task, can_handle_request, can_manage
from manabiba.support.views import errors_to_form


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@permission_required("support.view")
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = QueueFilterForm(request.GET or None)
    view, kind = "all", ""
    if form.is_valid():
        view, kind = form.cleaned_data["view"] or "all", form.cleaned_data["kind"]
    now = timezone.now()
    rows: Any
    if view in selectors.TASK_VIEWS:
        rows = selectors.task_queue(user=user, view=view, now=now)
        if kind:
            rows = rows.filter(kind=kind)
    else:
        rows = selectors.request_queue(view=view, kind=kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    # The lists show groups' names and what they asked, no contact details: summaries every department sees.
    return render(
        request,
        "support/staff/queue.html",
        {
            "form": form,
            "page": page,
            "view": view,
            "kind": kind,
            "tasks_view": view in selectors.TASK_VIEWS,
            "now": now,
        },
    )


def _opened(request_id: int) -> SupportRequest:
    found = selectors.request_for_staff(request_id)
    if found is None:
        raise PermissionDenied
    return found


def _render_detail(request: HttpRequest, support_request: SupportRequest, **forms: Any) -> HttpResponse:
    user = _staff(request)
    full = can_handle_request(user, support_request)
    task_forms = [
        (
            task,
            forms.get(f"task_{task.pk}")
            or TaskAnswerForm(prefix=f"task{task.pk}", initial={"status": task.status, "answer": task.answer}),
        )
        for task in support_request.tasks.all()
        if can_answer_task(user, task) and support_request.status != SupportRequest.Status.CLOSED
    ]
    manage = can_manage(user)
    return render(
        request,
        "support/staff/detail.html",
        {
            "support_request": support_request,
            "full": full,
            "manage": manage,
            "thread": selectors.thread(support_request, with_notes=True) if full else [],
            "task_forms": task_forms,
            "split_form": forms.get("split_form") or (SplitForm(request=support_request) if manage else None),
            "message_form": forms.get("message_form") or StaffMessageForm(),
            "case_form": forms.get("case_form")
            or CaseStudyForm(
                initial={
                    "case_title": support_request.case_title or support_request.title,
                    "case_summary": support_request.case_summary,
                }
            ),
            "error_forms": [f for f in forms.values() if f is not None] + [f for _t, f in task_forms],
        },
    )


@permission_required("support.view")
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _opened(request_id)
    services.support_view_record(request=support_request, actor=_staff(request), view="detail")
    return _render_detail(request, support_request)


@permission_required("support.manage")
@require_POST
def split(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _opened(request_id)
    form = SplitForm(request.POST, request=support_request)
    if form.is_valid():
        parts = [services.TaskSpec(department=d, kind=k, instructions=i) for d, k, i in form.cleaned_data["parts"]]
        try:
            tasks = services.support_request_split(request=support_request, actor=_staff(request), parts=parts)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("The request has been passed to %(departments)s.")
                % {"departments": "、".join(t.department.name for t in tasks)},
            )
            return redirect("staff_support:detail", request_id=support_request.pk)
    return _render_detail(request, _opened(request_id), split_form=form)


@permission_required("support.answer")
@require_POST
def task_answer(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(SupportTask.objects.select_related("request", "department"), pk=task_id)
    user = _staff(request)
    if not can_answer_task(user, task):
        raise PermissionDenied
    form = TaskAnswerForm(request.POST, prefix=f"task{task.pk}")
    if form.is_valid():
        try:
            services.support_task_update(
                task=task, actor=user, status=form.cleaned_data["status"], answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your department's part has been updated; the group has been told."))
            return redirect("staff_support:detail", request_id=task.request_id)
    return _render_detail(request, _opened(task.request_id), **{f"task_{task.pk}": form})


@permission_required("support.answer")
@require_POST
def message(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _opened(request_id)
    user = _staff(request)
    if not can_handle_request(user, support_request):
        raise PermissionDenied
    form = StaffMessageForm(request.POST)
    if form.is_valid():
        try:
            services.support_staff_message(
                request=support_request,
                actor=user,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("The note has been added.") if form.cleaned_data["internal"] else _("The message has been sent."),
            )
            return redirect("staff_support:detail", request_id=support_request.pk)
    return _render_detail(request, support_request, message_form=form)


@permission_required("support.manage")
@require_POST
def close(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _opened(request_id)
    services.support_request_close(request=support_request, actor=_staff(request))
    messages.success(request, _("The request has been closed."))
    return redirect("staff_support:detail", request_id=support_request.pk)


@permission_required("support.manage")
@require_POST
def case_study(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _opened(request_id)
    form = CaseStudyForm(request.POST)
    if form.is_valid():
        try:
            services.support_case_publish(
                request=support_request,
                actor=_staff(request),
                title=form.cleaned_data["case_title"],
                summary=form.cleaned_data["case_summary"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The case study is published."))
            return redirect("staff_support:detail", request_id=support_request.pk)
    return _render_detail(request, support_request, case_form=form)


@permission_required("support.manage")
@require_POST
def case_unpublish(request: HttpRequest, request_id: int) -> HttpResponse:
    support_request = _opened(request_id)
    services.support_case_unpublish(request=support_request, actor=_staff(request))
    messages.success(request, _("The case study has been taken down."))
    return redirect("staff_support:detail", request_id=support_request.pk)
