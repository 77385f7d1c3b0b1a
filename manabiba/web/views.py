"""The home page, the site's own pages, and the text-size switch."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

STATIC_PAGES = {"about", "accessibility", "privacy", "terms"}
TEXT_SIZES = {"normal", "large", "xlarge"}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in STATIC_PAGES:
        raise Http404
    return render(request, f"web/pages/{slug}.html")


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(safe_next(request))
    size = request.POST.get("size", "normal")
    if size in TEXT_SIZES:
        response.set_cookie(
            "text_size", size, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure(), httponly=True
        )
    return response
