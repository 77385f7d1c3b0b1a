"""The home page, the site's own pages, and the text-size switch."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from manabiba.core.http import safe_next
from manabiba.facilities.selectors import facility_kind_counts
from manabiba.programs.selectors import category_list
from manabiba.web.context_processors import TEXT_SIZE_COOKIE, TEXT_SIZES

STATIC_PAGES = {"about", "accessibility", "privacy", "terms"}


def home(request: HttpRequest) -> HttpResponse:
    kind_counts = facility_kind_counts()
    return render(
        request,
        "web/home.html",
        {
            "category_groups": category_list(),
            "kind_counts": kind_counts,
            "facility_total": sum(row.count for row in kind_counts),
        },
    )


def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in STATIC_PAGES:
        raise Http404
    return render(request, f"web/pages/{slug}.html")


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(safe_next(request, reverse("web:home")))
    size = request.POST.get("size", "normal")
    if size in TEXT_SIZES:
        # Read only by the server, which renders the class: no script needs it.
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            size,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response
