"""A small SMTP server that keeps what it receives: for development and for tests."""

import email
import email.policy
import logging
import socket
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

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:  # noqa: N802
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
    """Runs in a thread; ``messages`` holds every mail received, parsed."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, maildir: Path | None = None) -> None:
        self._handler = _Handler(maildir)
        self._port = port or _free_port(host)
        self._controller = Controller(self._handler, hostname=host, port=self._port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self._handler.messages

    @property
    def host(self) -> str:
        return str(self._controller.hostname)

    @property
    def port(self) -> int:
        return self._port

    def start(self) -> "SmtpCatcher":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
