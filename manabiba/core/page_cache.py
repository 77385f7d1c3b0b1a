"""A short-lived cache of whole public pages, for visitors who are not signed in.

Public catalogue pages carry nothing personal for such visitors (the preference switches need
no CSRF token), so the same HTML serves everyone who asks for the same URL with the same
language, text size and furigana choice. Each app passes a version function that changes
whenever its content changes, so an edit shows at once; the time limit bounds everything else
("starting soon" moves on by itself).
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

PAGE_CACHE_SECONDS = 60
# Cookies that only choose how a page looks; any other cookie (a session, messages waiting to
# be shown) means the page may be personal, and it is rendered afresh.
PREFERENCE_COOKIES = ("text_size", "furigana", "csrftoken")

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    language_cookie = settings.LANGUAGE_COOKIE_NAME
    return all(name in PREFERENCE_COOKIES or name == language_cookie for name in request.COOKIES)


def _key(request: HttpRequest, version: str) -> str:
    parts = (
        # The minute is part of the key, so that "starting soon" and "open now" move on even
        # where the cache keeps entries longer than asked.
        timezone.now().strftime("%Y%m%d%H%M"),
        request.get_full_path(),
        get_language(),
        request.COOKIES.get("text_size", ""),
        request.COOKIES.get("furigana", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"page:{version}:{digest}"


def cache_public_page(version: Callable[[], str]) -> Callable[[View], View]:
    """Serve the view's 200 responses from the cache for anonymous visitors, keyed by ``version()``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(request, version())
            cached: tuple[bytes, dict[str, str]] | None = cache.get(key)
            if cached is not None:
                content, headers = cached
                response = HttpResponse(content)
                for name, value in headers.items():
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                kept = {name: value for name, value in response.items() if name in {"Content-Type", "Vary"}}
                cache.set(key, (response.content, kept), PAGE_CACHE_SECONDS)
            return response

        return cast(View, wrapped)

    return decorate
