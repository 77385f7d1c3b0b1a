"""Liveness and readiness for the load balancer and the process supervisor; the one-click unsubscribe page."""

import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from manabiba.core.cache import cache_failures_raise
from manabiba.core.unsubscribe import unsubscribe_data

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(error).__name__}"
    try:
        # The cache fails soft for pages (core.cache); readiness wants to hear that it failed.
        with cache_failures_raise():
            cache.set("readyz", "1", 5)
            checks["cache"] = "ok" if cache.get("readyz") == "1" else "error: value not kept"
    except Exception as error:  # noqa: BLE001
        checks["cache"] = f"error: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    if not ready:
        logger.warning("not ready: %s", checks)
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


@csrf_exempt  # the signed link is the proof, and a mail program's one-click POST (RFC 8058) has no token
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe(request: HttpRequest, list_name: str, token: str) -> HttpResponse:
    """The link at the foot of a list mail: a GET asks (mail scanners open links), a POST unsubscribes."""
    try:
        target, data = unsubscribe_data(list_name, token)
    except ValidationError:
        return render(request, "core/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        target.unsubscribe(data)
        return render(request, "core/unsubscribe.html", {"target": target, "done": True})
    description = target.describe(data) if target.describe is not None else ""
    return render(request, "core/unsubscribe.html", {"target": target, "description": description})
