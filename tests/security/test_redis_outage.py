"""An attacker's regression suite for outages (issue 17, item 8): with Redis gone, the site must
degrade, not answer 500 on every page, and must neither lose mail nor resurrect ended sessions.

Each test starts its own redis-server on a free port (never the shared one on 6379) and stops or
pauses it in the middle.
"""

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import django_rq
import pytest
import redis
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper
from rq import SimpleWorker

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.consultations.models import Consultation
from manabiba.core.mail import QUEUE_GRACE
from manabiba.core.models import OutboxMessage
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration
from tests.config.test_settings import manabiba, production_env
from tests.conftest import SmtpServer
from tests.consultations.steps import send_question
from tests.registrations.conftest import make_program  # noqa: F401 - a fixture used below
from tests.registrations.steps import apply_through

pytestmark = pytest.mark.django_db

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
MakeProgram = Callable[..., Program]
# How long the cache leaves a failed Redis alone; short here, so the test need not wait long.
RETRY_AFTER = 0.5


class RedisServer:
    """A redis-server of the test's own, without persistence, that can be stopped and paused."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _attempt in range(100):
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self) -> None:
        """Like a network partition: connections open, nothing answers, and the data stays."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(settings: SettingsWrapper) -> Iterator[RedisServer]:
    """The production settings for REDIS_URL (config/settings.py), pointed at a Redis of our own."""
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "manabiba.core.cache.FailSoftRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "manabiba-outage-test",
            "RETRY_AFTER": RETRY_AFTER,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.RQ_QUEUES = {"default": {"URL": server.url, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    try:
        yield server
    finally:
        if server.process is not None:
            server.resume()
        server.stop()


def test_production_settings_with_redis_are_the_ones_this_suite_takes_down(tmp_path: Path) -> None:
    env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"

    result = manabiba(env, "shell", "--verbosity", "0", "-c", show)

    assert result.stdout.split() == [
        "manabiba.core.cache.FailSoftRedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def _back(server: RedisServer) -> None:
    """Redis answers again, and the cache has waited out its pause after the failure."""
    server.start()
    time.sleep(RETRY_AFTER + 0.1)


def _browse(visitor: Client, program: Program) -> list[int]:
    return [
        visitor.get(url).status_code
        for url in (
            reverse("web:home"),
            reverse("programs:list"),
            reverse("programs:list") + "?q=講座",
            reverse("programs:detail", args=[program.pk]),
        )
    ]


def _ask(visitor: Client, email: str) -> int:
    """The question through its three steps; the status of the final 「送信する」."""
    data = {
        "topic": "learn",
        "body": "パソコンを学びたい",
        "reply_channel": "email",
        "name": "相談 花子",
        "email": email,
    }
    return send_question(visitor, data).status_code


def _apply(member: Client, program: Program) -> int:
    """The application through its three steps (the draft kept in the session between them); the status
    of the final 「申し込む」."""
    return apply_through(member, program, {"party_size": "1", "consent": "on"}, follow=False).status_code


def test_redis_outage_does_not_turn_pages_into_500s_nor_lose_mail(
    own_redis: RedisServer,
    make_program: MakeProgram,  # noqa: F811 - the fixture imported above
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: CaptureCallbacks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before, during = make_program(), make_program()
    User.objects.create_user("member@example.jp", DEFAULT_PASSWORD, is_active=True)
    visitor, member = Client(), Client()
    signed_in = member.post(reverse("accounts:login"), {"email": "member@example.jp", "password": DEFAULT_PASSWORD})
    assert signed_in.status_code == 302

    # Redis up: pages come from the cache after the first visit, mail goes through RQ.
    assert _browse(visitor, before) == [200, 200, 200, 200]
    assert redis.Redis.from_url(own_redis.url).keys("manabiba-outage-test:*:page:*")
    with django_capture_on_commit_callbacks(execute=True):
        assert _apply(member, before) == 302
        assert _ask(visitor, "before@example.jp") == 302
    assert django_rq.get_queue("default").count == 2
    assert django_rq.get_worker("default", worker_class=SimpleWorker, job_class="django_tasks_rq.Job").work(burst=True)
    assert len(smtp_server.to("member@example.jp")) == 1
    assert len(smtp_server.to("before@example.jp")) == 1

    own_redis.stop()

    # Redis down: every page still answers, the signed-in member stays signed in, and the
    # registration and the question are stored with their mail waiting in the outbox.
    assert _browse(visitor, during) == [200, 200, 200, 200]
    assert member.get(reverse("accounts:profile")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert _apply(member, during) == 302
        assert _ask(visitor, "during@example.jp") == 302
    assert Registration.objects.filter(program=during, user__email="member@example.jp").exists()
    assert Consultation.objects.filter(email="during@example.jp").exists()
    waiting = OutboxMessage.objects.filter(to__in=["member@example.jp", "during@example.jp"], sent_at__isnull=True)
    assert waiting.count() == 2
    assert len(smtp_server.to("during@example.jp")) == 0
    assert "The shared cache (Redis) failed" in caplog.text
    ready = visitor.get("/readyz")
    assert ready.status_code == 503
    # Refused by Redis, or not asked again within RETRY_AFTER of the last refusal.
    assert ready.json()["checks"]["cache"] in {"error: ConnectionError", "error: CacheUnavailableError"}
    assert "not handed to the task queue; send_outbox will retry it" in caplog.text
    # A new visitor can still sign in: the session is written to the database.
    late = Client()
    assert (
        late.post(reverse("accounts:login"), {"email": "member@example.jp", "password": DEFAULT_PASSWORD}).status_code
        == 302
    )
    assert late.get(reverse("accounts:profile")).status_code == 200

    _back(own_redis)

    # Redis back: the pages fill the cache again, and the timer sends what the queue could not take.
    assert _browse(visitor, during) == [200, 200, 200, 200]
    assert redis.Redis.from_url(own_redis.url).keys("manabiba-outage-test:*:page:*")
    assert member.get(reverse("accounts:profile")).status_code == 200
    assert visitor.get("/readyz").status_code == 200
    with time_machine.travel(timezone.now() + QUEUE_GRACE + timedelta(seconds=1), tick=False):
        out = StringIO()
        call_command("send_outbox", stdout=out)
    assert out.getvalue().splitlines()[0] == "2 sent, 0 to retry, 0 given up"
    assert len(smtp_server.to("member@example.jp")) == 2
    assert len(smtp_server.to("during@example.jp")) == 1
    assert not waiting.exists()


def test_logout_during_a_redis_partition_stays_logged_out_when_redis_returns(own_redis: RedisServer) -> None:
    User.objects.create_user("member@example.jp", DEFAULT_PASSWORD, is_active=True)
    member = Client()
    member.post(reverse("accounts:login"), {"email": "member@example.jp", "password": DEFAULT_PASSWORD})
    assert member.get(reverse("accounts:profile")).status_code == 200  # the session is in Redis now
    stolen_cookie = member.cookies["sessionid"].value

    own_redis.pause()
    assert member.post(reverse("accounts:logout")).status_code == 302
    own_redis.resume()
    time.sleep(RETRY_AFTER + 0.1)

    thief = Client()
    thief.cookies["sessionid"] = stolen_cookie
    response = thief.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
