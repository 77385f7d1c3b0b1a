"""The home page, the site's own pages, and the text-size, furigana, contrast and easy-Japanese switches."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from manabiba.core.http import safe_next
from manabiba.core.page_cache import cache_public_page
from manabiba.facilities.selectors import facility_kind_counts
from manabiba.programs.selectors import (
    CategoryGroup,
    ProgramFilters,
    Sort,
    catalogue_version,
    category_counts,
    category_list,
    program_search,
)
from manabiba.web.context_processors import (
    CONTRAST_COOKIE,
    EASY_COOKIE,
    FURIGANA_COOKIE,
    TEXT_SIZE_COOKIE,
    TEXT_SIZES,
)

STATIC_PAGES = {"about", "accessibility", "privacy", "terms"}
HOME_LIST_SIZE = 5
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class FieldLink:
    """A field of learning on the home page, with the listing's query that finds its programmes."""

    label: str
    query: str
    count: int | None


@dataclass(frozen=True)
class FieldGroup:
    major: FieldLink
    minors: list[FieldLink]


def _field_groups(groups: list[CategoryGroup], counts: dict[int, int], english: bool) -> list[FieldGroup]:
    result = []
    for group in groups:
        minor_links = [
            FieldLink(
                category.name_en if english and category.name_en else category.minor,
                urlencode({"category": category.pk}),
                counts.get(category.pk, 0),
            )
            for category in group.minors
        ]
        # A field with sub-fields can have the same programme under several of them, so only a
        # field that is a single category row shows a count of its own.
        ids = group.ids
        major_count = counts.get(ids[0], 0) if len(ids) == 1 else None
        label = group.name_en if english and group.name_en else group.major
        result.append(FieldGroup(FieldLink(label, urlencode({"category": ids}, doseq=True), major_count), minor_links))
    return result


@cache_public_page(catalogue_version)
def home(request: HttpRequest) -> HttpResponse:
    kind_counts = facility_kind_counts()
    english = (get_language() or "ja").startswith("en")
    return render(
        request,
        "web/home.html",
        {
            "field_groups": _field_groups(category_list(), category_counts(), english),
            "starting_soon": program_search(
                ProgramFilters(sort=Sort.DATE, not_started=True), limit=HOME_LIST_SIZE
            ).programs,
            "closing_soon": program_search(
                ProgramFilters(sort=Sort.DEADLINE, open_now=True), limit=HOME_LIST_SIZE
            ).programs,
            "newest": program_search(ProgramFilters(sort=Sort.NEW), limit=HOME_LIST_SIZE).programs,
            "kind_counts": kind_counts,
            "facility_total": sum(row.count for row in kind_counts),
        },
    )


def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in STATIC_PAGES:
        raise Http404
    return render(request, f"web/pages/{slug}.html")


# The preference switches change only how pages look for this browser, so they carry no CSRF
# token: that keeps public pages free of per-visitor tokens, and so cacheable (core.page_cache).
def _remember_preference(request: HttpRequest, *, field: str, cookie: str, allowed: set[str]) -> HttpResponse:
    """Set a look-and-feel cookie from a posted choice and go back to the page it came from.

    The cookies are read only by the server, which renders the page accordingly: no script
    needs them, so they are HTTP-only.
    """
    response = HttpResponseRedirect(safe_next(request, reverse("web:home")))
    value = request.POST.get(field, "")
    if value in allowed:
        response.set_cookie(
            cookie, value, max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure(), httponly=True
        )
    return response


@csrf_exempt
@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    return _remember_preference(request, field="size", cookie=TEXT_SIZE_COOKIE, allowed=set(TEXT_SIZES))


@csrf_exempt
@require_POST
def furigana(request: HttpRequest) -> HttpResponse:
    return _remember_preference(request, field="furigana", cookie=FURIGANA_COOKIE, allowed={"on", "off"})


@csrf_exempt
@require_POST
def contrast(request: HttpRequest) -> HttpResponse:
    """Light text on black, for residents who read better so (白黒反転 on many city sites)."""
    return _remember_preference(request, field="contrast", cookie=CONTRAST_COOKIE, allowed={"high", "normal"})


@csrf_exempt
@require_POST
def easy_japanese(request: HttpRequest) -> HttpResponse:
    """A programme's summary in easy Japanese (やさしい日本語), with furigana, as city sites offer."""
    return _remember_preference(request, field="easy", cookie=EASY_COOKIE, allowed={"on", "off"})


@csrf_exempt
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the site's language (Django's own switch needs a CSRF token; this one does not)."""
    return _remember_preference(
        request, field="language", cookie=settings.LANGUAGE_COOKIE_NAME, allowed=set(dict(settings.LANGUAGES))
    )


# Django's own 400 and 500 handlers are wrapped in ``requires_csrf_token``, which reads the request
# body again: a body that cannot be decoded (a form posted as Shift_JIS) raises once more inside the
# handler, and the server answers with its bare error page. These render without touching the request.
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.get_template("500.html").render())
