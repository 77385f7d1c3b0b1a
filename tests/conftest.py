"""Fixtures every test may use: a real SMTP server, and one signed-in persona per role."""

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from email.message import EmailMessage

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.smtp_catcher import SmtpCatcher

PERSONA_PASSWORD = "correct horse battery staple"

# Notes every API status the suite sees, to compare with the OpenAPI document at the end.
pytest_plugins = ["tests.api_statuses"]


class SmtpServer:
    """A running SMTP server the application delivers to, and what it has received."""

    def __init__(self, catcher: SmtpCatcher) -> None:
        self._catcher = catcher

    @property
    def messages(self) -> list[EmailMessage]:
        return self._catcher.messages

    @property
    def port(self) -> int:
        return self._catcher.port

    def stop(self) -> None:
        """The mail server goes down: connections to its port are refused."""
        self._catcher.stop()

    def start(self) -> None:
        """The mail server comes back on the same port, keeping what it had received."""
        self._catcher.start()

    def holding(self) -> AbstractContextManager[threading.Event]:
        """Mail that arrives inside waits before it is accepted (see ``SmtpCatcher.holding``)."""
        return self._catcher.holding()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def subject(message: EmailMessage) -> str:
        # Long Japanese subjects are folded over two lines; unfolded they keep a leading space.
        return str(message["Subject"]).strip()

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language: a request through the test client activates
    the visitor's (LocaleMiddleware) and leaves it active for whatever the test, or the next test in
    the same worker, runs after it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (it is shared: in-process, or Redis in CI)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp_server(settings: SettingsWrapper) -> Iterator[SmtpServer]:
    catcher = SmtpCatcher().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = catcher.host
    settings.EMAIL_PORT = catcher.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield SmtpServer(catcher)
    finally:
        catcher.stop()


@pytest.fixture
def make_persona(db: None) -> Callable[..., User]:
    from manabiba.accounts.factories import UserFactory

    def make(role: Role | None = None, **fields: object) -> User:
        return UserFactory(roles=[role] if role and role != Role.RESIDENT else [], **fields)

    return make


@pytest.fixture
def resident(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.RESIDENT, email="resident@example.jp", full_name="市民 花子")


@pytest.fixture
def coordinator(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.COORDINATOR, email="coordinator@example.jp", full_name="推進 担当")


@pytest.fixture
def personas(make_persona: Callable[..., User]) -> dict[Role, User]:
    """One signed-up person per role, with e-mails like ``coordinator@example.jp``."""
    return {role: make_persona(role, email=f"{role.value}@example.jp") for role in Role}
