"""Staff pages for working as one city: the contact directory, the planning calendar, liaison meetings."""

import calendar
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts import services as account_services
from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import Department, DepartmentContact
from manabiba.accounts.permissions import can_manage_department_contacts
from manabiba.accounts.selectors import department_directory
from manabiba.core.dates import FIRST_DAY, LAST_DAY
from manabiba.liaison import selectors, services
from manabiba.liaison.forms import ActionItemForm, CloseForm, ContactForm, MeetingForm, PlanningFilterForm
from manabiba.liaison.permissions import can_close_action, can_manage_meetings
from manabiba.liaison.selectors import ActionState
from manabiba.programs.forms import WEEKDAYS
from manabiba.programs.planning import planning_month


def _service_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the contact directory ----------------------------------------------------------------------


@permission_required("accounts.view_department_contacts")
def directory(request: HttpRequest) -> HttpResponse:
    departments = list(department_directory())
    return render(
        request,
        "liaison/staff/directory.html",
        {"rows": [(d, can_manage_department_contacts(request.user, d)) for d in departments]},
    )


def _contact_page(request: HttpRequest, department: Department, contact: DepartmentContact | None) -> HttpResponse:
    if not can_manage_department_contacts(request.user, department):
        raise PermissionDenied
    if request.method != "POST":
        form = ContactForm(department=department, contact=contact)
    else:
        form = ContactForm(request.POST, department=department, contact=contact)
        if form.is_valid():
            data = form.cleaned_data
            try:
                account_services.department_contact_save(
                    department=department,
                    actor=request.user,
                    contact=contact,
                    user=data["user"],
                    name=data["name"],
                    phone=data["phone"],
                    extension=data["extension"],
                    email=data["email"],
                    role_note=data["role_note"],
                    sort_order=data["sort_order"] or 0,
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("The contact is saved."))
                return redirect(f"{reverse('staff_liaison:directory')}#department-{department.pk}")
    return render(
        request, "liaison/staff/contact_form.html", {"form": form, "department": department, "contact": contact}
    )


@permission_required("accounts.manage_department_contacts")
def contact_new(request: HttpRequest, department_id: int) -> HttpResponse:
    return _contact_page(request, get_object_or_404(Department, pk=department_id), None)


@permission_required("accounts.manage_department_contacts")
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(DepartmentContact.objects.select_related("department", "user"), pk=contact_id)
    return _contact_page(request, contact.department, contact)


@permission_required("accounts.manage_department_contacts")
@require_POST
def contact_remove(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(DepartmentContact.objects.select_related("department"), pk=contact_id)
    account_services.department_contact_remove(contact=contact, actor=request.user)
    messages.success(request, _("The contact is removed."))
    return redirect(f"{reverse('staff_liaison:directory')}#department-{contact.department_id}")


# --- the planning calendar ----------------------------------------------------------------------


def _shift_month(first: date, delta: int) -> date | None:
    index = first.year * 12 + (first.month - 1) + delta
    shifted = date(index // 12, index % 12 + 1, 1)
    return shifted if FIRST_DAY <= shifted <= LAST_DAY else None


@permission_required("programs.view_planning")
def planning_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = request.GET.copy()
    # The month shown is written in its field, so that a clerk sees which month the filters apply to.
    data.setdefault("month", f"{today:%Y-%m}")
    form = PlanningFilterForm(data)
    month = form.chosen_month(today)
    department, area, audience = form.value("department"), form.value("area"), form.value("audience")
    # Japanese calendars start on Sunday.
    weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(month.year, month.month)
    plan = planning_month(
        month=month,
        weeks=weeks,
        department_id=department.pk if department else None,
        area_id=area.pk if area else None,
        audience_id=audience.pk if audience else None,
    )
    kept = {
        name: str(value.pk)
        for name, value in (("department", department), ("area", area), ("audience", audience))
        if value is not None
    }

    def month_url(first: date | None) -> str:
        return "" if first is None else "?" + urlencode({"month": f"{first:%Y-%m}", **kept})

    sunday_first = [WEEKDAYS[6], *WEEKDAYS[:6]]
    return render(
        request,
        "liaison/staff/calendar.html",
        {
            "form": form,
            "plan": plan,
            "month": month,
            "weekday_names": [label for _value, label in sunday_first],
            "previous_url": month_url(_shift_month(month, -1)),
            "next_url": month_url(_shift_month(month, 1)),
            "today": today,
        },
    )


# --- liaison meetings and action items ----------------------------------------------------------


@permission_required("liaison.view_meetings")
def meetings(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.meeting_list(), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "liaison/staff/meetings.html",
        {"page": page, "can_manage": can_manage_meetings(request.user), "today": timezone.localdate()},
    )


@permission_required("liaison.manage_meetings")
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The meeting is recorded. Add its action items below."))
            return redirect("staff_liaison:meeting", meeting_id=meeting.pk)
    return render(request, "liaison/staff/meeting_form.html", {"form": form, "meeting": None})


@permission_required("liaison.manage_meetings")
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_detail(meeting_id)
    if meeting is None:
        raise Http404
    initial = {
        "title": meeting.title,
        "held_on": meeting.held_on,
        "minutes": meeting.minutes,
        "departments": list(meeting.departments.all()),
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff_liaison:meeting", meeting_id=meeting.pk)
    return render(request, "liaison/staff/meeting_form.html", {"form": form, "meeting": meeting})


@permission_required("liaison.view_meetings")
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_detail(meeting_id)
    if meeting is None:
        raise Http404
    manage = can_manage_meetings(request.user)
    form = ActionItemForm(request.POST or None) if manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                item = services.action_item_assign(meeting=meeting, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Action item added; %(department)s has been told by mail.") % {"department": item.owner.name},
                )
                return redirect("staff_liaison:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "liaison/staff/meeting_detail.html",
        {"meeting": meeting, "form": form, "can_manage": manage, "today": timezone.localdate()},
    )


@permission_required("liaison.view_meetings")
def actions(request: HttpRequest) -> HttpResponse:
    try:
        state = ActionState(request.GET.get("state", ActionState.OPEN))
    except ValueError:
        state = ActionState.OPEN
    today = timezone.localdate()
    items = selectors.action_items_for(request.user, state=state, today=today)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "liaison/staff/actions.html",
        {
            "page": page,
            "state": state,
            "states": [
                (ActionState.OPEN, _("Open")),
                (ActionState.OVERDUE, _("Overdue")),
                (ActionState.DONE, _("Done")),
                (ActionState.ALL, _("All")),
            ],
            "today": today,
            "everyone": can_manage_meetings(request.user),
        },
    )


@permission_required("liaison.view_meetings")
def action_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.action_item_detail(item_id)
    if item is None:
        raise Http404
    may_close = can_close_action(request.user, item) and item.status == item.Status.OPEN
    form = CloseForm(request.POST or None) if may_close else None
    if request.method == "POST":
        action = request.POST.get("action", "close")
        if action == "reopen" and can_manage_meetings(request.user):
            try:
                services.action_item_reopen(item=item, actor=request.user, reason=request.POST.get("reason", ""))
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The item is open again."))
            return redirect("staff_liaison:action", item_id=item.pk)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.action_item_close(item=item, actor=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("Marked done."))
                return redirect("staff_liaison:action", item_id=item.pk)
    return render(
        request,
        "liaison/staff/action_detail.html",
        {
            "item": item,
            "form": form,
            "can_reopen": can_manage_meetings(request.user) and item.status == item.Status.DONE,
            "today": timezone.localdate(),
        },
    )
