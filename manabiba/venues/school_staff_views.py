"""Schools in the staff workspace: the school calendar, 学校開放 rules, projects and their volunteers,
and the room-utilisation figures. School staff see only their own school."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.core.audit import audit_log
from manabiba.core.figures import FiscalYear, fiscal_year_of
from manabiba.core.spreadsheet import spreadsheet_response
from manabiba.facilities.models import Facility
from manabiba.facilities.selectors import facilities_with_bookable_rooms
from manabiba.venues import school_selectors, school_services
from manabiba.venues.charts import percent_bar_chart
from manabiba.venues.models import ProjectVolunteer, SchoolBlock, SchoolProject
from manabiba.venues.permissions import can_manage_facility, can_manage_school
from manabiba.venues.school_forms import AnswerForm, SchoolBlockForm, SchoolProjectForm, SchoolRulesForm
from manabiba.venues.school_views import _add_errors
from manabiba.venues.selectors import bookings_of_facility, month_bounds
from manabiba.venues.utilisation import TARGET_PERCENT, utilisation, utilisation_of_year


def _school_or_404(request: HttpRequest, school_id: int) -> Facility:
    school = get_object_or_404(Facility, pk=school_id)
    if not can_manage_school(request.user, school):
        raise Http404
    return school


@permission_required("venues.manage_facility")
def schools(request: HttpRequest) -> HttpResponse:
    answer = school_selectors.volunteers_to_answer_q(request.user)
    return render(
        request,
        "venues/staff/schools/list.html",
        {
            "schools": school_selectors.schools_managed_by(request.user),
            "offers": school_selectors.offers_to_answer(answer) if answer is not None else [],
        },
    )


@permission_required("venues.manage_facility")
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    place = _school_or_404(request, school_id)
    rules = school_selectors.school_rules(place)
    assert rules is not None
    block_form = SchoolBlockForm(request.POST if "add_block" in request.POST else None, prefix="block")
    rules_form = SchoolRulesForm(
        request.POST if "set_rules" in request.POST else None,
        prefix="rules",
        initial={
            "min_members": rules.min_members,
            "min_city_percent": rules.min_city_percent,
            "adult_representative_for_minors": rules.adult_representative_for_minors,
        },
    )
    if request.method == "POST":
        if "add_block" in request.POST and block_form.is_valid():
            try:
                school_services.school_block_set(actor=request.user, school=place, **block_form.cleaned_data)
            except ValidationError as error:
                _add_errors(block_form, error)
            else:
                messages.success(request, _("The day is blocked for the school event."))
                return redirect("staff_venues:school", school_id=place.pk)
        if "set_rules" in request.POST and rules_form.is_valid():
            try:
                school_services.school_rules_set(actor=request.user, school=place, **rules_form.cleaned_data)
            except ValidationError as error:
                _add_errors(rules_form, error)
            else:
                messages.success(request, _("The school opening rules are saved."))
                return redirect("staff_venues:school", school_id=place.pk)
    today = timezone.localdate()
    blocks = list(school_selectors.school_blocks(place, first=today))
    # Bookings already made on blocked days, for staff to settle with the groups.
    clashes = [
        booking
        for booking in bookings_of_facility(place, first=today, last=blocks[-1].day if blocks else today)
        if booking.status == booking.Status.BOOKED and booking.day in {block.day for block in blocks}
    ]
    return render(
        request,
        "venues/staff/schools/school.html",
        {
            "school": place,
            "blocks": blocks,
            "clashes": clashes,
            "rules": rules,
            "block_form": block_form,
            "rules_form": rules_form,
            "projects": school_selectors.projects_of_school(place),
        },
    )


@permission_required("venues.manage_facility")
@require_POST
def block_remove(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(SchoolBlock.objects.select_related("school"), pk=pk)
    if not can_manage_school(request.user, block.school):
        raise Http404
    school_services.school_block_remove(actor=request.user, block=block)
    messages.success(request, _("The day is open again."))
    return redirect("staff_venues:school", school_id=block.school_id)


@permission_required("venues.manage_facility")
def project_new(request: HttpRequest, school_id: int) -> HttpResponse:
    place = _school_or_404(request, school_id)
    form = SchoolProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = school_services.school_project_create(
                actor=request.user,
                school=place,
                categories=list(data.pop("categories")),
                lecture_starts=data.pop("lecture_starts"),
                lecture_ends=data.pop("lecture_ends"),
                capacity=data.pop("capacity"),
                **data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The project is posted."))
            return redirect("staff_venues:project", pk=project.pk)
    return render(request, "venues/staff/schools/project_new.html", {"school": place, "form": form})


def _project_or_404(request: HttpRequest, pk: int) -> SchoolProject:
    project = school_selectors.project_get(pk)
    if project is None or not can_manage_school(request.user, project.school):
        raise Http404
    return project


@permission_required("venues.manage_facility")
def project(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project_or_404(request, pk)
    volunteers = list(school_selectors.project_volunteers(found))
    # Volunteers' names, phones and messages are personal data: who looked is recorded.
    audit_log(
        action="venues.personal_data.viewed",
        actor=request.user,
        target=found,
        data={"view": "project_volunteers", "shown": [volunteer.pk for volunteer in volunteers]},
    )
    return render(
        request,
        "venues/staff/schools/project.html",
        {
            "project": found,
            "volunteers": volunteers,
            "accepted": sum(1 for v in volunteers if v.status == ProjectVolunteer.Status.ACCEPTED),
            "suggestions": school_selectors.project_talent_suggestions(found),
            "answer_form": AnswerForm(),
        },
    )


@permission_required("venues.manage_facility")
@require_POST
def volunteer_answer(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(ProjectVolunteer.objects.select_related("project__school"), pk=pk)
    if not can_manage_school(request.user, volunteer.project.school):
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
    else:
        accept = form.cleaned_data["decision"] == "accept"
        try:
            school_services.project_volunteer_answer(actor=request.user, volunteer=volunteer, accept=accept)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Accepted. The volunteer has been sent the details by e-mail.")
                if accept
                else _("Declined. The volunteer has been told by e-mail."),
            )
    return redirect("staff_venues:project", pk=volunteer.project_id)


@permission_required("venues.manage_facility")
@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project_or_404(request, pk)
    school_services.school_project_close(actor=request.user, project=found)
    messages.success(request, _("The project no longer takes volunteers."))
    return redirect("staff_venues:project", pk=found.pk)


# --- utilisation -------------------------------------------------------------------------------------


@permission_required("venues.manage_facility")
def utilisation_page(request: HttpRequest) -> HttpResponse:
    """The share of open frames booked per room and frame, for a fiscal year or one of its months;
    facility staff see their own facilities, coordinators every one. ``?format=csv`` downloads it."""
    mine = [facility for facility in facilities_with_bookable_rooms() if can_manage_facility(request.user, facility)]
    today = timezone.localdate()
    try:
        year = FiscalYear(int(request.GET.get("year", "")))
    except ValueError:
        year = fiscal_year_of(today)
    if not 2000 <= year.year <= today.year + 1:
        raise Http404
    month = request.GET.get("month", "")
    if month:
        if not month.isdigit() or not 1 <= int(month) <= 12:
            raise Http404
        calendar_year = year.year if int(month) >= 4 else year.year + 1
        first, last = month_bounds(calendar_year, int(month))
        found = utilisation(mine, first, last)
    else:
        found = utilisation_of_year(mine, year)
    if request.GET.get("format") == "csv":
        header = [_("Facility"), _("Room"), *found.frame_names, _("Open frames"), _("Booked frames"), _("Used (%)")]
        rows = [
            [
                row.room.facility.name if row.room else "",
                row.room.name if row.room else "",
                *[row.frames[name].percent if name in row.frames else "" for name in found.frame_names],
                row.open,
                row.used,
                row.percent if row.percent is not None else "",
            ]
            for row in found.rooms
        ]
        suffix = f"{year.year}" + (f"-{int(month):02d}" if month else "")
        return spreadsheet_response(f"room-utilisation-{suffix}.csv", header, rows)
    chart = percent_bar_chart(
        [(f"{row.room.facility.name} {row.room.name}" if row.room else "", row.percent) for row in found.rooms],
        target=TARGET_PERCENT,
        chart_id="utilisation-chart",
        title=_("Share of open frames booked, per room (%)"),
    )
    years = [FiscalYear(y) for y in range(fiscal_year_of(today).year, fiscal_year_of(today).year - 4, -1)]
    return render(
        request,
        "venues/staff/utilisation.html",
        {
            "found": found,
            "chart": chart,
            "year": year,
            "years": years,
            "month": int(month) if month else None,
            "months": [(m, date(2000, m, 1)) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)],
            "target": TARGET_PERCENT,
            "query": request.GET.urlencode(),
            "chart_title": _("Share of open frames booked, per room (%)"),
            "table_title": _("Share of open frames booked, per room and frame (%)"),
            "used_label": _("Used (%)"),
        },
    )
