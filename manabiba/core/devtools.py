"""Development tools that production installs leave out: a clear error instead of a traceback."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError

# Import name -> distribution name of the packages only requirements/dev.txt installs.
DEV_ONLY_PACKAGES = {"factory": "factory_boy", "faker": "Faker", "aiosmtpd": "aiosmtpd"}


@contextmanager
def dev_requirements(command: str) -> Iterator[None]:
    """Wraps a development command's imports: a missing development package becomes a CommandError
    that says how to install it. Any other missing module is a real bug and is raised as it is."""
    try:
        yield
    except ModuleNotFoundError as error:
        package = DEV_ONLY_PACKAGES.get((error.name or "").partition(".")[0])
        if package is None:
            raise
        raise CommandError(
            f"{command} is a development tool and needs {package}, which production installs leave out. "
            "Install the development requirements: pip install --require-hashes -r requirements/dev.txt "
            "(or `make .venv/.installed`)."
        ) from error
