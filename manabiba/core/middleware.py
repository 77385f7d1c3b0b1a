"""Request ids for tracing, and the Content-Security-Policy header."""

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from manabiba.core.request_context import client_ip_var, request_id_var

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_META_KEY = "manabiba.request_id"

# No inline script or style anywhere: everything is a file served by us.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def _take_client_ip_from_proxy(request: HttpRequest) -> None:
    """Behind nginx the peer is the proxy; the client's address is in the header it sets.

    Only the header named by ``CLIENT_IP_HEADER`` is trusted, and only when the proxy is
    the only way in (it must overwrite the header). Login throttling and audit entries
    read ``REMOTE_ADDR``, so it is corrected here, first.
    """
    header = settings.CLIENT_IP_HEADER
    if not header:
        return
    value = request.headers.get(header, "").strip()
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return
    request.META["REMOTE_ADDR"] = value


class RequestIdMiddleware:
    """Take the proxy's ``X-Request-ID`` when it is sane, otherwise make one, and echo it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _take_client_ip_from_proxy(request)
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # Kept on the request too: Django logs returned 4xx/5xx responses after the middleware
        # has finished, and the log filter finds the id there.
        request.META[REQUEST_ID_META_KEY] = request_id
        id_token = request_id_var.set(request_id)
        ip_token = client_ip_var.set(request.META.get("REMOTE_ADDR") or None)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(id_token)
            client_ip_var.reset(ip_token)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that needs another policy sets its own header, which is kept.
        if not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
