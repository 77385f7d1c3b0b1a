"""factory_boy, Faker and aiosmtpd are development requirements: production runs without them, and the two
development commands that use them say how to install them instead of failing with a traceback."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings as SettingsWrapper

DEV_ONLY = ("factory", "faker", "aiosmtpd", "aiosmtpd.controller", "aiosmtpd.smtp")


@pytest.fixture
def without_dev_requirements(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a production install: importing the development packages fails, and nothing imported
    earlier in this test run lets a module that needs them slip through."""
    for name in DEV_ONLY:
        # None in sys.modules makes `import name` raise ModuleNotFoundError, as a missing package does.
        monkeypatch.setitem(sys.modules, name, None)
    for name in [n for n in sys.modules if n.endswith(".factories")] + [
        "manabiba.web.demo",
        "manabiba.core.smtp_catcher",
        "manabiba.web.management.commands.seed_demo",
        "manabiba.core.management.commands.mailcatcher",
    ]:
        if name in sys.modules:
            monkeypatch.delitem(sys.modules, name)


@pytest.mark.usefixtures("without_dev_requirements")
def test_seed_demo_without_the_development_requirements_says_how_to_install_them(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    with pytest.raises(
        CommandError, match=r"seed_demo is a development tool and needs (Faker|factory_boy).*requirements/dev\.txt"
    ):
        call_command("seed_demo", stdout=StringIO())


@pytest.mark.usefixtures("without_dev_requirements")
def test_the_mail_catcher_without_the_development_requirements_says_how_to_install_them() -> None:
    with pytest.raises(
        CommandError, match=r"mailcatcher is a development tool and needs aiosmtpd.*requirements/dev\.txt"
    ):
        call_command("mailcatcher", "--port", "0", stdout=StringIO())


# Imports every module of the package in a fresh interpreter where the development packages cannot be
# imported; only the modules that exist for development and tests may need them.
PRODUCTION_IMPORTS = """
import importlib, pkgutil, sys
for name in ("factory", "faker", "aiosmtpd"):
    sys.modules[name] = None
import django
django.setup()
import manabiba

DEVELOPMENT_ONLY = {
    "manabiba.web.demo",
    "manabiba.web.demo_workspace",
    "manabiba.venues.demo",
    "manabiba.core.smtp_catcher",
}
imported, refused = 0, []


def fail(name):
    raise ImportError(name)


for module in pkgutil.walk_packages(manabiba.__path__, "manabiba.", onerror=fail):
    if module.name.endswith(".factories") or module.name in DEVELOPMENT_ONLY:
        try:
            importlib.import_module(module.name)
        except ModuleNotFoundError:
            refused.append(module.name)
        continue
    importlib.import_module(module.name)
    imported += 1
print(imported, " ".join(sorted(refused)))
"""


def test_production_code_imports_without_the_development_requirements() -> None:
    done = subprocess.run(  # noqa: S603 (the test's own interpreter and script)
        [sys.executable, "-c", PRODUCTION_IMPORTS],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "manabiba.config.settings_test"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported, _space, refused = done.stdout.strip().partition(" ")
    assert int(imported) > 150
    # The blocking works: the development modules do fail to import in that interpreter.
    assert {"manabiba.web.demo", "manabiba.core.smtp_catcher", "manabiba.accounts.factories"} <= set(refused.split())
