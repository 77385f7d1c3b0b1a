"""The production queue: tasks go through a real Redis and an RQ worker.

Every machine of this project runs Redis on 127.0.0.1:6379; CI points REDIS_URL at its own.
"""

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import django_rq
import pytest
from pytest_django.fixtures import Settings as SettingsWrapper
from rq import SimpleWorker

from manabiba.core.mail import outbox_enqueue
from manabiba.core.models import OutboxMessage
from tests.conftest import SmtpServer

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
QUEUE = "default"  # the queue the task is declared on


@pytest.mark.django_db
def test_mail_is_delivered_by_an_rq_worker_through_redis(
    settings: SettingsWrapper, smtp_server: SmtpServer, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    settings.RQ_QUEUES = {QUEUE: {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [QUEUE]}}
    queue = django_rq.get_queue(QUEUE)
    queue.empty()

    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(to="hanako@example.jp", subject="申込を受け付けました", body="受付番号 17")

    assert queue.count == 1
    assert smtp_server.messages == []

    # In-process (no fork), so the worker sees the test's database transaction.
    worker = django_rq.get_worker(QUEUE, worker_class=SimpleWorker, job_class="django_tasks_rq.Job")
    assert worker.work(burst=True)

    (sent,) = smtp_server.to("hanako@example.jp")
    assert "受付番号 17" in smtp_server.body(sent)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert queue.count == 0
