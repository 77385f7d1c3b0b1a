import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, path
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.core.logging import JsonFormatter, RequestIdFilter


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Everything logged, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def entries(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_sane_request_id_from_the_proxy_is_echoed(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.01_b")

    assert response["X-Request-ID"] == "edge-7f3a.01_b"


@pytest.mark.parametrize("incoming", ["", "a b", "x" * 65, "id\r\nSet-Cookie: a=b", "ユーザー"])
def test_an_unusable_request_id_is_replaced_by_a_fresh_one(client: Client, incoming: str) -> None:
    first = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    second = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.django_db
def test_logs_written_during_a_request_carry_its_id(
    client: Client, json_log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError

    monkeypatch.setattr(caches["default"], "set", refuse)

    response = client.get("/readyz", HTTP_X_REQUEST_ID="trace-42")
    logging.getLogger("manabiba.test").warning("after the request")

    logged = {entry["logger"]: entry for entry in entries(json_log)}
    assert response.status_code == 503
    assert logged["manabiba.core.views"]["request_id"] == "trace-42"
    assert logged["manabiba.core.views"]["level"] == "WARNING"
    # Django logs the 503 after the middleware has returned; the id must still be there.
    assert logged["django.request"]["request_id"] == "trace-42"
    assert logged["manabiba.test"]["request_id"] == "-"


def test_json_lines_keep_japanese_and_exceptions_readable(json_log: io.StringIO) -> None:
    logger = logging.getLogger("manabiba.test")
    try:
        raise ValueError("定員を超えています")
    except ValueError:
        logger.exception("申込に失敗しました")

    (entry,) = entries(json_log)
    assert entry["message"] == "申込に失敗しました"
    assert "定員を超えています" in entry["exception"]
    assert "申込" in json_log.getvalue()


@pytest.mark.django_db
def test_the_client_address_comes_from_the_proxy_header_only_when_configured(
    client: Client, settings: SettingsWrapper
) -> None:
    from manabiba.core.audit import audit_log
    from manabiba.core.models import AuditEntry

    seen: list[str | None] = []

    def record(request: HttpRequest) -> HttpResponse:
        audit_log(action="tests.looked", actor=None)
        seen.append(request.META.get("REMOTE_ADDR"))
        return HttpResponse("ok")

    settings.ROOT_URLCONF = __name__
    urlpatterns.append(path("look", record))
    try:
        client.get("/look", HTTP_X_REAL_IP="203.0.113.7")
        settings.CLIENT_IP_HEADER = "X-Real-IP"
        client.get("/look", HTTP_X_REAL_IP="203.0.113.7")
        client.get("/look", HTTP_X_REAL_IP="not-an-address")
    finally:
        urlpatterns.clear()

    assert seen == ["127.0.0.1", "203.0.113.7", "127.0.0.1"]
    assert list(AuditEntry.objects.order_by("id").values_list("ip_address", flat=True)) == [
        "127.0.0.1",
        "203.0.113.7",
        "127.0.0.1",
    ]


urlpatterns: list[URLPattern] = []
