import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from manabiba.core.devtools import dev_requirements


class Command(BaseCommand):
    help = "Run a local SMTP server that keeps every mail under var/mail (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=1025)

    def handle(self, *args: Any, **options: Any) -> None:
        # aiosmtpd is installed by the development requirements only.
        with dev_requirements("mailcatcher"):
            from manabiba.core.smtp_catcher import SmtpCatcher
        maildir = Path(settings.VAR_DIR) / "mail"
        catcher = SmtpCatcher(port=options["port"], maildir=maildir).start()
        self.stdout.write(f"Catching mail on 127.0.0.1:{catcher.port}, kept in {maildir}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            catcher.stop()
