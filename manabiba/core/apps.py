from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "manabiba.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from manabiba.core import checks  # noqa: F401 - registers the deploy checks
        from manabiba.core.audit_actions import audit_register
        from manabiba.core.figures import _release_digest

        # The fingerprint of the running code, read from its files now, before they can be replaced.
        _release_digest()

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
