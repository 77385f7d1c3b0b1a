"""Public pages for schools' community learning projects, and for programme sessions holding rooms."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.core.dates import day_from_iso
from manabiba.facilities.models import Room, TimeFrame
from manabiba.facilities.selectors import facilities_with_bookable_rooms
from manabiba.programs.models import Program
from manabiba.programs.permissions import can_manage_program
from manabiba.talents.models import TalentProfile
from manabiba.venues import programme_selectors, programme_services, school_selectors, school_services, services
from manabiba.venues.models import Booking, ProjectVolunteer
from manabiba.venues.school_forms import VolunteerForm


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def projects(request: HttpRequest) -> HttpResponse:
    found = school_selectors.projects_open(today=timezone.localdate())
    return render(request, "venues/schools/projects.html", {"projects": found})


def project(request: HttpRequest, pk: int) -> HttpResponse:
    found = school_selectors.project_get(pk)
    if found is None:
        raise Http404
    user = request.user
    talents = (
        TalentProfile.objects.filter(user_id=user.pk).order_by("-created_at")
        if user.is_authenticated
        else TalentProfile.objects.none()
    )
    offer = school_selectors.volunteer_offer_of(user, found)
    initial = {"name": getattr(user, "full_name", "")} if user.is_authenticated else {}
    form = VolunteerForm(request.POST or None, talents=talents, initial=initial)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                school_services.project_volunteer_offer(
                    actor=user,
                    project=found,
                    name=data["name"],
                    phone=data["phone"],
                    message=data["message"],
                    offered_as=data["offered_as"],
                    group_name=data["group_name"],
                    talent=data.get("talent"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Thank you. The school will answer you by e-mail."))
                return redirect("venues:project", pk=found.pk)
    return render(
        request,
        "venues/schools/project.html",
        {
            "project": found,
            "form": form,
            "offer": offer,
            "accepted": school_selectors.accepted_count(found),
            "taking": found.status == found.Status.OPEN and found.last_day >= timezone.localdate(),
        },
    )


@login_required
@require_POST
def volunteer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(ProjectVolunteer, pk=pk, user_id=request.user.pk)
    school_services.project_volunteer_withdraw(actor=request.user, volunteer=volunteer)
    messages.success(request, _("Your offer is withdrawn."))
    return redirect("venues:project", pk=volunteer.project_id)


@login_required
def volunteering(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "venues/schools/volunteering.html", {"offers": school_selectors.volunteering_of(user)})


# --- programme sessions holding rooms -----------------------------------------------------------------


def _program_or_404(request: HttpRequest, program_id: int) -> Program:
    program = get_object_or_404(Program.objects.select_related("organizer", "facility"), pk=program_id)
    if not can_manage_program(request.user, program):
        raise Http404
    return program


@login_required
def program_rooms(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    places = list(facilities_with_bookable_rooms())
    chosen_id = request.GET.get("facility") or (str(program.facility_id) if program.facility_id else "")
    facility = next((place for place in places if str(place.pk) == chosen_id), None)
    sessions, orphans = programme_selectors.program_session_rooms(program, facility)
    return render(
        request,
        "venues/programme_rooms.html",
        {
            "program": program,
            "places": places,
            "facility": facility,
            "sessions": sessions,
            "orphans": orphans,
            "pays_rooms": programme_selectors.programme_pays_rooms(program),
            "closed": program.status in programme_services.CLOSED_PROGRAMMES,
        },
    )


@login_required
@require_POST
def program_room_book(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    room = get_object_or_404(Room, pk=request.POST.get("room", 0), bookable=True)
    frame = get_object_or_404(TimeFrame, pk=request.POST.get("frame", 0), facility=room.facility)
    day = day_from_iso(request.POST.get("day", ""))
    if day is None:
        raise Http404
    try:
        programme_services.program_room_book(actor=request.user, program=program, room=room, day=day, frame=frame)
    except PermissionDenied as error:
        raise Http404 from error
    except (ValidationError, services.FrameUnavailableError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("The session holds %(room)s, %(frame)s.") % {"room": room, "frame": frame.label})
    return redirect(f"{_rooms_url(program)}?facility={room.facility_id}")


@login_required
@require_POST
def program_room_release(request: HttpRequest, program_id: int, pk: int) -> HttpResponse:
    program = _program_or_404(request, program_id)
    booking = get_object_or_404(Booking, pk=pk, program=program)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The frame is released."))
    return redirect(f"{_rooms_url(program)}?facility={booking.room.facility_id}")


def _rooms_url(program: Program) -> str:
    return reverse("venues:program_rooms", args=[program.pk])
