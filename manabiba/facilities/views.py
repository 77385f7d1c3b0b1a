"""Public pages about the places where people learn."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from manabiba.core.models import Area
from manabiba.facilities.forms import FacilityFilterForm
from manabiba.facilities.selectors import facilities_grouped_by_kind, facility_get, facility_list


def facility_index(request: HttpRequest) -> HttpResponse:
    form = FacilityFilterForm(request.GET or None)
    kind: str | None = None
    area: Area | None = None
    if form.is_bound:
        # A stale link may carry one unknown value; the other filter still applies.
        form.is_valid()
        kind = form.cleaned_data.get("kind") or None
        area = form.cleaned_data.get("area")
    facilities = list(facility_list(kind=kind, area=area))
    return render(
        request,
        "facilities/facility_list.html",
        {
            "form": form,
            "groups": facilities_grouped_by_kind(facilities),
            "total": len(facilities),
            "filtered": kind is not None or area is not None,
        },
    )


def facility_detail(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = facility_get(facility_id=facility_id)
    if facility is None:
        raise Http404
    return render(request, "facilities/facility_detail.html", {"facility": facility})
