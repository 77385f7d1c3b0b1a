import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.core.mail import MAX_ATTEMPTS, QUEUE_GRACE, outbox_deliver, outbox_enqueue, outbox_retry_due
from manabiba.core.models import OutboxMessage
from manabiba.core.smtp_catcher import SmtpCatcher
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_server_port(settings: SettingsWrapper) -> int:
    """Mail goes over SMTP to a port where, for now, nothing is listening."""
    port = closed_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return port


@pytest.fixture
def late_server(mail_server_port: int) -> Iterator[Callable[[], SmtpCatcher]]:
    """Starts the mail server on that port when the test says it is back up."""
    started: list[SmtpCatcher] = []

    def start() -> SmtpCatcher:
        started.append(SmtpCatcher(port=mail_server_port).start())
        return started[-1]

    yield start
    for catcher in started:
        catcher.stop()


def test_mail_is_sent_over_smtp_once_the_transaction_commits(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            message = outbox_enqueue(
                to="hanako@example.jp", subject="申込を受け付けました", body="第1回は5月10日です。"
            )
        assert smtp_server.messages == []

    (sent,) = smtp_server.to("hanako@example.jp")
    assert sent["Subject"] == "申込を受け付けました"
    assert "第1回は5月10日です。" in smtp_server.body(sent)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_an_answer_goes_to_the_reply_address_the_mail_names(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(to="hanako@example.jp", subject="ご相談", body="…", reply_to="reply+abc@manabiba.example.jp")
        outbox_enqueue(to="taro@example.jp", subject="ご案内", body="…")

    assert smtp_server.to("hanako@example.jp")[0]["Reply-To"] == "reply+abc@manabiba.example.jp"
    assert smtp_server.to("taro@example.jp")[0]["Reply-To"] is None


def test_a_rolled_back_change_sends_no_mail(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    def draw_then_fail() -> None:
        with transaction.atomic():
            outbox_enqueue(to="hanako@example.jp", subject="当選しました", body="…")
            raise RuntimeError("the lottery failed after writing the mail")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError, match="lottery"):
        draw_then_fail()

    assert callbacks == []
    assert smtp_server.messages == []
    assert not OutboxMessage.objects.exists()


def test_mail_waits_while_the_server_is_down_and_goes_once_it_is_back(
    late_server: Callable[[], SmtpCatcher],
    django_capture_on_commit_callbacks: CaptureCallbacks,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(to="taro@example.jp", subject="抽選結果", body="当選しました。")

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at is not None
    assert message.next_attempt_at > timezone.now()

    catcher = late_server()
    assert outbox_retry_due() == 0  # the backoff has not passed yet
    assert catcher.messages == []

    time_machine.move_to(message.next_attempt_at + timedelta(seconds=1), tick=False)
    assert outbox_retry_due() == 1
    assert outbox_retry_due() == 0

    assert [m["To"] for m in catcher.messages] == ["taro@example.jp"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.last_error == ""


def test_delivering_the_same_mail_twice_sends_it_once(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        message = outbox_enqueue(to="hanako@example.jp", subject="キャンセル待ち", body="…")

    assert outbox_deliver(message_id=message.pk) is True
    assert outbox_deliver(message_id=message.pk) is True

    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_mail_is_given_up_after_the_last_attempt(mail_server_port: int) -> None:
    message = OutboxMessage.objects.create(to="taro@example.jp", subject="…", body="…")

    results = [outbox_deliver(message_id=message.pk) for _ in range(MAX_ATTEMPTS)]
    message.refresh_from_db()

    assert results == [False] * MAX_ATTEMPTS
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS


def test_the_timer_sends_mail_the_task_queue_could_not_take(
    smtp_server: SmtpServer,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: CaptureCallbacks,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # A Redis queue on a port where nothing listens: the change still commits.
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    time_machine.move_to(timezone.now(), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(to="hanako@example.jp", subject="申込を受け付けました", body="…")

    assert smtp_server.messages == []
    time_machine.move_to(timezone.now() + QUEUE_GRACE, tick=False)
    out = StringIO()
    call_command("send_outbox", stdout=out)

    assert out.getvalue().splitlines()[0] == "1 sent, 0 to retry, 0 given up"
    assert len(smtp_server.to("hanako@example.jp")) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
