"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test under tests/browser is marked ``browser`` and runs after all other tests, so the
event loop Playwright's sync API keeps running in the main thread exists only for them.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import SmtpServer

# Playwright's sync API keeps an asyncio loop running in the main thread, and Django refuses
# ORM calls from a thread with a running loop; the tests' own ORM calls are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
# The machine has no network: without these, Chromium keeps dialling out to Google services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BROWSER_DIR = Path(__file__).parent

# Chromium reports CSP violations on the console too, but this makes them unmistakable.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


# A wrapper: the marker must be there before `-m` deselects, and the reordering must come
# after pytest-django's own, which would otherwise put the tests without a database last.
@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
    result = yield
    in_browser = [item for item in items if BROWSER_DIR in item.path.parents]
    items[:] = [item for item in items if BROWSER_DIR not in item.path.parents] + in_browser
    return result


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def browser_context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(10_000)
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    try:
        yield context
    finally:
        context.close()


# A phone's screen, as the phone tests lay pages out on.
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_without_javascript(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page on a phone's screen with JavaScript off: what works there works for everyone."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    try:
        yield context.new_page()
    finally:
        context.close()


class ConsoleLog:
    """Every console message and uncaught error of a page, for asserting there were none."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def record(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.messages.append(f"{message.type}: {message.text} ({message.location.get('url', '')})")

    def record_page_error(self, error: Any) -> None:
        self.messages.append(f"uncaught: {error}")

    @property
    def errors(self) -> list[str]:
        return [m for m in self.messages if not m.startswith("warning:")]

    def assert_no_errors(self) -> None:
        errors = self.errors
        assert not errors, "The browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def console_log() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(browser_context: BrowserContext, console_log: ConsoleLog) -> Page:
    new_page = browser_context.new_page()
    new_page.on("console", console_log.record)
    new_page.on("pageerror", console_log.record_page_error)
    return new_page


def _describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node.get('html', '').strip()[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def axe_check(axe: Axe) -> Callable[[Page], None]:
    """Run axe-core's WCAG 2.1 A and AA rules on the page as it is now; fail listing what it found."""

    def check(page: Page) -> None:
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        )
        violations = results.response["violations"]
        if violations:
            pytest.fail(_describe_violations(page.url, violations), pytrace=False)

    return check


def _login(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='email']").fill(email)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()


@pytest.fixture
def login() -> Callable[[Page, str, str], None]:
    """``login(page, email, password)`` signs in through the real login form."""
    return _login


@pytest.fixture
def live_server_mail(smtp_server: SmtpServer, live_server: LiveServer) -> SmtpServer:
    """Mail the live server sends lands in a real SMTP server.

    The live server runs in this process, so the settings smtp_server overrides apply to it.
    """
    return smtp_server
