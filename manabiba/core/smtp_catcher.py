"""A small SMTP server that keeps what it receives: for development and for tests."""

import asyncio
import email
import email.policy
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

logger = logging.getLogger(__name__)


class _Handler:
    def __init__(self, maildir: Path | None) -> None:
        self.messages: list[EmailMessage] = []
        self.maildir = maildir
        self.hold: tuple[threading.Event, threading.Event, float] | None = None

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.hold is not None:
            release, arrived, timeout = self.hold
            arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, release.wait, timeout)
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        if self.maildir is not None:
            self.maildir.mkdir(parents=True, exist_ok=True)
            (self.maildir / f"{len(self.messages):05d}.eml").write_bytes(raw)
            logger.info("mail to %s: %s", ", ".join(envelope.rcpt_tos), message["Subject"])
        return "250 Message accepted for delivery"


def _free_port(host: str) -> int:
    # aiosmtpd checks readiness by connecting to the port it was given, so it needs a real one.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class SmtpCatcher:
    """Runs in a thread; ``messages`` holds every mail received, parsed.

    It can be stopped and started again on the same port (a mail server that goes down and
    comes back), keeping what it received.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, maildir: Path | None = None) -> None:
        self._handler = _Handler(maildir)
        self._host = host
        self._port = port or _free_port(host)
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self._handler.messages

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        return self._port

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> "SmtpCatcher":
        if self._controller is None:
            controller = Controller(self._handler, hostname=self._host, port=self._port)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @contextmanager
    def holding(self, timeout: float = 30) -> Iterator[threading.Event]:
        """Inside, a mail that arrives waits (at most ``timeout`` seconds) before it is accepted.

        The event yielded is set once a mail is waiting: the sender is then in the middle of
        its SMTP conversation. Leaving the block lets it through.
        """
        release, arrived = threading.Event(), threading.Event()
        self._handler.hold = (release, arrived, timeout)
        try:
            yield arrived
        finally:
            self._handler.hold = None
            release.set()
