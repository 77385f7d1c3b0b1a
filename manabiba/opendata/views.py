"""The open-data page and the public download of the programme list."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from manabiba.opendata.exporter import events_export
from manabiba.opendata.layouts import SUISHO_V1
from manabiba.opendata.municipalities import MUNICIPALITIES, city_code, city_name
from manabiba.opendata.selectors import programs_for_export


@require_safe
def opendata_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/index.html",
        {
            "layout": SUISHO_V1,
            "sources": [
                (name, code) for code, name in sorted(MUNICIPALITIES.items(), key=lambda item: item[1] != city_name())
            ],
        },
    )


@require_safe
def events_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(events_export(programs_for_export(), bom=True), content_type="text/csv; charset=utf-8")
    filename = f"{city_code() or 'events'}_event_{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
