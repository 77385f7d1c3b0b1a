"""Structured logs: one JSON object a line, each carrying the request id."""

import json
import logging
from datetime import UTC, datetime

from django.http import HttpRequest

from manabiba.core.middleware import REQUEST_ID_META_KEY
from manabiba.core.request_context import request_id_var


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id == "-":
            # django.request logs some responses after the request id middleware has returned,
            # but hands over the request, where the middleware left the id.
            request = getattr(record, "request", None)
            if isinstance(request, HttpRequest):
                request_id = str(request.META.get(REQUEST_ID_META_KEY, "-"))
        record.request_id = request_id
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
