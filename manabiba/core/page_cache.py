"""A short-lived cache of whole public pages, for visitors who are not signed in.

Public catalogue pages carry nothing personal for such visitors (the preference switches need
no CSRF token), so the same HTML serves everyone who asks for the same URL with the same
language, text size, furigana, contrast and easy-Japanese choice. Each app passes a version function that changes
whenever its content changes, so an edit shows at once; the time limit bounds everything else
("starting soon" moves on by itself).

When a page is out of date (older than a minute, or of an older version), exactly one request
renders it again while the others are served the page they would have had a moment ago.
Without that, every visitor arriving at once after the minute turns renders the same page at
the same time, and on a busy listing each of them waits for all the others.
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
# How long an out-of-date page may still be served while one request renders its successor.
STALE_SECONDS = 600
# Bounds how long others wait on a request that died while rendering.
REFRESH_LOCK_SECONDS = 30
# Cookies that only choose how a page looks; any other cookie (a session, messages waiting to
# be shown) means the page may be personal, and it is rendered afresh.
PREFERENCE_COOKIES = ("text_size", "furigana", "contrast", "easy", "csrftoken")

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    language_cookie = settings.LANGUAGE_COOKIE_NAME
    return all(name in PREFERENCE_COOKIES or name == language_cookie for name in request.COOKIES)


def _key(request: HttpRequest) -> str:
    parts = (
        request.get_full_path(),
        get_language(),
        request.COOKIES.get("text_size", ""),
        request.COOKIES.get("furigana", ""),
        request.COOKIES.get("contrast", ""),
        request.COOKIES.get("easy", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"page:{digest}"


def _cached_response(content: bytes, headers: dict[str, str]) -> HttpResponse:
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def cache_public_page(version: Callable[[], str]) -> Callable[[View], View]:
    """Serve the view's 200 responses from the cache for anonymous visitors, keyed by ``version()``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key, current = _key(request), version()
            now = timezone.now().timestamp()
            cached: tuple[bytes, dict[str, str], str, float] | None = cache.get(key)
            refreshing = False
            if cached is not None:
                content, headers, cached_version, stored_at = cached
                if cached_version == current and now - stored_at < PAGE_CACHE_SECONDS:
                    return _cached_response(content, headers)
                refreshing = cache.add(f"{key}:refresh", 1, REFRESH_LOCK_SECONDS)
                if not refreshing:
                    return _cached_response(content, headers)
            try:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.streaming and not response.cookies:
                    kept = {name: value for name, value in response.items() if name in {"Content-Type", "Vary"}}
                    cache.set(key, (response.content, kept, current, now), PAGE_CACHE_SECONDS + STALE_SECONDS)
            finally:
                if refreshing:
                    cache.delete(f"{key}:refresh")
            return response

        return cast(View, wrapped)

    return decorate
